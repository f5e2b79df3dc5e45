"""The Python API: what the CLI and the HTTP API call.

>>> import luat.api as luat
>>> luat.show("khoản 1 Điều 60 Luật 58/2014/QH13")["unit"]["text"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from .cite import Context, library_names
from .cite import cite as _cite
from .cite.check import unread_units
from .cite.find import find_references
from .cite.resolve import Resolver
from .index import build_index, ensure_index
from .ingest import ALQAC_LIBRARIES, IngestReport, data_dir, default_paths
from .ingest import ingest as _ingest
from .limits import MAX_CITE_CHARS, MAX_CITE_RESULTS, MAX_CITE_TARGETS, MAX_K, MAX_QUERY_CHARS
from .models import Document, ReferenceStatus, citation_of, parse_address
from .search import Filters, QueryError, Searcher
from .sohieu import parse_number
from .store import ConsultationStore, Library, library_lock
from .structure import parse_body


@dataclass
class _Opened:
    """What one thread holds open of one library: its own connection (SQLite connections are not shared
    between threads, so routes served in parallel never wait on each other) and the searcher over it."""

    library: Library
    data_version: int
    inode: int
    searcher: Searcher | None = None
    index_checked: bool = False


_LOCAL = threading.local()


def _opened() -> dict[str, _Opened]:
    held = getattr(_LOCAL, "libraries", None)
    if held is None:
        held = _LOCAL.libraries = {}
    return held


def forget(name: str | None = None) -> None:
    """Drop this thread's open library ``name`` (all when None); the next call opens it afresh."""
    held = _opened()
    for key in [name] if name else list(held):
        held.pop(key, None)  # not closed: a request still running may hold it; it closes when dropped


def check_question(text: str, what: str = "câu hỏi") -> str:
    """A question or a search within MAX_QUERY_CHARS; the CLI and the HTTP API reject the same texts."""
    if not text or not text.strip():
        raise QueryError(f"{what} trống: hãy nhập nội dung cần tra cứu")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"{what} quá dài ({len(text):,} ký tự, tối đa {MAX_QUERY_CHARS:,})")
    return text


def check_text(text: str) -> str:
    """A text to find references in (``cite``, ``check``) within MAX_CITE_CHARS."""
    if len(text) > MAX_CITE_CHARS:
        raise QueryError(f"văn bản quá dài ({len(text):,} ký tự, tối đa {MAX_CITE_CHARS:,})")
    return text


def check_date(value: str | None, what: str = "as_of") -> str | None:
    """An ISO date (YYYY-MM-DD) that exists, or None."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise QueryError(f"{what} {value[:40]!r} không phải một ngày YYYY-MM-DD")


def check_search(k: int, filters: Filters | None) -> None:
    """Numbers the index can take: k in 1..MAX_K, a year in 1..9999 (tantivy stores 64-bit integers)."""
    if not 1 <= k <= MAX_K:
        raise QueryError(f"k = {k} ngoài khoảng 1..{MAX_K}")
    if filters is not None and filters.year is not None and not 1 <= filters.year <= 9999:
        raise QueryError(f"năm {str(filters.year)[:20]} ngoài khoảng 1..9999")


def open_library(name: str = "default", readonly: bool = True) -> Library:
    """This thread's connection to library ``name``; reopened (with a new searcher) when another process has
    committed to the library since (``PRAGMA data_version``: no table read), so that a running server sees
    what an ingest wrote without a restart."""
    held = _opened()
    opened = held.get(name)
    if opened is not None and (
        opened.library.data_version() != opened.data_version or _inode(opened.library.path) != opened.inode
    ):  # rebuilt: a new file
        opened = None
    if opened is None:
        lib = Library(name, readonly=readonly)
        opened = held[name] = _Opened(lib, lib.data_version(), _inode(lib.path))
    return opened.library


def _inode(path: Path) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _checked(name: str) -> _Opened:
    """This thread's open library, its search index checked (and repaired) once per opening."""
    lib = open_library(name)
    opened = _opened()[name]
    if not opened.index_checked:
        ensure_index(lib)
        opened.index_checked = True
    return opened


def ingest(
    paths: list[Path] | None = None,
    library: str = "default",
    progress: bool = True,
    workers: int | None = None,
    rebuild: bool = False,
) -> list[IngestReport]:
    """Ingest files into a library. Without paths: the default library from ``LUAT_DATA``, and each ALQAC
    law file into its own library (``alqac2024``, ``alqac2022``). ``rebuild`` starts from empty libraries."""
    reports = []
    forget()
    jobs = (
        [(library, paths)]
        if paths
        else [(library, default_paths())]
        + [(name, [data_dir() / rel]) for name, rel in ALQAC_LIBRARIES.items() if (data_dir() / rel).exists()]
    )
    for name, job_paths in jobs:
        with library_lock(name):  # before opening: a rebuild must not delete a library another process writes
            if rebuild:
                Library.delete(name)
            lib = Library(name)
            try:
                reports.append(_ingest(job_paths, lib, progress=progress, workers=workers))
                from .train import refresh_embedding

                refresh_embedding(
                    lib
                )  # the semantic search sees the new articles too, until the next `luat train`
            finally:
                lib.close()
    return reports


