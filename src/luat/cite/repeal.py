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

from ..models import Reference
from ..structure import iso_date
from ..text import fold_same_length
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
    """One document the text says is no longer in force."""

    reference: Reference  # the repealed document as cited (spans into the text)
    kind: str  # "hết hiệu lực" | "thay thế" | "bãi bỏ"
    date: str | None = None  # ISO date the text gives; None: when the citing document takes effect


def find_repeals(text: str, names: NameIndex | None = None) -> list[Repeal]:
    folded = fold_same_length(text)
    out: list[Repeal] = []
    for m in _SENTENCE.finditer(folded):
        sent = m.group(0)
        if not _CUE.search(sent) or _CONDITIONAL.search(sent):
            continue
        start = m.start() + _BULLET.match(sent).end()
        sentence = text[start:m.end()]
        fsent = folded[start:m.end()]
        refs = find_references(sentence, names)
        if not refs:
            continue
        expires = _EXPIRES.search(fsent)
        verb = _VERB.search(fsent)
        if expires and refs[0].start == 0 and expires.start() > refs[0].end:
            # "Luật ... số 24/2000/QH10 đã được sửa đổi, bổ sung ... hết hiệu lực kể từ ngày ..."
            ref, kind = refs[0], "hết hiệu lực"
        elif verb and not expires:
            # "Thông tư này thay thế Thông tư số 20/2015/TT-BTP", "Bãi bỏ Thông tư số 24/2015/TT-BGDĐT"
            after = [r for r in refs if r.start >= verb.end() and not fsent[verb.end():r.start].strip(" :,")]
            if not after:
                continue
            before = fsent[:verb.start()]
            if verb.group(1) == "thay the" and not re.search(r"\bnay\b", before):
                continue  # "... được thay thế bằng ...": not the document replacing another
            ref, kind = after[0], "thay thế" if verb.group(1) == "thay the" else "bãi bỏ"
        else:
            continue
        if ref.doc is None or ref.doc.this or ref.targets:
            continue  # a unit, not the document
        if ref.doc.number and "/" not in ref.doc.number:
            continue  # a number written alone ("Nghị định số 86 ngày ...") is too loose to repeal a document by
        d = _FROM_DATE.search(fsent, ref.end)
        date = iso_date(d.group(1), d.group(2), d.group(3)) if d else None
        ref.start += start
        ref.end += start
        out.append(Repeal(ref, kind, date))
    return out
