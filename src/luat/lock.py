"""One writer at a time per library: an exclusive ``flock`` on ``NAME.lock`` beside the library file.

Ingest, ``luat index``, ``luat consult ingest`` and the repair of a stale index take it; readers never do
(SQLite in WAL mode lets them read while a writer writes). A second writer waits up to
``WRITER_LOCK_WAIT_S`` (``$LUAT_LOCK_WAIT``), saying once who holds the lock (PID, command, since when),
then gives up with :class:`LibraryBusy`. The kernel releases the lock when its holder dies, however it
dies, so a killed ingest never leaves a library locked.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .limits import WRITER_LOCK_WAIT_S

POLL_S = 0.1

# Locks this process holds, by path: (fd, depth). flock belongs to an open file, so a second open() of the
# same file in this process would wait for itself; a nested writer (ingest → index) reuses the first.
_HELD: dict[str, tuple[int, int]] = {}
_HELD_GUARD = threading.Lock()


class LibraryBusy(RuntimeError):
    """Another process has been writing the library for longer than this one would wait."""


def lock_wait() -> float:
    """Seconds a writer waits for another: ``$LUAT_LOCK_WAIT``, else WRITER_LOCK_WAIT_S."""
    env = os.environ.get("LUAT_LOCK_WAIT")
    try:
        return max(0.0, float(env)) if env else WRITER_LOCK_WAIT_S
    except ValueError:
        return WRITER_LOCK_WAIT_S


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it: "PID 123 (luat ingest x.txt) since 12:00:01"."""
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info.get("pid"):
        return "another process"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("since", 0)))
    return f"PID {info['pid']} ({info.get('command') or '?'}) since {since}"


def _command() -> str:
    argv = [os.path.basename(sys.argv[0]) if sys.argv else "python", *sys.argv[1:]]
    text = " ".join(argv)
    return text if len(text) <= 200 else text[:197] + "..."


@contextmanager
def writer_lock(
    path: Path, what: str, wait: float | None = None, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the exclusive lock at ``path`` (``what`` names the library in messages)."""
    key = str(path)
    with _HELD_GUARD:
        if key in _HELD:
            fd, depth = _HELD[key]
            _HELD[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _HELD_GUARD:
                fd, depth = _HELD[key]
                _HELD[key] = (fd, depth - 1)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, what, lock_wait() if wait is None else wait, say or _stderr)
        # who holds it, for the next writer's message; written after taking it, so never a stale claim
        os.ftruncate(fd, 0)
        os.pwrite(
            fd, json.dumps({"pid": os.getpid(), "command": _command(), "since": time.time()}).encode(), 0
        )
        with _HELD_GUARD:
            _HELD[key] = (fd, 1)
        try:
            yield
        finally:
            with _HELD_GUARD:
                del _HELD[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, what: str, wait: float, say: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        who = holder(path)
        if time.monotonic() >= deadline:
            raise LibraryBusy(
                f"{what} is being written by {who}; gave up after waiting {wait:g} s "
                "(set LUAT_LOCK_WAIT to wait longer)"
            )
        if not told:
            say(f"luat: {what} is being written by {who}; waiting up to {wait:g} s")
            told = True
        time.sleep(POLL_S)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
