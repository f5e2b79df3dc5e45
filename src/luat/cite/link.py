"""Linking: the references each unit makes, resolved and stored during ingest, so that a unit can list
what it cites and what cites it."""

from __future__ import annotations

import bisect
import json
import re
import time
from collections.abc import Iterable

from ..models import (
    EFFECTIVE_FROM,
    HIERARCHY,
    PRESUMED_LAPSED,
    PRESUMPTION_BASIS,
    REPEALED,
    Amendment,
    AmendmentKind,
    ReferenceStatus,
    Target,
    address_of,
    article_address,
)
from ..replacements import recorded_replacements
from ..sohieu import number_key
from ..store import Library, StoredReference
from ..text import fold
from . import library_names
from .find import find_references, mention_to_json, quote_spans, reference_from_json
from .repeal import find_amendments, find_repeals, find_unit_effects
from .resolve import Context, Resolver


def _units_by_article(
    library: Library, doc_id: str
) -> dict[str, tuple[list[int], list[tuple[int, int, str, str | None]]]]:
    """For each article of a document, its sub-units' spans in start order (and the starts, for bisect)."""
    out: dict[str, tuple[list[int], list]] = {}
    for u in library.unit_spans(doc_id):
        starts, spans = out.setdefault(u.article, ([], []))
        starts.append(u.start)
        spans.append((u.start, u.end, u.address, u.label if u.kind == "khoan" else None))
    return out


def _innermost(starts: list[int], spans: list, pos: int, article_address: str) -> tuple[str, str | None]:
    """The deepest unit containing ``pos`` and the khoản it sits in."""
    address, clause = article_address, None
    best_len = None
    for i in range(bisect.bisect_right(starts, pos) - 1, -1, -1):
        s, e, addr, lab = spans[i]
        if s <= pos < e:
            if best_len is None or e - s < best_len:
                address, best_len = addr, e - s
            if lab is not None and clause is None:
                clause = lab
        if clause is not None and best_len is not None:
            break
    return address, clause


def link_documents(library: Library, doc_ids: Iterable[str]) -> int:
    """Find (or take from the stored versions) and resolve the references of every article of ``doc_ids``."""
    resolver = Resolver(library)
    total = 0
    for doc_id in doc_ids:
        arts = library.articles_of(doc_id)
        index = _units_by_article(library, doc_id)
        rows: list[StoredReference] = []
        for art in arts:
            if art.refs is not None:
                refs = [reference_from_json(r) for r in json.loads(art.refs)]
            else:
                refs = find_references(art.text)
            if not refs:
                continue
            article = art.article
            art_addr = article_address(article)
            starts, spans = index.get(article, ([], []))
            quotes = quote_spans(art.text) if "“" in art.text else []
            for ref in refs:
                address, clause = _innermost(starts, spans, ref.start, art_addr)
                if (ref.doc is None or ref.doc.this) and any(a <= ref.start < b for a, b in quotes):
                    ref.status = ReferenceStatus.UNRESOLVED
                    ref.message = "dẫn chiếu nằm trong đoạn trích văn bản được sửa đổi: không rõ văn bản"
                else:
                    resolver.resolve(ref, Context(doc_id=doc_id, article=article, clause=clause))
                mention = json.dumps(mention_to_json(ref.doc), ensure_ascii=False) if ref.doc else None
                targets: list[Target | None] = [*ref.targets] or [None]  # None: the whole document
                for t in targets:
                    rows.append(
                        StoredReference(
                            doc_id,
                            article,
                            address,
                            ref.start,
                            ref.end,
                            ref.text,
                            mention,
                            ref.doc_id,
                            t.address if t else None,
                            ref.status,
                            ref.message,
                        )
                    )
        library.replace_references(doc_id, rows)
        total += len(rows)
    return total


def relink_missing(
    library: Library, table: str = "refs", linked: set[str] | frozenset[str] = frozenset()
) -> int:
    """Resolve again the references whose document was not in the library (it may have been added since):
    the library's own references (``refs``) or the consultations' citations (``consultation_refs``). The
    references of ``linked`` documents were resolved against the library as it is now and are left alone (on
    a fresh ingest, all of them: re-reading them took a sixth of the linking time)."""
    rows = library.references_to_missing_documents(table)
    if not rows:
        return 0
    resolver = Resolver(library)
    names = library_names(library)
    fixed = 0
    for r in rows:
        if table == "refs" and r.doc_id in linked:
            continue
        ref = next((x for x in find_references(r.text, names) if x.doc is not None and not x.doc.this), None)
        if ref is None:
            continue
        resolver.resolve(ref, Context())
        if ref.doc_id is None:
            continue
        t = next(
            (t for t in ref.targets if t.address == r.target_address), ref.targets[0] if ref.targets else None
        )
        library.retarget_reference(
            table, r.rowid, ref.doc_id, t.address if t else None, ref.status, ref.message
        )
        fixed += 1
    return fixed


