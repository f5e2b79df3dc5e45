"""What every reader does first: read the file's bytes, or say which file and why not."""

from __future__ import annotations

from pathlib import Path

from ..models import InputError


def read_input(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(str(path), f"cannot read ({e.strerror})") from e
    if not raw.strip():
        raise InputError(str(path), "empty file")
    return raw