def document_dict(doc: Document, on: str | None = None) -> dict:
    """The document's metadata, its name, and its validity on ``on`` (ISO date, default today): status, since
    when and by which provision."""
    d = asdict(doc)
    d["name"] = doc.name
    status, end = doc.validity(on or time.strftime("%Y-%m-%d"))
    d["validity"] = {
        "status": status,
        "since": end.effective if end else None,
        "by": f"{end.by_units} {end.by_number}".strip() if end else None,
        "note": end.describe() if end else None,
    }
    return d


def show(query: str, library: str = "default", toc: bool = False, as_of: str | None = None) -> dict:
    """A document or one of its units, from a citation ("khoản 1 Điều 60 Luật BHXH 2014") or a số hiệu; with
    ``as_of`` (ISO date), the unit's text as the library had it on that day. A unit the document does not have is
    a LookupError naming it, never another unit."""
    as_of = check_date(as_of)
    lib = open_library(library)
    refs = find_references(query, library_names(lib))
    ref = next((r for r in refs if r.doc is not None and not r.doc.this), None)
    if ref is None:
        num = parse_number(query.strip())
        docs = lib.find_documents(num.key) if num else lib.find_documents(query.strip())
        if not docs:
            raise LookupError(f"không tìm thấy văn bản hay đơn vị nào khớp với {query!r}")
        doc_id, targets = docs[0], []
    else:
        resolver = Resolver(lib)
        resolver.resolve(ref, Context())
        if ref.status not in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS):
            raise LookupError(ref.message or f"không giải được dẫn chiếu {ref.text!r}")
        if ref.doc_id is None:  # a resolved reference names its document; defensive
            raise LookupError(ref.message or f"không giải được dẫn chiếu {ref.text!r}")
        doc_id = ref.doc_id
        targets = ref.targets
    doc = lib.document(doc_id)
    assert doc is not None
    missing = unread_units(query, [t.path() for t in targets])
    if missing:
        n = lib.count_articles(doc_id)
        raise LookupError(
            f"{', '.join(missing)} không có trong {doc.name} (thư viện có {n} điều của văn bản này)"
        )
    out: dict = {"query": query, "document": document_dict(doc, as_of)}
    if toc or not targets:
        out["toc"] = lib.toc(doc_id) if toc else None
        out["articles"] = lib.count_articles(doc_id)
    if targets:
        t = targets[0]
        out["unit"] = unit_dict(lib, doc_id, t.address or "")
        out["unit"]["amendments"] = [
            asdict(a) | {"note": a.describe()}
            for a in doc.amendments
            if a.target
            and (
                a.target == t.address
                or (t.address or "").startswith(a.target + "-")
                or a.target.startswith((t.address or "") + "-")
            )
        ]
        if as_of and t.article:
            text = _text_on(lib, doc_id, t.article, t.address or "", as_of)
            if text is None:
                raise LookupError(
                    f"thư viện không có bản nào của {citation_of(t.path())} {doc.name} tại ngày {as_of}"
                )
            out["unit"]["text"], out["unit"]["as_of"] = text, as_of
        out["cites"] = [
            {
                "text": r["text"],
                "in": r["address"],
                "doc": r["target_doc"],
                "address": r["target_address"],
                "status": r["status"],
                "message": r["message"],
            }
            for r in lib.cites(doc_id, t.address or "")
        ]
        out["cited_by"] = [
            {
                "doc": r["doc_id"],
                "address": r["address"],
                "citation": _cite_label(lib, r["doc_id"], r["address"]),
                "text": r["text"],
            }
            for r in lib.cited_by(doc_id, t.address or "")
            if not (r["doc_id"] == doc_id and (r["address"] or "").startswith(t.address or "\0"))
        ][:200]
        if t.article:
            versions = lib.versions(doc_id, t.article)
            out["versions"] = [
                {
                    "date": v["date"],
                    "source": v["label"],
                    "kind": v["kind"],
                    "note": v["note"],
                    "code": v["code"],
                    "newest": i == 0,
                    "same_as_current": None,
                }
                for i, v in enumerate(versions)
            ]
    return out


