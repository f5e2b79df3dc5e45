"""Process pools with bounded memory, whose workers die with their parent.

``Executor.map`` submits every task at once, which would hold every document's text in memory (and in
pickles) together: :func:`bounded_map` keeps a window. A SIGKILLed ingest cannot shut its pool down, and
its reader workers would go on (orphans holding memory and the corpora open): :func:`worker_pool`'s
workers ask Linux to kill them when their parent dies, and watch the parent's PID where that is not
available.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_PARENT_S = 1.0


def bounded_map(pool: Executor, fn: Callable[[T], R], items: Iterable[T], window: int = 16) -> Iterator[R]:
    """Like ``pool.map(fn, items)``, in order, with at most ``window`` tasks in flight."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers end when the process that made it ends, however it ends."""
    return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """Worker initializer: SIGKILL this worker when ``parent`` dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            _watch(parent)
    else:
        _watch(parent)
    if os.getppid() != parent:  # the parent died before the request above was made
        os._exit(1)


def _watch(parent: int) -> None:
    def loop() -> None:
        """Poll the parent every WATCH_PARENT_S seconds and end this worker at once when it is gone."""
        while os.getppid() == parent:
            time.sleep(WATCH_PARENT_S)
        os._exit(1)

    threading.Thread(target=loop, name="watch-parent", daemon=True).start()
