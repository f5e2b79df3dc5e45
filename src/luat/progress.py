"""Progress bars on stderr (tqdm) when stderr is a terminal; nothing when quiet or redirected."""

from __future__ import annotations

import sys


class _NoBar:
    def update(self, n: int = 1) -> None:
        """Nothing: no bar is shown."""

    def close(self) -> None:
        """Nothing: no bar is shown."""


def bar(total: int, desc: str, enabled: bool = True):
    """A progress bar of ``total`` steps labelled ``desc`` on stderr, or one that shows nothing when not ``enabled``
    or stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False)
