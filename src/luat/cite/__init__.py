"""The reference engine, in eyecite's spirit: find references in text, resolve them against a library,
annotate text with links, check a drafted answer.

>>> from luat.cite import find_references
>>> [r.text for r in find_references("theo khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014")]
['khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014']
"""

from __future__ import annotations

from ..models import Reference
from ..store import Library
from .find import NameIndex, find_references
from .resolve import Context, Resolver, resolve_all

_NAME_CACHE: dict[str, NameIndex] = {}


def library_names(library: Library) -> NameIndex:
    """The finder's name index extended with the titles of the library's named documents."""
    # keyed by the number of documents too, so that an ingest in the same process is seen
    key = f"{library.path}#{library.count_documents()}"
    if key not in _NAME_CACHE:
        _NAME_CACHE[key] = NameIndex(library.document_titles())
    return _NAME_CACHE[key]


def cite(text: str, library: Library, context: Context | None = None) -> list[Reference]:
    """Find and resolve every reference in ``text``."""
    refs = find_references(text, library_names(library))
    return resolve_all(refs, library, context)


__all__ = ["Context", "NameIndex", "Resolver", "cite", "find_references", "library_names", "resolve_all"]
