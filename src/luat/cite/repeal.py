"""What a document says about the validity of others: "Luật Kinh doanh bảo hiểm số 24/2000/QH10 ... hết hiệu lực
kể từ ngày Luật này có hiệu lực thi hành", "Thông tư này thay thế Thông tư số 20/2015/TT-BTP", "Bãi bỏ Thông tư
số 24/2015/TT-BGDĐT".

Only whole documents are read, and only where the sentence says so of the document it names first: a
document named later in the sentence ("... hướng dẫn Nghị định số 190/2007/NĐ-CP hết hiệu lực") is a
description, and a unit or annex ("Điều 1 Thông tư ...", "Các biểu mẫu ... ban hành kèm theo Nghị quyết ...")
is not the document, nor is a number written alone ("Nghị định số 86 ngày ..."). Sentences that make it
conditional ("cho đến khi ... hết hiệu lực") say nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import AmendmentKind, Reference
from ..structure import iso_date
from ..text import fold_same_length, join_wrapped_lines
from .find import NameIndex, find_references

# a sentence (within a line) that may state a repeal, on the folded text
_CUE = re.compile(r"het hieu luc|thay the|bai bo")
_SENTENCE = re.compile(r"[^.;\n]+")
_BULLET = re.compile(r"^\s*(?:[-+•]|\d+[.)]|[a-zđ]\))?\s*")
_EXPIRES = re.compile(r"\bhet hieu luc(?: thi hanh)?\b")
_FROM_DATE = re.compile(r"\b(?:ke )?tu ngay (\d{1,2})\s*(?:thang\s*|/)(\d{1,2})\s*(?:nam\s*|/)(\d{4})")
_CONDITIONAL = re.compile(r"\b(?:cho den khi|truoc khi|neu|khi)\b[^,]*\bhet hieu luc")
# "... này thay thế X", "Bãi bỏ X", "X được thay thế bởi ..."
_VERB = re.compile(r"\b(thay the|bai bo)\b")


@dataclass(slots=True)
class Repeal:
    """A document, or some of its units, that the text says are no longer in force."""

    reference: Reference  # the repealed document or units as cited (spans into the text)
    kind: AmendmentKind  # LAPSED | REPLACED | ABOLISHED
    date: str | None = None  # ISO date the text gives; None: when the citing document takes effect

    @property
    def units(self) -> bool:
        """Whether it ends units of the document ("Khoản 2 Điều 3 ... của Nghị định số 135/2020/NĐ-CP"), not all of it."""
        return bool(self.reference.targets)


# "... các Nghị định của Chính phủ và các điều khoản sau đây hết hiệu lực thi hành:" followed by items a), b), ...
_LIST_INTRO = re.compile(
    r"\bsau day\b[^:\n]{0,40}\b(het hieu luc|bai bo)[^:\n]{0,20}:\s*$|\b(bai bo|het hieu luc)[^:\n]{0,80}\bsau day\s*:\s*$"
)
_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|\d{1,2}[.)]|[-+•])\s*")
# documents named after the repealed one to describe it, not repealed with it: the amending laws ("... số
# 58/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2015/QH13, Luật số 35/2018/QH14 (sau đây gọi
# chung là ...) và Nghị quyết số 93/2015/QH13 ..."), its subject ("Nghị quyết số 144/2016/QH13 ... về việc lùi hiệu
# lực thi hành của Bộ luật Hình sự số 100/2015/QH13, ...")
_AMENDED_BY = re.compile(r"\b(?:theo|ve|cua)\b")


def find_repeals(text: str, names: NameIndex | None = None) -> list[Repeal]:
    """What ``text`` says is no longer in force: whole documents, several in one sentence, listed items after
    "... sau đây hết hiệu lực thi hành:", and units of a document ("Khoản 2 Điều 3; các khoản 1, 3 Điều 7 ... của
    Nghị định số 135/2020/NĐ-CP"). A hard-wrapped paragraph is read as one line (the spans found are those of
    ``text``)."""
    text = join_wrapped_lines(text)
    folded = fold_same_length(text)
    out: list[Repeal] = []
    list_kind: AmendmentKind | None = None  # inside the items of a list introduced as repealed
    line_start = 0
    for line in text.split("\n"):
        fline = folded[line_start : line_start + len(line)]
        item = _ITEM.match(fline) if list_kind else None
        if list_kind and item and item.end() < len(fline):
            out += _listed(text, line_start + item.end(), line_start + len(line), list_kind, names)
        else:
            list_kind = None
            out += _sentences(text, folded, line_start, line_start + len(line), names)
            intro = _LIST_INTRO.search(fline)
            if intro and not _CONDITIONAL.search(fline):
                verb = intro.group(1) or intro.group(2)
                list_kind = AmendmentKind.ABOLISHED if verb == "bai bo" else AmendmentKind.LAPSED
        line_start += len(line) + 1
    return out


def _listed(text: str, start: int, end: int, kind: AmendmentKind, names: NameIndex | None) -> list[Repeal]:
    """An item of a repeal list: the document or the units its first reference names (the rest describes it)."""
    refs = find_references(text[start:end], names)
    if not refs or refs[0].start > 3:
        return []
    first = refs[0]
    if first.doc is None or first.doc.this or not _precise(first):
        return []
    # "Khoản 2 Điều 3; các khoản 1, 3 Điều 7 và khoản 2 Điều 8 của Nghị định số 135/2020/NĐ-CP": the units come as
    # several references to one document; a document named whole is the item, what follows describes it
    same = (first.doc.number, first.doc.name, first.doc.year)
    chosen = [
        r for r in refs if r.targets and r.doc is not None and (r.doc.number, r.doc.name, r.doc.year) == same
    ]
    if not first.targets:
        chosen = [first]
    for r in chosen:
        r.start += start
        r.end += start
    return [Repeal(r, kind, None) for r in chosen]


def _precise(ref: Reference) -> bool:
    """A number written alone ("Nghị định số 86 ngày ...") is too loose to repeal a document by."""
    return not (ref.doc is not None and ref.doc.number and "/" not in ref.doc.number)


def _sentences(text: str, folded: str, start: int, end: int, names: NameIndex | None) -> list[Repeal]:
    out: list[Repeal] = []
    for m in _SENTENCE.finditer(folded, start, end):
        sent = m.group(0)
        if not _CUE.search(sent) or _CONDITIONAL.search(sent):
            continue
        bullet = _BULLET.match(sent)
        assert bullet is not None  # every part of _BULLET is optional: it matches any sentence
        s0 = m.start() + bullet.end()
        sentence = text[s0 : m.end()]
        fsent = folded[s0 : m.end()]
        refs = find_references(sentence, names)
        if not refs:
            continue
        expires = _EXPIRES.search(fsent)
        verb = _VERB.search(fsent)
        if expires and refs[0].start == 0 and expires.start() > refs[0].end:
            # "Luật ... số 58/2014/QH13 đã được sửa đổi, bổ sung ... theo Luật số 84/2015/QH13 (...) và Nghị quyết số
            # 93/2015/QH13 ... hết hiệu lực kể từ ngày ...": the first document and those joined to it by "và", not
            # the amending laws listed after "theo"
            chosen = [refs[0]]
            amending = False
            for prev, ref in zip(refs, refs[1:], strict=False):
                if ref.start >= expires.start():
                    break
                between = fsent[prev.end : ref.start]
                if _AMENDED_BY.search(between):
                    amending = True
                if ")" in between or ";" in between:
                    amending = False
                if "(" in between and ")" not in between:
                    continue  # "(sau đây gọi chung là Luật số 58/2014/QH13)"
                if not amending and re.search(r"(?:\bva|,)\s*$", between) and not ref.targets:
                    chosen.append(ref)
            kind = AmendmentKind.LAPSED
        elif verb and not expires:
            # "Thông tư này thay thế Thông tư số 20/2015/TT-BTP", "Bãi bỏ Thông tư số 24/2015/TT-BGDĐT"
            after = [
                r for r in refs if r.start >= verb.end() and not fsent[verb.end() : r.start].strip(" :,")
            ]
            if not after:
                continue
            before = fsent[: verb.start()]
            if verb.group(1) == "thay the" and not re.search(r"\bnay\b", before):
                continue  # "... được thay thế bằng ...": not the document replacing another
            chosen, kind = (
                [after[0]],
                AmendmentKind.REPLACED if verb.group(1) == "thay the" else AmendmentKind.ABOLISHED,
            )
        else:
            continue
        for ref in chosen:
            if ref.doc is None or ref.doc.this or ref.targets or not _precise(ref):
                continue  # a unit, not the document
            d = _FROM_DATE.search(fsent, ref.end)
            date = iso_date(d.group(1), d.group(2), d.group(3)) if d else None
            ref.start += s0
            ref.end += s0
            out.append(Repeal(ref, kind, date))
    return out


# "Điều 190 và Điều 248 của Luật này có hiệu lực thi hành từ ngày 01 tháng 4 năm 2024": units of the document itself
# that take effect on their own date (folded); the date must follow the cue directly
_OWN_EFFECT = re.compile(
    r"\bco hieu luc(?: thi hanh)?(?: ke)? tu ngay (\d{1,2})\s*(?:thang\s*|/)(\d{1,2})\s*(?:nam\s*|/)(\d{4})"
)


@dataclass(slots=True)
class UnitEffect:
    """Units of the document itself that take effect on a date of their own."""

    reference: Reference  # the units as cited ("Điều 190 và Điều 248 của Luật này"), spans into the text
    date: str


def find_unit_effects(text: str, names: NameIndex | None = None) -> list[UnitEffect]:
    """What ``text`` (a document's article on its entry into force) says of its own units' dates: "Điều 190 và Điều
    248 của Luật này có hiệu lực thi hành từ ngày 01 tháng 4 năm 2024", "Các điều từ Điều 1 đến Điều 11, các điều
    14, 15 ... của Nghị định này có hiệu lực từ ngày 01 tháng 7 năm 2025". The units are those cited before the cue,
    of this document ("của Luật này", or no document named); "Luật này có hiệu lực ..., trừ trường hợp quy định tại
    khoản 2 Điều này" names no unit before its cue. A hard-wrapped paragraph is read as one line."""
    text = join_wrapped_lines(text)
    folded = fold_same_length(text)
    out: list[UnitEffect] = []
    for m in _SENTENCE.finditer(folded):
        cue = _OWN_EFFECT.search(m.group(0))
        if not cue or _CONDITIONAL.search(m.group(0)):
            continue
        date = iso_date(cue.group(1), cue.group(2), cue.group(3))
        sentence = text[m.start() : m.end()]
        refs = [
            r
            for r in find_references(sentence, names)
            if r.end <= cue.start()
            and r.targets
            and (r.doc is None or r.doc.this)
            and all(t.article and t.article != "#this" for t in r.targets)
        ]
        if not refs or date is None:
            continue
        for r in refs:
            r.start += m.start()
            r.end += m.start()
            out.append(UnitEffect(r, date))
    return out


# An amending law's instructions, one a line: "2. Sửa đổi, bổ sung khoản 2 Điều 3 như sau:", "a) Sửa đổi, bổ sung khoản 1
# như sau:" (under "3. Sửa đổi, bổ sung một số khoản của Điều 6 như sau:"), "33. Bổ sung Điều 48a và Điều 48b vào sau Điều
# 48 như sau:", "Bãi bỏ khoản 3 Điều 5." (folded)
_INSTRUCTION = re.compile(
    r"^\s*(?:(\d{1,3})\.|([a-zđ])\))\s*(sua doi, bo sung|sua doi|bo sung|bai bo|thay the|thay)\b\s*(.*)$"
)
_PARTS_OF = re.compile(r"\bmot so (?:dieu|khoan|diem)(?:, (?:khoan|diem))*(?: cua)? dieu (\d+[a-z]?)\b")
_KINDS = {
    "sua doi, bo sung": AmendmentKind.AMENDED,
    "sua doi": AmendmentKind.AMENDED,
    "bo sung": AmendmentKind.SUPPLEMENTED,
    "bai bo": AmendmentKind.ABOLISHED,
    "thay the": AmendmentKind.REPLACED,
    "thay": AmendmentKind.REPLACED,
}


@dataclass(slots=True)
class UnitAmendment:
    """A unit of the amended document changed by one instruction of an amending text."""

    path: list[tuple[str, str]]  # the amended unit: [("dieu", "3"), ("khoan", "2")]
    kind: AmendmentKind  # AMENDED | SUPPLEMENTED | ABOLISHED | REPLACED
    by_units: str  # the instruction's place in the amending article: "khoản 2", "điểm a khoản 3"
    document: Reference | None = (
        None  # the document the enclosing instruction names, if it names one ("1. Sửa đổi,
    )
    # bổ sung một số điều của Nghị định số 88/2020/NĐ-CP ..."); None: the one the article's heading names


def find_amendments(text: str) -> list[UnitAmendment]:
    """The units an amending article changes, read from its instructions (the quoted new text is skipped): the
    units named before "vào sau" / "như sau", with the article of the enclosing "một số khoản của Điều 6" where an
    item names a khoản alone; "Thay cụm từ ... tại khoản 3 Điều 2, ..." changes the units named after "tại"."""
    out: list[UnitAmendment] = []
    folded = fold_same_length(text)
    context: str | None = None  # the article an enclosing instruction names ("một số khoản của Điều 6")
    document: Reference | None = None  # the document an enclosing instruction names
    clause: str | None = None  # the number of the enclosing instruction
    pos = 0
    quoted = False  # inside the new text (a quoted passage over several lines)
    for line in text.split("\n"):
        fline = folded[pos : pos + len(line)].lower()
        pos += len(line) + 1
        opens, closes = line.count("“"), line.count("”")
        if quoted:
            quoted = closes <= opens
            continue
        if line.lstrip()[:1] in '“"':
            quoted = opens > closes
            continue  # the new text itself
        m = _INSTRUCTION.match(fline)
        if not m:
            continue
        number, letter, verb, rest = m.group(1), m.group(2), m.group(3), m.group(4)
        offset = len(line) - len(rest)
        if number:
            clause = number
            parts = _PARTS_OF.search(rest)
            context = parts.group(1) if parts else None
            named = [r for r in find_references(line[offset:]) if r.doc is not None and not r.doc.this]
            document = named[0] if named and not named[0].targets else None
            if parts or document is not None:
                continue  # its items say which parts
        place = f"điểm {letter} khoản {clause}" if letter else f"khoản {clause}"
        scope = line[offset:]
        fscope = rest
        at = re.search(r"\btai\b", fscope) if verb in ("thay", "thay the") else None
        after_article = None
        if at:
            scope, fscope = scope[at.end() :], fscope[at.end() :]
        else:
            end = re.search(r"\b(?:vao sau|vao truoc|nhu sau)\b", fscope)
            if end:
                # "Bổ sung khoản 9 vào sau khoản 8 Điều 2": the article is named after "vào sau"
                after = [
                    t.article for r in find_references(scope[end.end() :]) for t in r.targets if t.article
                ]
                after_article = after[0] if after and after[0] != "#this" else None
                scope = scope[: end.start()]
        for ref in find_references(scope):
            if ref.doc is not None and not ref.doc.this:
                continue  # another document named in passing
            for t in ref.targets:
                article = t.article if t.article and t.article != "#this" else (after_article or context)
                if not article:
                    continue
                path = [("dieu", article)] + [
                    (k, v) for k, v in (("khoan", t.clause), ("diem", t.point)) if v and v != "#this"
                ]
                out.append(UnitAmendment(path, _KINDS[verb], place, document))
    return out
