"""Consolidated texts (văn bản hợp nhất, VBHN): the base document's text as amended at the consolidation's date.

A VBHN opens with its base ("Luật Bảo hiểm xã hội số 41/2024/QH15 ngày 29 tháng 6 năm 2024 ..., được sửa đổi, bổ
sung bởi: 1. Luật Nhà giáo số 73/2025/QH15 ..."), marks each amended passage with a footnote number glued to its
last word ("... cơ quan bảo hiểm xã hội3 và ..."), closes with "VĂN PHÒNG QUỐC HỘI / Số: 40/VBHN-VPQH / XÁC THỰC
VĂN BẢN HỢP NHẤT / Hà Nội, ngày 16 tháng 3 năm 2026", and lists the footnotes in a final "CHÚ THÍCH" section
("3 Cụm từ “tổ chức bảo hiểm y tế” được thay thế bằng cụm từ “cơ quan bảo hiểm xã hội” theo quy định tại điểm a
khoản 35 Điều 1 của Luật số 51/2024/QH15 ..., có hiệu lực kể từ ngày 01 tháng 7 năm 2025.").

Texts copied from the web also carry footnotes inlined in the body: the amending laws' "có căn cứ ban hành như
sau: “...”." and "Điều 63 của Luật Thanh tra ... quy định như sau: “...”." blocks, notes on a line of their own
("Khoản này được sửa đổi, bổ sung theo quy định tại ..."), and a signature stamp ("Ngày ký: 2026-03-05 13:25:42
+07:00"). :func:`clean` removes them and the markers, so that quotes stay the law's words, and returns each
footnote with the place it marked, which becomes an amendment note on that unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Amendment, Unit, address_of
from ..sohieu import NUMBER_PATTERN, parse_number
from ..structure import iso_date

IS_CONSOLIDATED = re.compile(r"XÁC THỰC VĂN BẢN HỢP NHẤT|được sửa đổi, bổ sung bởi:\s*$", re.M)
_FOOTNOTES_HEADER = re.compile(r"^=+\s*CHÚ THÍCH[^\n]*$", re.M)
_FOOTNOTE_LINE = re.compile(r"^(\d{1,3}) (\S[^\n]*)$", re.M)
_SIGNED_STAMP = re.compile(r"Ngày ký: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2} ")
# an amending law's preamble, inlined: "Luật Thanh tra số 84/2025/QH15 có căn cứ ban hành như sau: “...”."
# a quoted block ends at its closing quote, or before the document's next structural line when the copy lost it
_QUOTED = r"“[^”]*?(?:”\.?|(?=\n(?:Chương [IVXLC\d]+|Điều \d+[a-zđ]?\.|Mục \d|Phần)))"
_PREAMBLE_BLOCK = re.compile(r"(?m)^[^\n“”]{0,300}có căn cứ ban hành như sau:\s*" + _QUOTED + r"[ \t]*\n?")
# an amending law's own provision, inlined after its marker: "3 Điều 5 của Luật số 09/2026/QH16 ..., có hiệu lực
# kể từ ngày 24 tháng 4 năm 2026 quy định như sau: “...”."
_PROVISION_BLOCK = re.compile(
    r"(?:(?<=\s)\d{1,3} )?(?:Điều|Khoản|Điểm|Các khoản|Các điều)\s[^\n“”]{0,200}?của (?:Bộ luật|Luật|Nghị định|Nghị quyết)"
    r"[^\n“”]{0,300}?có hiệu lực[^\n“”]{0,150}?quy định như sau:\s*" + _QUOTED + r"[ \t]*"
)
# a note on a line of its own, or after its marker to the end of the line (the line goes on after it): "Khoản này
# được sửa đổi, bổ sung theo quy định tại khoản 2 Điều 1 của Luật số ...", "do Bộ trưởng 54 Điểm này được bổ sung
# theo quy định tại ... 2026.\nBộ Y tế quy định". It says what became of a unit ("Khoản này", "Cụm từ “...”") right
# before its verb: the law's own "khoản 2 Điều này phải ... được hưởng ... theo quy định tại" is no note
_NOTE_LINE = re.compile(
    r"(?m)(?:^|(?<=\s)\d{1,3} |(?<=\s)(?=(?:Điều|Khoản|Điểm) này (?:được|bị) ))"
    r"(?:(?:Điều|Khoản|Điểm|Mục|Chương) này|(?:Cụm từ|Từ) “[^”\n]{0,200}”[^\n]{0,100}?|(?:Nội dung|Điều \d+)\b[^\n]{0,300}?)"
    r" (?:được|bị) (?:sửa đổi|bổ sung|thay thế|thay|bãi bỏ|bỏ|hủy bỏ|đình chỉ)\b[^\n]{0,120}?"
    r"theo quy định tại [^\n]*(?:\n(?!Điều \d|Chương |Mục \d|Phần |\d{1,3}\.\s|[a-zđ]\)\s))?"
)  # the line break goes with the note unless a unit starts after it
_MARKED_UNIT = re.compile(r"\d{1,3}\.\d{1,3}\s|[a-zđ]\)\d{1,3}\s")
_NOTE_ENDS_IN_SENTENCE = re.compile(r"có hiệu lực[^\n]*?năm \d{4}\.[ \t]*(?=[a-zà-ỹđ])")
# a marker: a footnote number glued to a word or a closing sign ("xã hội3 và", "đặc khu30;", "3.22 Thanh toán")
_MARKER = re.compile(r"(?:(?<=[a-zà-ỹđ”)])|(?<=^\d\.)|(?<=^\d\d\.))(\d{1,3})(?=[\s.,;:”)]|$)", re.M)
_VBHN_DATE = re.compile(
    r"XÁC THỰC VĂN BẢN HỢP NHẤT\s*\n\s*[^\n,]*,\s*ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_VBHN_NUMBER = re.compile(rf"Số:\s*({NUMBER_PATTERN})\s*\n\s*XÁC THỰC")


@dataclass(slots=True)
class Footnote:
    """A footnote of a consolidated text and the offset (in the cleaned text) of the passage it marks."""

    number: int
    text: str
    at: int


@dataclass(slots=True)
class Consolidation:
    """A consolidated text made readable: the body without footnotes, and what they say."""

    text: str
    footnotes: list[Footnote]
    number: str | None  # the VBHN's own number: "40/VBHN-VPQH"
    date: str | None  # its date (ISO): the text speaks for the law as amended on that day


def is_consolidated(text: str) -> bool:
    """Whether a text is a consolidated text (văn bản hợp nhất, VBHN): its first or last 6000 characters carry the
    authentication line or "được sửa đổi, bổ sung bởi:"."""
    return bool(IS_CONSOLIDATED.search(text[:6000]) or IS_CONSOLIDATED.search(text[-6000:]))


def clean(text: str) -> Consolidation:
    """Split off the CHÚ THÍCH section, remove inlined footnotes and markers; linear in the text."""
    m = _FOOTNOTES_HEADER.search(text)
    body, notes_part = (text[: m.start()], text[m.end() :]) if m else (text, "")
    notes: dict[int, str] = {}
    for n in _FOOTNOTE_LINE.finditer(notes_part):
        k = int(n.group(1))
        if k not in notes and (not notes or k > max(notes)):
            notes[k] = n.group(2)
    date = _VBHN_DATE.search(body)
    number = _VBHN_NUMBER.search(body)
    inline: list[tuple[int, str]] = []  # (offset in the text being built, note)

    def drop_blocks(s: str) -> str:
        """``s`` without the signing stamp and the amending laws' preambles and provisions the copy inlines (“...”
        after "có căn cứ ban hành như sau:" or "quy định như sau:")."""
        s = _SIGNED_STAMP.sub("", s)
        s = _PREAMBLE_BLOCK.sub("", s)
        return _PROVISION_BLOCK.sub("", s)

    body = drop_blocks(body)
    # notes on their own line: removed, kept with the place they stood
    out, pos = [], 0
    for n in _NOTE_LINE.finditer(body):
        end = n.end()
        if n.start() > 0 and body[n.start() - 1] != "\n":
            # a note inlined in the middle of a sentence ends with its day of effect; the sentence goes on after it
            # ("trường hợp người 5 Điểm này được sửa đổi ... năm 2026. lao động nghỉ nhiều lần"); the next line, a
            # unit with its marker ("4.49 (được bãi bỏ)"), stays on a line of its own
            rest = _NOTE_ENDS_IN_SENTENCE.search(n.group(0))
            if rest is not None:
                end = n.start() + rest.end()
            elif body[end - 1] == "\n" and _MARKED_UNIT.match(body, end):
                end -= 1
        out.append(body[pos : n.start()])
        inline.append((sum(map(len, out)), body[n.start() : end].strip()))
        pos = end
    out.append(body[pos:])
    body = "".join(out)
    # markers, in increasing order of their footnote numbers (a number that breaks the order is text)
    out, pos, last, footnotes = [], 0, 0, []
    for mk in _MARKER.finditer(body):
        k = int(mk.group(1))
        if k <= last or (k > last + 1 and (k > last + 12 or (notes and k not in notes))):
            continue
        out.append(body[pos : mk.start()])
        at = sum(map(len, out))
        if mk.start() > 0 and body[mk.start() - 1] == "." and body[mk.end() : mk.end() + 1] != " ":
            out.append(" ")  # "3.22Thanh" never happens; "3.22 Thanh" keeps its space
        footnotes.append(Footnote(k, notes.get(k, ""), max(0, at - 1)))
        pos, last = mk.end(), k
    out.append(body[pos:])
    cleaned = "".join(out)
    # inline notes' offsets were taken before the markers went: shift them by the markers removed before them
    removed = sorted((f.at, len(str(f.number))) for f in footnotes)
    for at, note in inline:
        shift = sum(length for a, length in removed if a < at)
        footnotes.append(Footnote(0, note, max(0, at - shift - 1)))
    parsed = parse_number(number.group(1)) if number else None
    return Consolidation(
        cleaned,
        sorted(footnotes, key=lambda f: f.at),
        parsed.text if parsed else None,
        iso_date(*date.groups()) if date else None,
    )


_BY = re.compile(
    rf"theo quy định tại\s+(.*?)\s*(?:của\s+)?(?:(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư)[^\n]*?)?\bsố\s+({NUMBER_PATTERN})"
)
_FROM = re.compile(
    r"có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_SCOPE = re.compile(r"^(Điều|Khoản|Điểm|Mục|Chương) này\b")


def amendment_of(note: str, path: list[tuple[str, str]]) -> Amendment | None:
    """The amendment a footnote states of the unit at ``path`` (the innermost unit holding its marker): "Khoản này
    được sửa đổi, bổ sung theo quy định tại khoản 1 Điều 1 của Luật số 46/2014/QH13 ..., có hiệu lực kể từ ngày
    01 tháng 01 năm 2015." → khoản (of path), sửa đổi, by "khoản 1 Điều 1" of 46/2014/QH13, from 2015-01-01."""
    by = _BY.search(note)
    if not by:
        return None
    num = parse_number(by.group(2))
    if num is None:
        return None
    scope = _SCOPE.match(note)
    kind_of = {"Điều": "dieu", "Khoản": "khoan", "Điểm": "diem", "Mục": "muc", "Chương": "chuong"}
    if scope:  # "Khoản này": the khoản holding the marker, not the điểm inside it
        want = kind_of[scope.group(1)]
        while path and path[-1][0] != want and want in {k for k, _ in path}:
            path = path[:-1]
    low = note.lower()
    kind = (
        "bãi bỏ"
        if "bãi bỏ" in low or "được bỏ" in low
        else "thay thế"
        if "thay thế" in low
        else "bổ sung"
        if "được bổ sung" in low and "sửa đổi" not in low
        else "sửa đổi"
    )
    when = _FROM.search(note)
    return Amendment(
        target=address_of(path) if path else "",
        by_number=num.text,
        by_units=by.group(1).strip(" ,"),
        kind=kind,
        effective=iso_date(*when.groups()) if when else None,
    )


def unit_path(article: Unit, at: int) -> list[tuple[str, str]]:
    """The path from the article down to the innermost unit whose span holds offset ``at``."""
    path = [("dieu", article.label)]
    units = article.children
    while units:
        inner = next((u for u in units if u.start <= at <= u.end), None)
        if inner is None:
            break
        path.append((inner.kind, inner.label))
        units = inner.children
    return path
