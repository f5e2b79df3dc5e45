"""Check a drafted answer against the library: every citation resolves, every quoted passage is verbatim
from the cited unit (after Unicode, whitespace and case normalisation), and what the library knows of
amendments or entry into force is reported."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..models import Reference, ReferenceStatus, article_address, citation_of
from ..store import Library
from ..text import squash
from . import library_names
from .find import find_references
from .resolve import Context, Resolver

_BULLET = re.compile(r"^\s*(?:[-+•*–]\s+)")
_INTRO_END = re.compile(r"(?:như sau|sau đây|quy định)\s*:\s*$", re.I)
_AFTER_QUOTE = re.compile(
    r"^\s*(?:như vậy|theo đó|ngoài ra|bên cạnh đó|do đó|vì vậy|tóm lại|chúng tôi|trân trọng)\b", re.I
)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


# The units a citation names as written: "điểm zz khoản 1000 Điều 99999" (whatever the finder could read of it)
_NAMED_UNITS = re.compile(r"(?i)\b(điểm|khoản|điều)\s+([0-9]+[a-zđ]?|[a-zđ]{1,3})(?![\w/])")
_UNIT_KINDS = {"điều": "dieu", "khoản": "khoan", "điểm": "diem"}


def unread_units(text: str, paths: list[list[tuple[str, str]]]) -> list[str]:
    """The units ``text`` names that none of the resolved ``paths`` holds ("Điều 99999" the finder did not read as
    an article): a provision that does not exist is an error, never the document or another unit."""
    held = {(k, label.lower()) for path in paths for k, label in path}
    return [
        f"{m.group(1)} {m.group(2)}"
        for m in _NAMED_UNITS.finditer(text)
        if (_UNIT_KINDS[m.group(1).lower()], m.group(2).lower()) not in held
    ]


@dataclass
class Quote:
    """A passage an answer quotes from a cited provision, its span in the answer, and whether it is verbatim (None
    when it could not be checked) with why not."""

    text: str
    start: int
    end: int
    ok: bool | None = None
    message: str | None = None


@dataclass
class CitationCheck:
    """A citation in an answer as checked: the reference resolved against the library, the passages quoted from it,
    and notes on its amendments or entry into force."""

    reference: Reference
    quotes: list[Quote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # amendments, entry into force

    @property
    def ok(self) -> bool:
        """Whether the citation holds: it resolves to a provision of the library and no quote from it differs from
        the text."""
        return self.reference.status in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS) and all(
            q.ok is not False for q in self.quotes
        )

    def as_dict(self) -> dict:
        """The check as JSON: the reference, whether it holds, its quotes and the notes."""
        return {
            **self.reference.as_dict(),
            "ok": self.ok,
            "quotes": [
                {"text": q.text, "start": q.start, "end": q.end, "ok": q.ok, "message": q.message}
                for q in self.quotes
            ],
            "notes": self.notes,
        }


def _quote_blocks(text: str, refs: list[Reference]) -> list[tuple[Reference, Quote]]:
    """Quoted passages and the citation each belongs to: text in “…” after a citation, and the block of
    lines after a line that cites and ends with "như sau:" (bullets stripped, split at "...")."""
    out: list[tuple[Reference, Quote]] = []
    if not refs:
        return out
    starts = [r.start for r in refs]

    def owner(pos: int) -> Reference | None:
        """The last citation with provisions that starts before ``pos``: the one a quote at ``pos`` belongs to; None
        when none does."""
        before = [r for r, s in zip(refs, starts, strict=True) if s < pos and r.targets]
        return before[-1] if before else None

    for m in re.finditer(r"“([^”]{12,})”", text):
        r = owner(m.start())
        if r is not None:
            out.append((r, Quote(m.group(1), m.start(1), m.end(1))))
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        lpos, line = lines[i]
        line_refs = [r for r in refs if lpos <= r.start < lpos + len(line) and r.targets]
        if line_refs and _INTRO_END.search(line.strip()):
            r = line_refs[0]
            j = i + 1
            while j < len(lines):
                qpos, q = lines[j]
                if not q.strip():
                    j += 1
                    if j < len(lines) and not lines[j][1].strip():
                        break  # two blank lines close the quotation
                    continue
                # the quotation ends at a closing phrase or at a line that cites another document
                if _AFTER_QUOTE.match(q) or any(
                    qpos <= x.start < qpos + len(q) and x.doc is not None and not x.doc.this for x in refs
                ):
                    break
                body = _BULLET.sub("", q)
                offset = qpos + (len(q) - len(body))
                for seg in _ELLIPSIS.split(body):
                    seg_s = seg.strip()
                    if len(seg_s) >= 8:
                        k = text.find(seg_s, offset)
                        out.append((r, Quote(seg_s, k, k + len(seg_s))))
                j += 1
            i = j
            continue
        i += 1
    return out


def _first_difference(quote: str, source: str) -> str:
    """The first words of the quote that the source does not have, for the message."""
    qw = squash(quote).split()
    src = squash(source)
    lo = 0
    for n in range(1, len(qw) + 1):
        if " ".join(qw[:n]) in src:
            lo = n
        else:
            break
    return " ".join(qw[max(0, lo - 3) : lo + 3])


def check_text(text: str, library: Library, today: str | None = None) -> list[CitationCheck]:
    """Check every citation of an answer against the library: each must resolve to a provision that exists and each
    passage quoted from it must be verbatim; notes say when a cited document is amended, repealed or not yet in force
    on ``today``."""
    today = today or dt.date.today().isoformat()
    refs = find_references(text, library_names(library))
    resolver = Resolver(library)
    for r in refs:
        resolver.resolve(r, Context())
    blocks = _quote_blocks(text, refs)
    # references inside a quoted provision ("khoản 1 Điều 2 của Luật này") belong to the quoted text
    spans = [(q.start, q.end) for _r, q in blocks]
    checks = {
        id(r): CitationCheck(r)
        for r in refs
        if not any(a <= r.start < b for a, b in spans)
        and not (r.relative and r.status == ReferenceStatus.UNRESOLVED)
    }
    # "Căn cứ Điều 99999 Luật 58/2014/QH13": the words naming a unit just before the document, which the finder
    # could not read as one, make the citation fail rather than stand for the whole document
    prev_end = 0
    for r in refs:
        lead = text[max(prev_end, r.start - 40) : r.start]
        lead = lead[max(lead.rfind("\n"), lead.rfind(". ")) + 1 :]
        missing = unread_units(lead + r.text, [t.path() for t in r.targets])
        if missing and r.status in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS):
            doc = library.document(r.doc_id) if r.doc_id else None
            r.status = ReferenceStatus.UNIT_NOT_FOUND
            r.message = f"{', '.join(missing)} không có trong {doc.name if doc else r.doc_id}"
        prev_end = r.end
    for ref, quote in blocks:
        check = checks.get(id(ref))
        if check is None:
            continue
        check.quotes.append(quote)
        if ref.status not in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS):
            quote.ok, quote.message = None, "không kiểm được: dẫn chiếu không giải được"
            continue
        sources = []
        for t in ref.targets:
            if not t.doc or not t.address or not t.exists:
                continue
            unit = library.unit(t.doc, t.address)
            if unit is None:
                continue
            article = library.unit(t.doc, article_address(unit.article)) if unit.article else None
            heading = article.heading if article else None
            sources.append((t, unit.text, heading))
        needle = squash(quote.text)
        if any(needle in squash(src) or (h and needle == squash(h)) for _t, src, h in sources):
            quote.ok = True
        elif sources:
            t, src, _h = sources[0]
            quote.ok = False
            quote.message = f"đoạn trích không khớp nguyên văn {citation_of(t.path())}: khác từ «{_first_difference(quote.text, src)}»"
    for check in checks.values():
        ref = check.reference
        if ref.status not in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS) or ref.doc_id is None:
            continue
        doc = library.document(ref.doc_id)
        if doc is None:
            continue
        if doc.effective and doc.effective > today:
            check.notes.append(f"{doc.name} chưa có hiệu lực (hiệu lực từ {doc.effective})")
        articles = {article_address(t.article) for t in ref.targets if t.article}
        for a in doc.amendments:
            if a.target and a.target not in articles:
                continue
            # the status a repeal sets is told by the repeal itself, with its date and article
            check.notes.append(f"{doc.name}: {a.describe()}")
    return list(checks.values())
