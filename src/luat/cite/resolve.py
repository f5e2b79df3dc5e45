"""Resolve found references against a library: which document, which unit, and a status for each."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Reference, ReferenceStatus, address_of, citation_of
from ..sohieu import name_key, number_key
from ..store import Library


@dataclass(slots=True)
class Context:
    """Where a text sits, for relative references ("khoản 2 Điều này", "Luật này")."""

    doc_id: str | None = None
    article: str | None = None
    clause: str | None = None


class Resolver:
    """Resolves references against one library; caches document look-ups."""

    def __init__(self, library: Library):
        self.library = library
        self._docs: dict[tuple, list[str]] = {}
        self._addresses: dict[str, set[str]] = {}
        self._article_counts: dict[str, int] = {}

    def documents_for(self, ref: Reference, context: Context | None) -> tuple[list[str], str | None]:
        """Candidate document ids and, when none, a message naming what is missing."""
        m = ref.doc
        if m is None or m.this:
            if context and context.doc_id:
                return [context.doc_id], None
            return [], "văn bản được dẫn chiếu không rõ (không có văn bản chứa đoạn trích)"
        if m.number and "/" not in m.number:
            # "nghị định 100": the documents of that type whose number starts so (and of that year, if given)
            key: tuple = ("p", m.number, m.doc_type, m.year)
            if key not in self._docs:
                self._docs[key] = self.library.find_by_bare_number(number_key(m.number), m.doc_type, m.year)
            found = self._docs[key]
            year = f" năm {m.year}" if m.year else ""
            return (
                found,
                None if found else f"{m.doc_type or 'Văn bản'} số {m.number}{year} chưa có trong thư viện",
            )
        if m.number:
            key = ("n", number_key(m.number))
            if key not in self._docs:
                self._docs[key] = self.library.find_documents(key[1])
            found = self._docs[key]
            return found, None if found else f"{m.doc_type or 'Văn bản'} {m.number} chưa có trong thư viện"
        base = name_key(f"{m.doc_type or ''} {m.name or ''}")
        if m.year:
            key = ("a", f"{base} {m.year}")
            if key not in self._docs:
                self._docs[key] = self.library.find_documents(key[1])
            if self._docs[key]:
                return self._docs[key], None
            label = f"{m.doc_type} {(m.name or '').strip()}".strip()
            shown = _display(m.text) or label
            return [], f"{shown}{'' if str(m.year) in shown else f' ({m.year})'} chưa có trong thư viện"
        key = ("a", base)
        if key not in self._docs:
            found = self.library.find_documents(base)
            # a name read too far ("Luật ... của Nhà nước đảm bảo"): the longest known prefix, 3 words at least
            words = base.split()
            while not found and len(words) > 3:
                words.pop()
                found = self.library.find_documents(" ".join(words))
            self._docs[key] = found
        found = self._docs[key]
        return found, None if found else f"{_display(m.text)} chưa có trong thư viện"

    def unit_exists(self, doc_id: str, address: str) -> bool:
        """Whether the document ``doc_id`` has a unit at ``address`` ("dieu-60-khoan-1"); each document's addresses
        are read once and kept."""
        known = self._addresses.get(doc_id)
        if known is None:
            known = self.library.unit_addresses(doc_id)
            if len(self._addresses) > 2000:
                self._addresses.clear()
            self._addresses[doc_id] = known
        return address in known

    def resolve(self, ref: Reference, context: Context | None = None) -> Reference:
        """Resolve ``ref`` in place against the library and return it: "Điều này" and a bare "khoản 2" read in
        ``context``, the document found (the newest when several answer to the name), each target's address checked;
        its status says resolved, ambiguous, not_in_library, unit_not_found or unresolved, with a message."""
        same_doc = ref.doc is None or ref.doc.this
        for t in ref.targets:
            if t.article == "#this":
                t.article = context.article if context else None
            if t.clause == "#this":
                t.clause = context.clause if context else None
            # "khoản 2" or "điểm a khoản 1" inside an article means that article; "điểm a" that khoản
            if same_doc and context and t.article is None and t.section is None and t.chapter is None:
                if t.clause or t.point:
                    t.article = context.article
                if t.point and not t.clause:
                    t.clause = context.clause
            path = t.path()
            t.address = address_of(path) if path else None
        docs, message = self.documents_for(ref, context)
        if not docs:
            ref.status = (
                ReferenceStatus.NOT_IN_LIBRARY
                if ref.doc is not None and not ref.doc.this
                else ReferenceStatus.UNRESOLVED
            )
            ref.message = message
            return ref
        if len(docs) > 1:
            # several documents answer to the name: take the newest, and say so
            def issued(doc_id: str) -> str:
                """The day a candidate document was issued (ISO), "" when unknown: the newest is taken."""
                doc = self.library.document(doc_id)
                return (doc.issued or "") if doc else ""

            docs = sorted(docs, key=issued, reverse=True)
            ref.candidates = docs
        doc_id = docs[0]
        ref.doc_id = doc_id
        missing = []
        for t in ref.targets:
            t.doc = doc_id
            if not t.address:
                continue
            t.exists = self.unit_exists(doc_id, t.address)
            if not t.exists:
                missing.append(citation_of(t.path()))
        doc = self.library.document(doc_id)
        doc_name = doc.name if doc else doc_id
        if missing:
            ref.status = ReferenceStatus.UNIT_NOT_FOUND
            n = self._article_counts.get(doc_id)
            if n is None:
                n = self._article_counts[doc_id] = self.library.count_articles(doc_id)
            ref.message = (
                f"{', '.join(missing)} không có trong {doc_name} (thư viện có {n} điều của văn bản này)"
            )
        elif len(docs) > 1:
            ref.status = ReferenceStatus.AMBIGUOUS
            same = f"có số {ref.doc.number}" if ref.doc and ref.doc.number else "cùng tên"
            shown = ", ".join(docs[:8]) + (f" và {len(docs) - 8} văn bản khác" if len(docs) > 8 else "")
            ref.message = f"nhiều văn bản {same}: {shown}; chọn văn bản mới nhất {doc_id}"
        else:
            ref.status = ReferenceStatus.RESOLVED
            ref.message = None
        return ref


def _display(text: str) -> str:
    return " ".join(text.split())


def resolve_all(refs: list[Reference], library: Library, context: Context | None = None) -> list[Reference]:
    """The references, each resolved in place against ``library`` in ``context``."""
    r = Resolver(library)
    for ref in refs:
        r.resolve(ref, context)
    return refs
