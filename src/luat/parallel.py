"""Process pools with bounded memory: ``Executor.map`` submits every task at once, which would hold every
document's text in memory (and in pickles) together."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(pool: Executor, fn: Callable[[T], R], items: Iterable[T], window: int = 16) -> Iterator[R]:
    """Like ``pool.map(fn, items)``, in order, with at most ``window`` tasks in flight."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
