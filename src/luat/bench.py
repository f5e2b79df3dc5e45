"""``make bench``: run the benchmarks and rewrite their tables in ``docs/BENCHMARKS.md``.

Each benchmark writes one section between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers, with
the command that produced it, so figures always come with their command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

DOC = Path("docs/BENCHMARKS.md")


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}"


def write_section(name: str, body: str, doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    block = f"<!-- {name}:start -->\n{body.rstrip()}\n<!-- {name}:end -->"
    pattern = re.compile(rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")


def bench_ingest() -> str:
    """Ingest the default corpora from scratch (a fresh library) and measure wall time and peak memory."""
    cmd = [sys.executable, "-m", "luat.cli", "ingest", "--quiet", "--json"]
    env = {**os.environ}
    # start from an empty default library so the figure is a cold ingest
    from .store import library_path

    for name in ("default", "alqac2024", "alqac2022"):
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(library_path(name)) + suffix)
            if p.exists():
                p.unlink()
    t0 = time.time()
    run = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.time() - t0
    if run.returncode not in (0, 1):
        raise SystemExit(f"ingest failed: {run.stderr[-2000:]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    reports = json.loads(run.stdout)
    rows = ["| library | files | documents | articles | units | versions | rejected files | seconds |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in reports:
        rows.append(f"| {r['library']} | {r['files']} | {r['documents']} | {r['articles']} | {r['units']} | {r['versions']} "
                    f"| {len(r['rejected_files'])} | {r['seconds']} |")
    rejected = [x for r in reports for x in r["rejected_files"]]
    body = [
        "## Ingest of the default corpora",
        "",
        "Command: `make bench` (runs `luat ingest --quiet --json` into an emptied `$LUAT_HOME`).",
        f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}.",
        "",
        f"**Wall time {wall:.0f} s, peak memory {peak_kib / 1024 / 1024:.2f} GiB** (largest resident set of the ingest "
        "process and its reader workers; target ≤ 3 min, ≤ 2 GiB).",
        "",
        *rows,
        "",
        "Rejected files (each named with its reason):",
        "",
        *[f"- `{x}`" for x in rejected],
    ]
    return "\n".join(body)


BENCHES = {"ingest": bench_ingest}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m luat.bench")
    p.add_argument("names", nargs="*", default=list(BENCHES), help=f"benchmarks to run: {', '.join(BENCHES)}")
    args = p.parse_args(argv)
    for name in args.names:
        print(f"bench {name} ...", file=sys.stderr)
        write_section(name, BENCHES[name]())
    print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
