"""The ``luat`` command line. Every command takes ``--json``; errors go to stderr with exit status 1 (not
found, failed check), 2 (bad input) or 75 (the library is being written by another process, for longer than
``$LUAT_LOCK_WAIT`` seconds)."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import sqlite3
import sys
from pathlib import Path

from . import api
from .lock import LibraryBusy
from .models import Amendment, InputError
from .readers.common import read_input
from .store import LibraryError, library_path

EXIT_BUSY = 75  # EX_TEMPFAIL: the library is being written by another process


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _fail(msg: str, code: int = 1, as_json: bool = False) -> int:
    if as_json:
        _print_json({"error": msg})
    print(f"luat: {msg}", file=sys.stderr)
    return code


def cmd_ingest(args: argparse.Namespace) -> int:
    """``luat ingest [PATH...]``: read files into the library (the default corpora when no PATH) and report what was
    added; 1 when a file the user named could not be read."""
    paths = [Path(p) for p in args.paths]
    reports = api.ingest(
        paths or None,
        library=args.library,
        progress=not args.quiet and not args.json,
        workers=args.workers,
        rebuild=args.rebuild,
    )
    if args.json:
        _print_json([r.as_dict() for r in reports])
    else:
        for r in reports:
            print(
                f"Thư viện {r.library}: {r.files} tệp, {r.documents} văn bản, {r.articles} điều, {r.units} đơn vị, "
                f"{r.versions} phiên bản ({r.seconds:.1f} s)"
            )
            if r.warnings:
                print(f"  {len(r.warnings)} đoạn không đọc được, ví dụ: {r.warnings[0]}")
    for r in reports:
        for rej in r.rejected:  # one line per file, naming it
            print(f"luat: bỏ qua {rej}", file=sys.stderr)
    # the rest of a batch is ingested, but a file the user named that could not be read fails the command; the
    # default corpora hold one empty file (vlc-2021), reported and skipped
    return 1 if paths and any(r.rejected for r in reports) else 0


def cmd_show(args: argparse.Namespace) -> int:
    """``luat show``: a document, or one Điều, khoản or điểm, with its metadata, validity, amendments and (``--toc``)
    table of contents."""
    result = api.show(args.query, library=args.library, toc=args.toc, as_of=args.as_of)
    if args.json:
        _print_json(result)
        return 0
    doc = result["document"]
    print(f"{doc['name']} — số {doc['number'] or doc['doc_id']}")
    meta = [
        f"Loại: {doc['doc_type'] or '?'}",
        f"Cơ quan ban hành: {doc['issuer'] or '?'}",
        f"Ngày ban hành: {doc['issued'] or '?'}",
        f"Hiệu lực: {doc['effective'] or '?'}",
    ]
    print(" | ".join(meta))
    validity = doc["validity"]
    print(f"Tình trạng: {validity['status']}" + (f" — {validity['note']}" if validity["note"] else ""))
    if doc.get("title"):
        print(f"Trích yếu: {doc['title']}")
    # the whole document's changes here; a unit's own are listed under it (all of them are in --json)
    units_changed = 0
    for a in doc.get("amendments", []):
        if a["target"]:
            units_changed += 1
        else:
            print("  " + Amendment(**a).describe())
    if units_changed and not result.get("unit"):
        print(
            f"  {units_changed} điều, khoản được sửa đổi, bổ sung, bãi bỏ hoặc có hiệu lực riêng (xem --json hoặc từng điều)"
        )
    if result.get("toc") is not None:
        print()
        for e in result["toc"]:
            indent = "  " * e["depth"]
            name = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "tieu_muc": "Tiểu mục", "dieu": "Điều"}[
                e["kind"]
            ]
            print(f"{indent}{name} {e['label']}. {e['heading'] or ''}".rstrip(". "))
    unit = result.get("unit")
    if unit:
        print()
        print(
            f"{unit['citation']} {doc['name']}"
            + (f": {unit['heading']}" if unit.get("heading") else "")
            + (f" (bản tại ngày {unit['as_of']})" if unit.get("as_of") else "")
        )
        print(unit["text"])
        for a in unit.get("amendments", []):
            print(f"  Ghi chú: {a['note']}")
        if result.get("versions") and len(result["versions"]) > 1:
            print()
            print("Các phiên bản:")
            for v in result["versions"]:
                mark = " (mới nhất)" if v["newest"] else ""
                print(f"  {v['date'] or '?'} — {v['source']}{mark}")
        if result.get("cites"):
            print("\nDẫn chiếu đến:")
            for c in result["cites"][:30]:
                target = (
                    f"{c['doc']} {c['address'] or ''}".strip() if c["doc"] else (c["message"] or c["status"])
                )
                print(f"  «{c['text']}» → {target} [{c['status']}]")
        if result.get("cited_by"):
            print(f"\nĐược dẫn chiếu bởi ({len(result['cited_by'])}):")
            for c in result["cited_by"][:30]:
                print(f"  {c['citation']}: «{c['text']}»")
    for s in doc.get("sources", []):
        print(f"Nguồn: {s}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """``luat stats``: the library's counts of documents, articles, units and versions, its sources and document
    types."""
    s = api.stats(library=args.library)
    if args.json:
        _print_json(s)
        return 0
    print(f"Thư viện {s['library']} ({s['path']})")
    for k in (
        "documents",
        "articles",
        "units",
        "versions",
        "articles_with_several_texts",
        "articles_merged_per_khoan",
    ):
        print(f"  {k}: {s[k]}")
    print("  nguồn: " + ", ".join(f"{k} {v}" for k, v in s["sources"].items()))
    print("  loại văn bản: " + ", ".join(f"{k} {v}" for k, v in list(s["by_type"].items())[:12]))
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    """``luat cite TEXT``: the references to legal provisions in a text (``-``: standard input), each with its span,
    status and targets."""
    text = " ".join(args.text)
    if text == "-":
        text = sys.stdin.read()
    refs, truncated = api.cite_capped(text, library=args.library)
    if truncated:
        print(f"luat: chỉ hiện {len(refs)} dẫn chiếu đầu tiên (giới hạn mỗi văn bản)", file=sys.stderr)
    if args.json:
        _print_json(refs)
        return 0
    if not refs:
        print("Không tìm thấy dẫn chiếu nào.")
    for r in refs:
        targets = "; ".join(", ".join(f"{k}={v}" for k, v in t.items() if v) for t in r["targets"])
        print(
            f"[{r['start']}:{r['end']}] {r['text']!r} → {r['status']}"
            + (f" ({targets})" if targets else "")
            + (f" — {r['message']}" if r.get("message") else "")
        )
    return 0


def cmd_cite_check(args: argparse.Namespace) -> int:
    """``luat cite check FILE``: check every citation and quote of an answer against the library; 1 when one fails, 2
    when the file cannot be read."""
    source = args.file
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = read_input(Path(source)).decode("utf-8-sig")  # a regular file within MAX_FILE_BYTES
        except InputError as e:
            return _fail(str(e), 2, args.json)
        except UnicodeDecodeError as e:
            return _fail(f"{source}: cannot read ({e})", 2, args.json)
    checks = api.check(text, library=args.library)
    failed = [c for c in checks if not c["ok"]]
    if args.json:
        _print_json({"ok": not failed, "citations": checks})
    else:
        if not checks:
            print("Không có trích dẫn nào để kiểm tra.")
        for c in checks:
            mark = "✓" if c["ok"] else "✗"
            print(f"{mark} {c['text']} — {c['status']}" + (f": {c['message']}" if c.get("message") else ""))
            for q in c["quotes"]:
                qm = "✓" if q["ok"] else ("?" if q["ok"] is None else "✗")
                short = q["text"] if len(q["text"]) < 90 else q["text"][:87] + "..."
                print(f"    {qm} trích «{short}»" + (f" — {q['message']}" if q["message"] else ""))
            for n in c["notes"]:
                print(f"    ! {n}")
        print(f"{len(checks) - len(failed)}/{len(checks)} trích dẫn đạt.")
    return 1 if failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    """``luat index``: rebuild the library's search index and say how many articles it holds."""
    info = api.index(library=args.library, progress=not args.json)
    if args.json:
        _print_json(info)
    else:
        print(f"Chỉ mục {info['library']}: {info['articles']} điều ({info['seconds']} s) tại {info['path']}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    """``luat train``: learn the library's embedding, ranker and judge from its own questions and say what each
    learned from."""
    from .train import train

    api.searcher(args.library)  # the library and its index open (a clear error where they do not)
    info = train(library=args.library, progress=not args.json)
    if args.json:
        _print_json(info)
    else:
        e, r, j, c = info["embedding"], info["ranker"], info["judge"], info["chooser"]
        print(
            f"Mô hình {args.library}: vectơ {e['vocabulary']} từ cho {e['articles']} điều; xếp hạng học từ "
            f"{r['questions']} câu hỏi; phán đoán học từ {j['answers']} câu trả lời (AUC ngoài mẫu {j['oof_auc']}); "
            f"chọn khoản học từ {c['articles']} điều (đúng khoản ngoài mẫu {c['named_khoan_learned']}, theo từ "
            f"{c['named_khoan_lexical']}) ({info['seconds']} s)"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """``luat search``: the articles best matching a query, with their heading and the matched khoản or snippet."""
    from .search import Filters

    filters = Filters(
        doc_type=args.type, issuer=args.issuer, year=args.year, topic=args.topic, in_force=args.in_force
    )
    hits = api.search(args.query, library=args.library, k=args.k, filters=filters)
    if args.json:
        _print_json(hits)
        return 0
    if not hits:
        print("Không tìm thấy điều luật phù hợp.")
    for i, h in enumerate(hits, 1):
        head = f" — {h['heading']}" if h["heading"] else ""
        print(f"{i}. {h['citation']}{head}")
        if h["clause"]:
            print(f"   khoản {h['clause']}: {h['snippet']}")
        elif h["snippet"]:
            print(f"   {h['snippet']}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """``luat eval``: score search (luat against plain BM25: recall, MRR, nDCG, latency) or, with ``--ask``, the
    consultant on a benchmark file of questions."""
    from .evaluate import load_bench, run_search, score_run
    from .progress import bar

    questions, errors = load_bench(Path(args.bench))
    if args.limit:
        questions = questions[: args.limit]
    if args.ask:
        from .evaluate import evaluate_ask

        result = evaluate_ask(questions, library=args.library, progress=not args.json, as_of=args.as_of)
        result["as_of"] = args.as_of
        result["bench"] = args.bench
        result["skipped_lines"] = errors
        if args.json:
            _print_json(result)
        else:
            for k, v in result.items():
                if k not in ("details",):
                    print(f"{k}: {v}")
        return 0
    s = api.searcher(args.library)
    runs = []
    for name, plain in (("luat", False), ("bm25", True)):
        b = bar(len(questions), f"Đánh giá {name}", not args.json)
        ranked, lat = run_search(
            s, questions, args.k, plain, progress=functools.partial(b.update, 1), as_of=args.as_of
        )
        b.close()
        runs.append(score_run(name, questions, ranked, lat).as_dict())
    out = {
        "bench": args.bench,
        "library": args.library,
        "k": args.k,
        "as_of": args.as_of,
        "runs": runs,
        "skipped_lines": errors,
    }
    if args.json:
        _print_json(out)
    else:
        keys = [
            "questions",
            "recall@1",
            "recall@5",
            "recall@10",
            "mrr@10",
            "ndcg@10",
            "qps",
            "p50_ms",
            "p95_ms",
        ]
        print("run   " + "  ".join(f"{k:>9}" for k in keys))
        for r in runs:
            print(f"{r['name']:<6}" + "  ".join(f"{r[k]:>9}" for k in keys))
        for e in errors:
            print(f"bỏ qua: {e}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """``luat ask``: the consultant's answer to a question, similar consultations, and the nearest articles when it
    does not answer; 3 when it does not answer."""
    a = api.ask(args.question, library=args.library, as_of=args.as_of)
    if args.json:
        _print_json(a)
        return 0
    print(a["answer"])
    if a.get("similar"):
        print("\nCâu hỏi tương tự đã được trả lời:")
        for c in a["similar"]:
            print(f"  - {c['title'] or c['question'][:120]}" + (f" ({c['url']})" if c["url"] else ""))
    if a["status"] != "answered" and a["retrieved"]:
        print("\nCác điều gần nhất trong thư viện:")
        for r in a["retrieved"][:5]:
            print(f"  - {r['citation']}" + (f" — {r['heading']}" if r["heading"] else ""))
    return 0 if a["status"] == "answered" else 3


def cmd_serve(args: argparse.Namespace) -> int:
    """``luat serve``: run the web app and HTTP API until stopped."""
    from .web import serve

    if args.json:
        _print_json({"url": f"http://{args.host}:{args.port}/", "library": args.library})
    serve(host=args.host, port=args.port, library=args.library, workers=args.workers)
    return 0


def cmd_consult(args: argparse.Namespace) -> int:
    """``luat consult ingest|search|check``: load published consultations, search them, or list those whose citations
    no longer hold (1 when some do not)."""
    base = api.consultations(args.library)
    if args.action == "ingest":
        if not args.args:
            return _fail("luat consult ingest FILE...: cần ít nhất một tệp", 2, args.json)
        report = base.ingest([Path(p) for p in args.args]).as_dict()
        if args.json:
            _print_json(report)
        else:
            print(
                f"{report['records']} tư vấn, {report['citations']} trích dẫn; trích dẫn giải được hết: "
                f"{report['all_citations_resolve']} ({report['share_all_resolve']:.1%}); {report['groups']} nhóm câu hỏi"
            )
            for reason, n in report["top_reasons"].items():
                print(f"  {n} × {reason}")
            for r in report["rejected"][:20]:
                print(f"  bỏ qua: {r}")
        return 0
    if args.action == "search":
        hits = base.search(" ".join(args.args), k=args.k, cites=args.cites)
        if args.json:
            _print_json(hits)
        else:
            for h in hits:
                print(
                    f"- [{h['id']}] {h['title'] or h['question'][:150]}"
                    + (f"  {h['url']}" if h["url"] else "")
                )
        return 0
    if args.action == "check":
        stale = base.check()
        if args.json:
            _print_json(stale)
        else:
            for s in stale:
                print(f"[{s['id']}] {s['question'][:120]}")
                for r in s["reasons"][:5]:
                    print(f"    - {r}")
            print(f"{len(stale)} tư vấn cần xem lại.")
        return 1 if stale else 0
    return _fail(f"không có lệnh consult {args.action!r}", 2, args.json)


def build_parser() -> argparse.ArgumentParser:
    """The ``luat`` command line: one subcommand per action, each with ``--library`` and ``--json``."""
    p = argparse.ArgumentParser(
        prog="luat", description="Tra cứu văn bản pháp luật Việt Nam với trích dẫn chính xác."
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        """Add the options every subcommand takes: ``--library`` and ``--json``."""
        sp.add_argument("--library", default="default", help="tên thư viện (mặc định: default)")
        sp.add_argument("--json", action="store_true", help="kết quả dạng JSON")

    sp = sub.add_parser("ingest", help="nạp văn bản vào thư viện (không có PATH: thư viện mặc định)")
    sp.add_argument(
        "paths", nargs="*", help="tệp hoặc thư mục: .html.gz (Pháp điển), .txt/.html/.docx, .json"
    )
    sp.add_argument("--quiet", action="store_true", help="không hiện thanh tiến trình")
    sp.add_argument("--workers", type=int, default=None, help="số tiến trình đọc tệp")
    sp.add_argument("--rebuild", action="store_true", help="xóa thư viện và nạp lại từ đầu")
    common(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("show", help='hiện một văn bản hoặc một đơn vị: "khoản 1 Điều 60 Luật 58/2014/QH13"')
    sp.add_argument("query")
    sp.add_argument("--toc", action="store_true", help="mục lục của văn bản")
    sp.add_argument("--as-of", help="nội dung của đơn vị tại ngày YYYY-MM-DD")
    common(sp)
    sp.set_defaults(func=cmd_show)

    sp = sub.add_parser("ask", help="trả lời câu hỏi pháp lý, có căn cứ và trích dẫn nguyên văn")
    sp.add_argument("question")
    sp.add_argument("--as-of", help="trích dẫn bản có hiệu lực tại ngày YYYY-MM-DD")
    common(sp)
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("index", help="lập lại chỉ mục tìm kiếm của thư viện")
    common(sp)
    sp.set_defaults(func=cmd_index)

    sp = sub.add_parser(
        "train", help="học vectơ, mô hình xếp hạng và phán đoán của thư viện từ các câu hỏi có nhãn"
    )
    common(sp)
    sp.set_defaults(func=cmd_train)

    sp = sub.add_parser("search", help="tìm điều luật theo câu hỏi, số hiệu hoặc trích dẫn")
    sp.add_argument("query")
    sp.add_argument("-k", type=int, default=10, help="số kết quả (tối đa 100)")
    sp.add_argument("--type", help="loại văn bản, ví dụ 'Nghị định'")
    sp.add_argument("--issuer", help="cơ quan ban hành, ví dụ 'Chính phủ'")
    sp.add_argument("--year", type=int, help="năm ban hành")
    sp.add_argument("--topic", help="đề mục Pháp điển, ví dụ 'Bảo hiểm xã hội'")
    sp.add_argument("--in-force", action="store_true", help="chỉ văn bản đã có hiệu lực")
    common(sp)
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("eval", help="đánh giá tìm kiếm (hoặc --ask) trên một tệp benchmark JSONL")
    sp.add_argument("bench")
    sp.add_argument("-k", type=int, default=10)
    sp.add_argument("--limit", type=int, default=0, help="chỉ n câu đầu")
    sp.add_argument("--ask", action="store_true", help="đánh giá `luat ask`")
    sp.add_argument(
        "--as-of", help="hỏi như tại ngày YYYY-MM-DD (benchmark có đáp án trích văn bản nay đã hết hiệu lực)"
    )
    common(sp)
    sp.set_defaults(func=cmd_eval)

    sp = sub.add_parser("serve", help="trang web và HTTP API (mặc định http://127.0.0.1:8000)")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument(
        "--workers", type=int, default=None, help="số tiến trình phục vụ song song (mặc định: min(số lõi, 4))"
    )
    common(sp)
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser(
        "consult", help='tư vấn đã công bố: consult ingest FILE... | search "..." [--cites ...] | check'
    )
    sp.add_argument("action", choices=["ingest", "search", "check"])
    sp.add_argument("args", nargs="*")
    sp.add_argument("-k", type=int, default=10)
    sp.add_argument("--cites", help='tư vấn trích dẫn một quy định, ví dụ "Điều 60 Luật 58/2014/QH13"')
    common(sp)
    sp.set_defaults(func=cmd_consult)

    sp = sub.add_parser("stats", help="thống kê thư viện")
    common(sp)
    sp.set_defaults(func=cmd_stats)

    sp = sub.add_parser(
        "cite",
        help="tìm và giải dẫn chiếu trong một đoạn văn ('-': stdin); "
        "`luat cite check FILE|-` kiểm tra một câu trả lời",
    )
    sp.add_argument("text", nargs="+")
    common(sp)
    sp.set_defaults(func=cmd_cite)
    return p


def build_check_parser() -> argparse.ArgumentParser:
    """The command line of ``luat cite check FILE``."""
    p = argparse.ArgumentParser(
        prog="luat cite check", description="Kiểm tra trích dẫn và đoạn trích của một câu trả lời."
    )
    p.add_argument("file", help="tệp văn bản, hoặc '-' để đọc stdin")
    p.add_argument("--library", default="default")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_cite_check)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the ``luat`` command ``argv`` and return its exit status: 2 for bad input, 1 for something not found or
    unreadable, EXIT_BUSY when another writer holds the library; the error is printed once (as JSON with ``--json``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["cite", "check"]:
        parser, argv = build_check_parser(), argv[2:]
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    # errors are reported here, once: bad input (InputError, QueryError and other ValueErrors, a library
    # from another version) exits 2; something not found (a library, an index, a unit) exits 1
    as_json = getattr(args, "json", False)
    try:
        return int(args.func(args) or 0)
    except LibraryBusy as e:  # another writer held the library for longer than we would wait: try again later
        return _fail(str(e), EXIT_BUSY, as_json)
    except (ValueError, RuntimeError) as e:
        return _fail(str(e), 2, as_json)
    except (LookupError, FileNotFoundError) as e:
        return _fail(str(e).strip("'\""), 1, as_json)
    except sqlite3.DatabaseError as e:  # damage found after the library opened (a truncated file)
        name = getattr(args, "library", "default")
        return _fail(
            str(LibraryError(name, library_path(name), f"the file cannot be read ({e})")), 1, as_json
        )
    except BrokenPipeError:  # the reader went away (`luat ... | head`): nothing more to say, to anyone
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (the interpreter flushes stdout at exit)
        return 0
    except OSError as e:
        return _fail(f"{e.filename or ''}{': ' if e.filename else ''}{e.strerror or e}", 1, as_json)


if __name__ == "__main__":
    sys.exit(main())
