"""What every reader does first: read the file's bytes, or say which file and why not."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from ..limits import MAX_FILE_BYTES
from ..models import InputError


def check_file(path: Path) -> None:
    """Refuse, without opening it, what is not a regular file of at most MAX_FILE_BYTES: reading a FIFO or
    a device would block or never end."""
    try:
        st = path.stat()
    except OSError as e:
        raise InputError(str(path), f"cannot read ({e.strerror})") from e
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a directory"
            if stat.S_ISDIR(st.st_mode)
            else "a FIFO"
            if stat.S_ISFIFO(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "special"
        )
        raise InputError(str(path), f"not a regular file ({kind})")
    if st.st_size > MAX_FILE_BYTES:
        raise InputError(
            str(path), f"{st.st_size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes per file"
        )


def read_input(path: Path) -> bytes:
    """The bytes of an input file, read once within MAX_FILE_BYTES; an InputError naming the file when it is not a
    regular file, cannot be read, is over the limit or is empty."""
    check_file(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since it was checked
    except OSError as e:
        raise InputError(str(path), f"cannot read ({e.strerror})") from e
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(str(path), f"over the limit of {MAX_FILE_BYTES:,} bytes per file")
    if not raw.strip():
        raise InputError(str(path), "empty file")
    return raw


# Tags that never hold others (void) or whose end tag may be left out, so that they do not nest in
# practice (a Word export writes <p> after <p> without closing them): they are not counted as nesting.
_NOT_NESTING = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "p",
    "li",
    "dt",
    "dd",
    "option",
    "optgroup",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "colgroup",
    "caption",
    "rb",
    "rt",
    "rp",
    "html",
    "head",
    "body",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")


def html_depth(html: str, limit: int) -> int:
    """How deep the elements of ``html`` nest (roughly: tags with optional end tags are not counted), counted
    up to ``limit``. The HTML parser takes time quadratic in the nesting, so it is checked first."""
    depth = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _NOT_NESTING:
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return depth
    return depth
