"""Time the reference finder on 1 MB of adversarial text, one pattern at a time (issue 14: every text path linear,
1 MB in at most 1 s on one core): ``python scripts/cite_speed.py [--mb 1] [--only NAME] [--limit 60]``.

Each pattern runs in a child process (forked, so one core) with a time limit; the figure is the CPU seconds of
that process per megabyte of UTF-8 input, the best of ``--repeat`` runs. ``--fingerprint`` instead prints the
held-out precision/recall (as ``luat.bench cite`` scores them, with the default library's names read from an
immutable connection, so nothing is written beside the library) and a hash of everything the finder returns
on the held-out sets, on ``vlc-2021`` and on each pattern at 20 KB: a change that only makes the finder faster
leaves every line of that output the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

MB = 1_000_000


def _data() -> Path:
    return Path(os.environ.get("LUAT_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data")


def _real_text() -> str:
    """The official texts of ``vlc-2021``, in name order, as one string."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((_data() / "vlc-2021").glob("*.txt")))


def _fill(unit: str | Callable[[int], str], size: int) -> str:
    """``unit`` repeated (or, when it is a function of the index, its pieces joined) up to ``size`` UTF-8 bytes."""
    if isinstance(unit, str):
        n = max(1, size // _bytes(unit))
        return unit * n
    parts, total, i = [], 0, 0
    while total < size:
        piece = unit(i)
        parts.append(piece)
        total += _bytes(piece)
        i += 1
    return "".join(parts)


def _cut(text: str, size: int) -> str:
    return text.encode()[:size].decode("utf-8", "ignore")


def patterns(size: int) -> dict[str, Callable[[], str]]:
    """Adversarial texts of about ``size`` UTF-8 bytes, built on demand (the real text is read from disk)."""
    letters = "abcdđeghiklmnopqrstuvxy"
    mixed = "Điều 1\x00khoản\ufffd2 \udcff Luật\x00Nghị định số 1/\x00 điểm a,\ufffd b Bộ luật \x00 năm 2015\ufeff "
    # a lone surrogate (a str from a careless decoder may hold one) is counted as its 3 bytes
    return {
        "'1/' * N": lambda: _fill("1/", size),
        "'Điều 1 ' * N": lambda: _fill("Điều 1 ", size),
        "'Điều 1.\\n' * N (headings)": lambda: _fill("Điều 1.\n", size),
        "'khoản ' * N": lambda: _fill("khoản ", size),
        "digits, no space": lambda: _fill("1234567890", size),
        "'/' * N": lambda: _fill("/", size),
        "'12/2015/' * N": lambda: _fill("12/2015/", size),
        "'Nghị định số ' * N": lambda: _fill("Nghị định số ", size),
        "'Nghị định số 1/' * N": lambda: _fill("Nghị định số 1/", size),
        "'khoản 1, 2, 3, ...' one list": lambda: "khoản " + _fill(lambda i: f"{i % 999 + 1}, ", size),
        "'điểm a, b, c, ...' one list": lambda: (
            "điểm " + _fill(lambda i: f"{letters[i % len(letters)]}, ", size)
        ),
        "'Điều 1, Điều 2, ...' one list": lambda: _fill(lambda i: f"Điều {i % 999 + 1}, ", size),
        "'Luật ' * N": lambda: _fill("Luật ", size),
        "'luật ' * N (lower case)": lambda: _fill("luật ", size),
        "'Luật Bảo hiểm ' * N": lambda: _fill("Luật Bảo hiểm ", size),
        "'luật a b c ...' name run": lambda: (
            "luật " + _fill(lambda i: f"{letters[i % len(letters)]}x ", size)
        ),
        "'Điều 1 Quy chế ' * N": lambda: _fill("Điều 1 Quy chế ", size),
        "'điều này ' * N": lambda: _fill("điều này ", size),
        "'từ Điều 1 đến Điều 300 ' * N": lambda: _fill("từ Điều 1 đến Điều 300 ", size),
        "'khoản 1 Điều 2 Luật Doanh nghiệp 2020, ' * N": lambda: _fill(
            "khoản 1 Điều 2 Luật Doanh nghiệp 2020, ", size
        ),
        "mixed Vietnamese with NUL/invalid chars": lambda: _fill(mixed, size),
        "no whitespace at all": lambda: _fill("Điều1khoản2điểmaLuật58/2014/QH13Nghịđịnhsố", size),
        "one huge word": lambda: "a" * size,
        "NUL": lambda: "\x00" * size,
        "decomposed accents (NFD real text)": lambda: __import__("unicodedata").normalize(
            "NFD", _cut(_real_text(), size)
        ),
        "real text (vlc-2021, first MB)": lambda: _cut(_real_text(), size),
    }


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _time_one(name: str, size: int, repeat: int, q) -> None:
    from luat.cite.find import find_references

    text = patterns(size)[name]()
    best, n = float("inf"), 0
    for _ in range(repeat):
        t0 = time.process_time()
        n = len(find_references(text))
        best = min(best, time.process_time() - t0)
    q.put((best / (_bytes(text) / MB), n))


def speed(size: int, repeat: int, limit: float, only: str) -> None:
    ctx = mp.get_context("fork")
    print(
        f"{'pattern':<48} {'s/MB':>7}  references   (size {size:,} bytes, CPU of one process, best of {repeat})"
    )
    for name in patterns(size):
        if only not in name:
            continue
        q = ctx.Queue()
        p = ctx.Process(target=_time_one, args=(name, size, repeat, q))
        p.start()
        p.join(limit)
        if p.is_alive():
            p.kill()
            p.join()
            print(f"{name:<48} > {limit:.0f}s", flush=True)
            continue
        if p.exitcode != 0:
            print(f"{name:<48} failed (exit {p.exitcode})", flush=True)
            continue
        s_per_mb, n = q.get()
        print(f"{name:<48} {s_per_mb:7.3f}  {n}", flush=True)


def _names():
    """The default library's name index, read through an immutable connection (no -wal/-shm files beside it)."""
    import sqlite3

    from luat.cite.find import NameIndex
    from luat.store import library_path

    path = library_path("default")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    rows = db.execute(
        "SELECT doc_type, title FROM documents WHERE title IS NOT NULL AND doc_type IS NOT NULL"
    ).fetchall()
    db.close()
    return NameIndex(rows)


def fingerprint() -> None:
    from luat.cite.find import find_references, reference_to_json
    from luat.evaluate import compact_reference

    names = _names()
    everything = hashlib.sha256()
    for label, path in (
        ("third held-out", "bench/cite-heldout3.jsonl"),
        ("held-out", "bench/cite-heldout.jsonl"),
        ("second held-out", "bench/cite-heldout2.jsonl"),
        ("development", "tests/data/cite_cases.jsonl"),
    ):
        tp = fp = fn = 0
        h = hashlib.sha256()
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            found = find_references(case["text"], names)
            h.update(json.dumps([reference_to_json(r) for r in found], ensure_ascii=False).encode())
            pred = {(r.start, r.end): compact_reference(r) for r in found}
            gold = {(g["start"], g["start"] + len(g["text"])): g for g in case["refs"]}
            for span, g in gold.items():
                p = pred.get(span)
                if p is not None and p[0] == g["doc"] and p[1] == g["targets"]:
                    tp += 1
                else:
                    fn += 1
            fp += sum(
                1
                for span, p in pred.items()
                if span not in gold or gold[span]["doc"] != p[0] or gold[span]["targets"] != p[1]
            )
        everything.update(h.digest())
        print(
            f"{label:<16} precision {tp / max(1, tp + fp):.3f} recall {tp / max(1, tp + fn):.3f}  "
            f"(tp {tp} fp {fp} fn {fn})  outputs {h.hexdigest()[:16]}"
        )
    for label, nm in (("vlc-2021, default names", None), ("vlc-2021, library names", names)):
        h = hashlib.sha256()
        count = 0
        for p in sorted((_data() / "vlc-2021").glob("*.txt")):
            found = find_references(p.read_text(encoding="utf-8"), nm)
            count += len(found)
            h.update(json.dumps([reference_to_json(r) for r in found], ensure_ascii=False).encode())
        everything.update(h.digest())
        print(f"{label:<24} {count} references  outputs {h.hexdigest()[:16]}")
    h = hashlib.sha256()
    for make in patterns(20_000).values():
        found = find_references(make())
        h.update(json.dumps([reference_to_json(r) for r in found], ensure_ascii=False).encode())
    everything.update(h.digest())
    print(f"patterns at 20 KB         outputs {h.hexdigest()[:16]}")
    print(f"all                       {everything.hexdigest()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=1.0, help="megabytes of text per pattern")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=float, default=60.0, help="seconds before a pattern is stopped")
    ap.add_argument("--only", default="", help="run only patterns whose name contains this")
    ap.add_argument(
        "--fingerprint", action="store_true", help="print held-out scores and a hash of the finder's output"
    )
    args = ap.parse_args(argv)
    sys.setrecursionlimit(10_000)
    if args.fingerprint:
        fingerprint()
    else:
        speed(int(args.mb * MB), args.repeat, args.limit, args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
