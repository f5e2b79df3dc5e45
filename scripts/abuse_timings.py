"""Time luat's text paths on pathological inputs (issue 14): ``python scripts/abuse_timings.py [--size N]``.

Each case runs in a child process with a time limit, so a quadratic path shows as "> LIMIT s" instead
of hanging the script. The figures are for reading, not asserting: the reliability tests only check
that each case returns.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

SIZE = 1_000_000  # characters of adversarial text per case


def texts(size: int) -> dict[str, str]:
    """Adversarial texts of about ``size`` characters."""

    def rep(unit: str) -> str:
        return unit * (size // len(unit))

    return {
        "runs of '1/'": rep("1/"),
        "'Điều 1 ' * N": rep("Điều 1 "),
        "'Điều 1.\\n' * N": rep("Điều 1.\n"),
        "'khoản 1, ' * N": rep("khoản 1, "),
        "'1. ' lines": rep("1. a\n"),
        "'a) ' lines": rep("a) x\n"),
        "one long line, no space": "a" * size,
        "NUL": "\x00" * size,
        "replacement chars (invalid UTF-8)": (b"\xff\xfe" * (size // 2)).decode("utf-8", "replace"),
        "'Luật ' * N": rep("Luật "),
        "'Nghị định số 1/' * N": rep("Nghị định số 1/"),
        "'điều này ' * N": rep("điều này "),
    }


def _html_nested(size: int) -> str:
    n = size // 11
    return "<html><body>" + "<div>" * n + "x" + "</div>" * n + "</body></html>"


def _docx_bomb(path: Path, inflated: int) -> None:
    """A .docx whose document.xml inflates to ``inflated`` bytes from a small zip."""
    body = "<w:p><w:r><w:t>" + "a" * inflated + "</w:t></w:r></w:p>"
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", xml)
    path.write_bytes(buf.getvalue())


def cases(size: int, workdir: Path) -> list[tuple[str, Callable[[], object]]]:
    from luat.cite.find import find_references
    from luat.readers.official import _html_text, load_text
    from luat.search import asking_sentence, content_terms, definition_term, strip_question_phrasing
    from luat.structure import parse_body, parse_text

    out: list[tuple[str, Callable[[], object]]] = []
    for name, text in texts(size).items():
        out.append((f"find_references  {name}", lambda t=text: find_references(t)))
        out.append((f"parse_text       {name}", lambda t=text: parse_text(t)))
        out.append((f"parse_body       {name}", lambda t=text: parse_body(t)))
        out.append(
            (
                f"query parsing    {name}",
                lambda t=text: (
                    strip_question_phrasing(t),
                    asking_sentence(t),
                    content_terms(t),
                    definition_term(t),
                ),
            )
        )
    out.append(("html reader      nested <div>", lambda: _html_text(_html_nested(size))))
    chunk = "<div>" * 99 + "<p>x</p>" + "</div>" * 99
    out.append(("html reader      <div> 99 deep, repeated", lambda: _html_text(chunk * (size // len(chunk)))))
    out.append(("html reader      '1/' in <p>", lambda: _html_text("<p>" + "1/" * (size // 2) + "</p>")))

    out.append(
        ("docx reader      .docx inflating 60x (made untimed)", lambda: load_text(workdir / "bomb.docx"))
    )
    return out


def _run(idx: int, size: int, q) -> None:
    from luat.models import InputError

    with TemporaryDirectory() as d:
        name, fn = cases(size, Path(d))[idx]
        if "docx" in name:
            _docx_bomb(Path(d) / "bomb.docx", 60 * size)
        t = time.perf_counter()
        outcome = "ok"
        try:
            fn()
        except InputError as e:  # a refusal is an outcome too
            outcome = f"refused: {e.reason}"
        q.put((time.perf_counter() - t, outcome))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=SIZE)
    ap.add_argument("--limit", type=float, default=30.0, help="seconds before a case is stopped")
    ap.add_argument("--only", default="", help="run only cases whose name contains this")
    args = ap.parse_args()
    ctx = mp.get_context("fork")
    print(f"{'case':<62} seconds (size {args.size:,} chars)")
    for idx, (name, _fn) in enumerate(cases(args.size, Path("."))):
        if args.only not in name:
            continue
        q = ctx.Queue()
        p = ctx.Process(target=_run, args=(idx, args.size, q))
        p.start()
        p.join(args.limit)
        if p.is_alive():
            p.kill()
            p.join()
            shown = f"> {args.limit:.0f}"
        else:
            if p.exitcode == 0:
                seconds, outcome = q.get()
                shown = f"{seconds:.3f}  {outcome}"
            else:
                shown = f"failed (exit {p.exitcode})"
        print(f"{name:<62} {shown}", flush=True)


if __name__ == "__main__":
    main()