def _text_on(lib: Library, doc_id: str, article: str, address: str, on: str) -> str | None:
    """The text of a unit in the newest version of its article dated on or before ``on``."""
    body = lib.article_body_on(doc_id, article, on)
    if body is None:
        return None
    path = parse_address(address)[1:]
    units = parse_body(body)
    for kind, label in path:
        unit = next((u for u in units if u.kind == kind and u.label == label), None)
        if unit is None:
            return None
        body, units = unit.text, unit.children
    return body


def _cite_label(lib: Library, doc_id: str, address: str | None) -> str:
    doc = lib.document(doc_id)
    name = doc.name if doc else doc_id
    return f"{citation_of(parse_address(address))} {name}" if address else name


def unit_dict(lib: Library, doc_id: str, address: str) -> dict:
    """One unit of a document as JSON: its address, citation ("khoản 1 Điều 60"), kind, label, heading, article, text
    and span, and the units directly under it; a LookupError when the document has no such unit."""
    u = lib.unit(doc_id, address)
    if u is None:
        raise LookupError(f"{address} không có trong {doc_id}")
    path = parse_address(address)
    children = [
        {"address": c.address, "kind": c.kind, "label": c.label, "text": c.text}
        for c in lib.children(doc_id, address)
    ]
    return {
        "address": address,
        "citation": citation_of(path),
        "kind": u.kind,
        "label": u.label,
        "heading": u.heading,
        "article": u.article,
        "text": u.text,
        "start": u.start,
        "end": u.end,
        "children": children,
    }


def stats(library: str = "default") -> dict:
    """The library's counts, and its search index: checked against the library and repaired if it does
    not match (``luat stats`` is where a user looks after an interrupted ingest)."""
    lib = open_library(library)
    out = lib.stats()
    try:
        _checked(library)
        out["index"] = {"generation": lib.generation(), "matches_library": True}
    except FileNotFoundError as e:  # a read-only folder: the library still serves reads
        out["index"] = {"generation": None, "matches_library": False, "error": str(e)}
    return out


def cite(text: str, library: str = "default", context: Context | None = None) -> list[dict]:
    """References in ``text`` with what they resolve to."""
    return cite_capped(text, library, context)[0]


def cite_capped(
    text: str, library: str = "default", context: Context | None = None
) -> tuple[list[dict], bool]:
    """References in ``text``, at most MAX_CITE_RESULTS of them and MAX_CITE_TARGETS targets in all, and
    whether some were left out."""
    lib = open_library(library)
    out: list[dict] = []
    targets = 0
    for r in _cite(check_text(text), lib, context):
        targets += len(r.targets)
        if len(out) == MAX_CITE_RESULTS or targets > MAX_CITE_TARGETS:
            return out, True
        out.append(r.as_dict())
    return out, False


def check(text: str, library: str = "default", today: str | None = None) -> list[dict]:
    """Check a drafted answer: citations resolve, quotes are verbatim; notes on amendments."""
    from .cite.check import check_text as _check_text

    return [c.as_dict() for c in _check_text(check_text(text), open_library(library), today=today)]


def searcher(library: str = "default") -> Searcher:
    """This thread's searcher of ``library``, over an index that matches it."""
    opened = _checked(library)
    if opened.searcher is None:
        opened.searcher = Searcher(opened.library)
    return opened.searcher


def index(library: str = "default", progress: bool = True) -> dict:
    """Rebuild the search index of ``library`` from its stored articles and say what was built (articles, seconds,
    path)."""
    forget(library)
    lib = Library(library, readonly=True)
    try:
        return build_index(lib, progress=progress)
    finally:
        lib.close()


def search(query: str, library: str = "default", k: int = 10, filters: Filters | None = None) -> list[dict]:
    """Ranked articles for a question, a số hiệu or a citation."""
    check_question(query, "nội dung tìm kiếm")
    check_search(k, filters)
    return [h.as_dict() for h in searcher(library).search(query, k=k, filters=filters)]


def ask(question: str, library: str = "default", as_of: str | None = None) -> dict:
    """Answer a question in the form of a published consultation, with verified citations."""
    from .answer import Consultant
    from .generate import Generator

    check_question(question)
    as_of = check_date(as_of)
    lib = open_library(library)
    out = Consultant(lib, searcher(library), Generator.from_env()).ask(question, as_of=as_of).as_dict()
    out["similar"] = similar_consultations(question, library)
    return out


def consultations(library: str = "default"):
    """The published consultations stored beside ``library``, to import, search or check."""
    from .consult import ConsultationBase

    return ConsultationBase(open_library(library, readonly=False))


def similar_consultations(question: str, library: str = "default", k: int = 3) -> list[dict]:
    """Published consultations with a similar question ("Câu hỏi tương tự đã được trả lời")."""
    lib = open_library(library)
    if not ConsultationStore(lib, create=False).exists():
        return []
    return consultations(library).similar(question, k=k)