def record_repeals(library: Library) -> int:
    """Read, in every article of the library, what it says of other documents' validity ("Luật số 24/2000/QH10
    ... hết hiệu lực kể từ ngày Luật này có hiệu lực", "các Nghị định ... sau đây hết hiệu lực thi hành: a) Nghị
    định số 115/2015/NĐ-CP ...", "Khoản 2 Điều 3 ... của Nghị định số 135/2020/NĐ-CP") and record each repealed
    document or unit of the library as an amendment by that article, dated as the text says or when the citing
    document takes effect; then presume lapsed the documents that detail a lapsed law (:func:`presume_lapsed`),
    and set each document's status as of today. Recomputed for the whole library, so the order in which documents
    arrive does not matter; rows derived this way have no source. Returns the number of statements recorded."""
    library.forget_derived_validity(
        (REPEALED, PRESUMED_LAPSED)
    )  # every amendment derived here, none a source's
    names = library_names(library)
    resolver = Resolver(library)
    docs = {d.doc_id: d for d in library.documents_metadata()}
    found = []
    for art in library.articles_on_validity():
        doc_id, article = art.doc_id, art.article
        for rep in find_repeals(art.text, names):
            resolver.resolve(rep.reference, Context(doc_id=doc_id, article=article))
            target = rep.reference.doc_id
            if (
                target is None
                or target == doc_id
                or target not in docs
                or rep.reference.status != ReferenceStatus.RESOLVED
            ):
                continue
            by, repealed = docs[doc_id], docs[target]
            if by.issued and repealed.issued and repealed.issued > by.issued:
                continue  # a document does not repeal a later one: the reference was misread
            named = rep.reference.doc.doc_type if rep.reference.doc else None
            found_type = repealed.doc_type
            if (
                named
                and found_type
                and fold(named).replace("bo luat", "luat") != fold(found_type).replace("bo luat", "luat")
            ):
                continue  # "Nghị quyết số 93/2015/QH13" is not Luật 93/2015/QH13: laws and resolutions share numbers
            when = rep.date or by.effective or by.issued
            units = [t.address for t in rep.reference.targets if t.address] if rep.units else [""]
            found += [
                (target, u, by.number or doc_id, f"Điều {article}", rep.kind, when, None) for u in units
            ]
    found += recorded(docs, {f[0] for f in found if not f[1]})
    found += presume_lapsed(library, {f[0]: f[5] for f in found if not f[1]}, docs)
    found += _unit_effects(library, names, docs)
    found += _amended_units(library, names, resolver, docs)
    library.add_derived_amendments(
        (f[0], Amendment(target=f[1], by_number=f[2], by_units=f[3], kind=f[4], effective=f[5]))
        for f in found
    )
    today = time.strftime("%Y-%m-%d")
    library.set_document_statuses(
        [
            (PRESUMED_LAPSED if f[4] == PRESUMED_LAPSED else REPEALED, f[0])
            for f in sorted(found, key=lambda f: f[4] != PRESUMED_LAPSED)
            if not f[1] and (f[5] or "") <= today
        ]
    )
    return len(found)


_AMENDING_HEADING = re.compile(r"^(?:sua doi|bo sung|bai bo)\b")


def _amended_units(library: Library, names, resolver: Resolver, docs: dict) -> list[tuple]:
    """Amendment rows for the units an amending article changes ("Điều 1. Sửa đổi, bổ sung một số điều của Luật Bảo
    hiểm y tế" of 51/2024/QH15: "2. Sửa đổi, bổ sung khoản 2 Điều 3 như sau: ..."), on the document its heading (or
    the amending document's title) names, from the amending document's entry into force."""
    out = []
    for art in library.amending_articles():
        doc_id, article, heading, text = art.doc_id, art.article, art.heading, art.text
        if not _AMENDING_HEADING.match(fold(heading or "")):
            continue
        by = docs.get(doc_id)
        if by is None:
            continue  # docs holds every document of the library, the amending one among them
        title = library.document_title(doc_id) or ""
        # the amended document: named by the heading, or by the title of an amending document
        named = [heading] + ([title] if _AMENDING_HEADING.match(fold(title)) else [])
        default = next(
            (d for d in (_amended(n, library, names, resolver, docs, doc_id, article) for n in named) if d),
            None,
        )
        when = by.effective or by.issued
        for change in find_amendments(text):
            target = default
            if change.document is not None:
                target = _amended_by_reference(change.document, resolver, docs, doc_id, article)
            if target is None:
                continue
            out.append(
                (
                    target,
                    address_of(change.path),
                    by.number or doc_id,
                    f"{change.by_units} Điều {article}",
                    change.kind,
                    when,
                    None,
                )
            )
    return out


