"""Stopping points for the tests that kill an ingest in a given phase (tests/test_consistency.py).

``LUAT_PAUSE_AT=PHASE[:SECONDS]`` makes the process say ``luat: paused at PHASE`` on stderr when it reaches
PHASE (read, merge, link, index, commit, publish), then sleep SECONDS (default: long enough to be killed).
Unset, as always outside the tests, a pause point is one dictionary lookup.
"""

from __future__ import annotations

import os
import sys
import time

PHASES = ("read", "merge", "link", "index", "commit", "publish")
_done: set[str] = set()


def pause_point(phase: str) -> None:
    """Where ``LUAT_PAUSE_AT`` names ``phase``: say "luat: paused at PHASE" on stderr and sleep (the first time
    only), so a test can kill the process there; nothing otherwise."""
    spec = os.environ.get("LUAT_PAUSE_AT")
    if not spec:
        return
    name, _, seconds = spec.partition(":")
    if name != phase or phase in _done:
        return
    _done.add(phase)  # once per process: a phase reached in a loop stops the first time
    print(f"luat: paused at {phase} (pid {os.getpid()})", file=sys.stderr, flush=True)
    time.sleep(float(seconds) if seconds else 300)