def _amended(
    text: str | None, library: Library, names, resolver: Resolver, docs: dict, doc_id: str, article: str
) -> str | None:
    ref = next((r for r in find_references(text or "", names) if r.doc is not None and not r.doc.this), None)
    return _amended_by_reference(ref, resolver, docs, doc_id, article) if ref is not None else None


def _amended_by_reference(ref, resolver: Resolver, docs: dict, doc_id: str, article: str) -> str | None:
    """The document an amending text names, when the library has it and the amendment is possible: the amended
    document is not later than the amending one, nor higher in the hierarchy (a Nghị định does not amend a Luật)."""
    resolver.resolve(ref, Context(doc_id=doc_id, article=article))
    target = ref.doc_id
    if (
        not target
        or target == doc_id
        or target not in docs
        or ref.status not in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS)
    ):
        return None
    by, amended = docs[doc_id], docs[target]
    if by.issued and amended.issued and amended.issued > by.issued:
        return None
    if HIERARCHY.get(by.doc_type or "", 99) > HIERARCHY.get(amended.doc_type or "", 99):
        return None
    return target


def _unit_effects(library: Library, names, docs: dict) -> list[tuple]:
    """Amendment rows for the units that a document's article on its entry into force gives a date of their own
    ("Điều 190 và Điều 248 của Luật này có hiệu lực thi hành từ ngày 01 tháng 4 năm 2024"), where the date differs
    from the document's."""
    out = []
    for art in library.entry_into_force_articles():
        doc_id, article = art.doc_id, art.article
        own = docs.get(doc_id)
        for effect in find_unit_effects(art.text, names):
            if own is not None and effect.date == own.effective:
                continue
            for t in effect.reference.targets:
                path = t.path()
                if path:
                    out.append(
                        (
                            doc_id,
                            address_of(path),
                            own.number if own is not None and own.number else doc_id,
                            f"Điều {article}",
                            EFFECTIVE_FROM,
                            effect.date,
                            None,
                        )
                    )
    return out


# "Nghị định quy định chi tiết một số điều của Luật Bảo hiểm xã hội về bảo hiểm xã hội bắt buộc", "Thông tư hướng dẫn
# thi hành Luật Đất đai": the law a document details, named in its title or, untitled, its first article (folded)
_DETAILS = re.compile(r"\b(?:quy dinh chi tiet|huong dan(?: thi hanh)?)\b.*?\b((?:bo )?luat) (.+)$")
_NAME_END = re.compile(r"\s+(?:ve|va|doi voi|trong|tai|cua|nam \d{4})\b.*$|[,;(].*$")


def recorded(docs: dict, lapsed: set[str]) -> list[tuple]:
    """Amendment rows for the laws of the library that :mod:`replacements` records as replaced by a law it does not
    hold, unless a text of the library already ends them (``lapsed``)."""
    by_number = {number_key(d.number): doc_id for doc_id, d in docs.items() if d.number}
    out = []
    for r in recorded_replacements():
        doc_id = by_number.get(number_key(r.lapsed))
        if doc_id is not None and doc_id not in lapsed:
            out.append((doc_id, "", r.replaced_by, "", AmendmentKind.REPLACED, r.since, None))
    return out


def presume_lapsed(library: Library, lapsed: dict[str, str | None], docs: dict) -> list[tuple]:
    """Amendment rows for the documents that detail a law the library records as lapsed (``lapsed``: document →
    date), which lapse with it (khoản 3 Điều 154 Luật 80/2015/QH13) unless a statement of their own is recorded.
    The law is the one of that name in force when the document was issued."""
    laws: dict[str, list[tuple[str, str]]] = {}
    for alias in library.law_aliases():
        laws.setdefault(alias.alias, []).append((alias.issued or "", alias.doc_id))
    out = []
    for r, scope in library.documents_below_laws():
        if r.doc_id in lapsed:
            continue
        m = _DETAILS.search(fold(scope))
        if not m:
            continue
        # the longest law name the words start with ("luật phòng cháy và chữa cháy", whose "và" is not the end of
        # the name), else the words up to the first that cannot belong to a name
        said = f"{m.group(1)} {m.group(2)}"
        name = max(
            (a for a in laws if said == a or said.startswith(a + " ")),
            key=len,
            default=f"{m.group(1)} {_NAME_END.sub('', m.group(2))}".strip(),
        )
        # undated (a law_dict text): the year its số hiệu carries ("59/2015/TT-BLĐTBXH"), to its last day
        year = re.search(r"/((?:19|20)\d\d)/", r.doc_id)
        issued = r.issued or (f"{year.group(1)}-12-31" if year else "")
        # the law of that name in force when the document was issued: the newest issued before it
        named = sorted((d for d in laws.get(name, []) if not issued or d[0] <= issued), reverse=True)
        if not named:
            continue
        law = named[0][1]
        if law in lapsed:
            out.append(
                (r.doc_id, "", docs[law].number or law, PRESUMPTION_BASIS, PRESUMED_LAPSED, lapsed[law], None)
            )
    return out
