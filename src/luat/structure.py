"""Structure of a legal text in the official layout: header, Phần/Chương/Mục/Tiểu mục, Điều, and inside
an Điều its sections (I., II.), khoản (1., 2.) and điểm (a), b), đ)).

The parser is line based and keeps offsets: every unit's ``text`` is ``source[start:end]`` verbatim.
Numbering must run in sequence (khoản 1, 2, 3...; điểm a, b, c, d, đ...), which keeps numbered lines
inside quoted amendments, tables and lists from being taken for structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Unit
from .sohieu import DOC_TYPES, ISSUERS, NUMBER_PATTERN, parse_number
from .text import POINT_LETTERS, fold, roman_to_int

_ROMAN = r"[IVXLC]+"
PHAN_RE = re.compile(rf"^\s*(?:Phần|PHẦN)\s+(thứ\s+\S+|THỨ\s+\S+|{_ROMAN}|\d+)\s*[:.\-–]?\s*(.*)$")
CHUONG_RE = re.compile(rf"^\s*(?:Chương|CHƯƠNG)\s+({_ROMAN}|\d+)\s*[:.\-–]?\s*(.*)$")
MUC_RE = re.compile(rf"^\s*(?:Mục|MỤC)\s+(\d+|{_ROMAN})\s*[:.\-–]?\s*(.*)$")
TIEU_MUC_RE = re.compile(r"^\s*(?:Tiểu mục|TIỂU MỤC)\s+(\d+)\s*[:.\-–]?\s*(.*)$")
DIEU_RE = re.compile(r"^\s*Điều\s+(\d+[a-zđ]?)\s*[.:]?\s*(.*)$")
SECTION_RE = re.compile(rf"^\s*({_ROMAN})\s*[.:]\s+(\S.*)$")
KHOAN_RE = re.compile(r"^\s*(\d{1,3})\s*\.(?!\d)\s*(.*)$")
DIEM_RE = re.compile(r"^\s*([a-zđ])\s*\)\s*(.*)$")
# Numbered points inside khoản N ("1.1.", "1.2." in khoản 1), as decisions of the BHXH and others number them;
# their lettered items are tiết ("Tiết a Điểm 1.7 Khoản 1 Điều 4").
NUMBERED_DIEM_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
# Lines that close the body of a document: the passing formula, the signature block, the recipients.
END_RE = re.compile(
    r"^\s*(?:(?:Bộ luật|Luật|Pháp lệnh|Nghị quyết|Hiến pháp) này (?:đã )?được .{0,80}(?:thông qua|khóa [IVXLC]+)"
    r"|Nơi nhận\s*:|TM\.\s|KT\.\s|Q\.\s?BỘ TRƯỞNG|CHỦ TỊCH QUỐC HỘI\s*$|THỦ TƯỚNG\s*$|BỘ TRƯỞNG\s*$"
    r"|VĂN PHÒNG QUỐC HỘI\s*$|XÁC THỰC VĂN BẢN HỢP NHẤT)"  # the close of a consolidated text
)
PART_ORDINALS = {
    "nhat": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
DATE_RE = re.compile(r"ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
EFFECTIVE_RE = re.compile(
    r"có hiệu lực(?: thi hành)?(?: kể)?(?: từ)?(?: ngày)?\s+(\d{1,2})\s*(?:tháng\s*|/)(\d{1,2})\s*(?:năm\s*|/)(\d{4})",
    re.I,
)


def iso_date(d: str | int, m: str | int, y: str | int) -> str | None:
    """The date as ISO "YYYY-MM-DD" from its day, month and year, or None when it cannot be one (day over 31, month
    over 12, a year outside 1900-2100)."""
    d, m, y = int(d), int(m), int(y)
    if not (1 <= d <= 31 and 1 <= m <= 12 and 1900 <= y <= 2100):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def part_label(raw: str) -> str:
    """ "thứ nhất" → "1", "II" → "II"."""
    f = fold(raw)
    if f.startswith("thu "):
        word = f.split()[1]
        return str(PART_ORDINALS.get(word, word))
    return raw.upper() if roman_to_int(raw) else raw


def _next_point(prev: str | None, cur: str) -> bool:
    if prev is None:
        return True
    if prev in POINT_LETTERS and cur in POINT_LETTERS:
        return POINT_LETTERS.index(cur) == POINT_LETTERS.index(prev) + 1
    return False


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str  # the line without its newline


def _lines(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    end = len(text) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        out.append(_Line(pos, stop, text[pos:stop]))
        pos = stop + 1
    return out


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def parse_body(text: str, start: int = 0, end: int | None = None) -> list[Unit]:
    """Split the body of an Điều into sections, khoản and điểm. Offsets are into ``text``."""
    end = len(text) if end is None else end
    roots: list[Unit] = []
    section: Unit | None = None
    khoan: Unit | None = None
    diem: Unit | None = None
    tiet: Unit | None = None
    open_units: list[Unit] = []

    def close(unit: Unit | None, at: int) -> None:
        """End ``unit`` at ``at`` (trimmed of blank space) when it is still open, and take its text."""
        if unit is not None and unit.end == -1:
            s, e = _strip_span(text, unit.start, at)
            unit.start, unit.end, unit.text = s, e, text[s:e]

    def close_from(level: str, at: int) -> None:
        """End the open units of ``level`` and below at ``at`` (a new khoản ends the open khoản and its điểm)."""
        order = ["section", "khoan", "diem", "tiet"]
        for u in reversed(open_units):
            if order.index(u.kind) >= order.index(level):
                close(u, at)
        open_units[:] = [u for u in open_units if order.index(u.kind) < order.index(level)]

    prev_section: int | None = None
    quoted = False  # inside a quoted passage (an amended article's new text), numbering is text
    for line in _lines(text, start, end):
        s = line.text
        if not s.strip():
            continue
        opens, closes = s.count("“"), s.count("”")
        if quoted:
            quoted = closes <= opens
            continue
        if s.lstrip()[:1] in "“\"'‘«":
            quoted = opens > closes
            continue
        m = SECTION_RE.match(s)
        if m:
            n = roman_to_int(m.group(1))
            if n is not None and (
                (prev_section is None and n == 1) or (prev_section is not None and n == prev_section + 1)
            ):
                close_from("section", line.start)
                section = Unit("section", m.group(1), _heading(m.group(2)), start=line.start, end=-1)
                roots.append(section)
                open_units.append(section)
                prev_section, khoan, diem, tiet = n, None, None, None
                continue
        m = KHOAN_RE.match(s)
        if m and m.group(2):
            n = int(m.group(1))
            # the first khoản of a scope may have any number (Pháp điển quotes some khoản only)
            if khoan is None or n == int(khoan.label) + 1:
                close_from("khoan", line.start)
                khoan = Unit("khoan", m.group(1), start=line.start, end=-1)
                (section.children if section is not None else roots).append(khoan)
                open_units.append(khoan)
                diem = tiet = None
                continue
        m = NUMBERED_DIEM_RE.match(s)
        if m and khoan is not None and m.group(1) == khoan.label:
            label = f"{m.group(1)}.{int(m.group(2))}"
            prev = diem.label if diem is not None else None
            if (prev is None and int(m.group(2)) == 1) or (
                prev is not None and "." in prev and int(prev.split(".")[1]) + 1 == int(m.group(2))
            ):
                close_from("diem", line.start)
                diem = Unit("diem", label, start=line.start, end=-1)
                khoan.children.append(diem)
                open_units.append(diem)
                tiet = None
                continue
        m = DIEM_RE.match(s)
        if m and m.group(2) and diem is not None and "." in diem.label:
            letter = m.group(1)
            if (tiet is None and letter == "a") or (tiet is not None and _next_point(tiet.label, letter)):
                close_from("tiet", line.start)
                tiet = Unit("tiet", letter, start=line.start, end=-1)
                diem.children.append(tiet)
                open_units.append(tiet)
            continue
        if m and m.group(2):
            letter = m.group(1)
            parent = khoan if khoan is not None else section
            first_ok = letter == "a" or parent is None
            if (diem is None and first_ok) or (diem is not None and _next_point(diem.label, letter)):
                close_from("diem", line.start)
                diem = Unit("diem", letter, start=line.start, end=-1)
                (parent.children if parent is not None else roots).append(diem)
                open_units.append(diem)
                continue
    close_from("section", end)
    return roots


def _heading(s: str) -> str | None:
    s = s.strip()
    return s or None


@dataclass(slots=True)
class ParsedText:
    """A document in the official layout: header metadata, outline and articles."""

    issuer: str | None = None
    number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issued: str | None = None
    effective: str | None = None
    place: str | None = None
    outline: list[Unit] = field(default_factory=list)  # Phần/Chương/Mục/Tiểu mục with Điều as leaves
    # (context above the article, the article, offset where its body starts)
    articles: list[tuple[list[tuple[str, str, str | None]], Unit, int]] = field(default_factory=list)
    body_start: int = 0
    body_end: int = 0
    consolidated: bool = False  # a văn bản hợp nhất: the base document's text as amended at its date


_LEVELS = ["phan", "chuong", "muc", "tieu_muc"]


def _is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def sentence_case(s: str) -> str:
    """ "BẢO HIỂM XÃ HỘI" → "Bảo hiểm xã hội", keeping "Việt Nam"."""
    s = re.sub(r"\s+", " ", s).strip()
    if not _is_upper_line(s):
        return s
    low = s.lower()
    low = re.sub(r"\bviệt nam\b", "Việt Nam", low)
    return low[:1].upper() + low[1:]


def parse_text(text: str) -> ParsedText:
    """Parse a whole document in the official layout."""
    out = ParsedText()
    lines = _lines(text)
    _parse_header(text, lines, out)

    stack: list[Unit] = []  # open Phần/Chương/Mục/Tiểu mục
    article: Unit | None = None
    art_context: list[tuple[str, str, str | None]] = []
    prev_article_num: tuple[int, str] | None = None
    pending_heading: Unit | None = None  # a Chương whose title is on the following line
    end = len(text)

    def close_article(at: int) -> None:
        """End the open Điều at ``at``: take its text, parse its khoản and điểm, and add it to the document's
        articles (a heading that reads as a sentence is the body)."""
        nonlocal article
        if article is None:
            return
        s, e = _strip_span(text, article.start, at)
        article.end = e
        article.text = text[s:e]
        # the body starts after the "Điều N. Heading" line; a "heading" that reads as a sentence
        # ("Điều 3. Quyết định này có hiệu lực ...") is the body itself
        nl = text.find("\n", article.start, e)
        body_start = e if nl < 0 else nl + 1
        if article.heading and article.heading[-1] in ".:;":
            body_start = text.find(article.heading, article.start, e)
            article.heading = None
        article.children = parse_body(text, body_start, e)
        out.articles.append((art_context, article, body_start))
        article = None

    def close_outline(level: str, at: int) -> None:
        """End the open Phần, Chương or Mục of ``level`` and below at ``at``."""
        while stack and _LEVELS.index(stack[-1].kind) >= _LEVELS.index(level):
            u = stack.pop()
            s, e = _strip_span(text, u.start, at)
            u.end = e

    quoted = False  # inside a quoted passage ("“Điều 48b. ..." of an amending law), Điều lines are text
    for line in lines:
        s = line.text
        if line.start < out.body_start or not s.strip():
            continue
        opens, closes = s.count("“"), s.count("”")
        if quoted:
            m = DIEU_RE.match(s)
            if not (m and prev_article_num and _article_num(m.group(1)) == (prev_article_num[0] + 1, "")):
                quoted = closes <= opens
                continue
            quoted = False  # the next article in sequence: the quote was left open
        elif s.lstrip()[:1] == "“" and opens > closes:
            quoted = True
            continue
        if pending_heading is not None:
            if _is_upper_line(s) and not any(
                rx.match(s) for rx in (DIEU_RE, MUC_RE, CHUONG_RE, PHAN_RE, TIEU_MUC_RE)
            ):
                pending_heading.heading = (
                    (pending_heading.heading + " ") if pending_heading.heading else ""
                ) + s.strip()
                continue
            pending_heading = None
        if END_RE.match(s) and (article is not None or stack):
            end = line.start
            break
        for kind, rx in (
            ("phan", PHAN_RE),
            ("chuong", CHUONG_RE),
            ("tieu_muc", TIEU_MUC_RE),
            ("muc", MUC_RE),
        ):
            m = rx.match(s)
            if not m:
                continue
            if kind == "muc" and not any(u.kind == "chuong" for u in stack) and article is not None:
                m = None
                break
            close_article(line.start)
            close_outline(kind, line.start)
            label = part_label(m.group(1)) if kind == "phan" else m.group(1)
            unit = Unit(kind, label, _heading(m.group(2)), start=line.start, end=-1)
            (stack[-1].children if stack else out.outline).append(unit)
            stack.append(unit)
            pending_heading = unit if kind in ("phan", "chuong", "muc") else None
            break
        else:
            m = None
        if m:
            continue
        m = DIEU_RE.match(s)
        if m:
            num = _article_num(m.group(1))
            if prev_article_num is None or num > prev_article_num:
                close_article(line.start)
                article = Unit("dieu", m.group(1), _heading(m.group(2)), start=line.start, end=-1)
                art_context = [(u.kind, u.label, u.heading) for u in stack]
                (stack[-1].children if stack else out.outline).append(article)
                prev_article_num = num
                continue
    close_article(end)
    close_outline("phan", end)
    out.body_end = end
    _complete_header(text, out)
    if out.effective is None:
        out.effective = _effective_date(text, out)
    return out


def _article_num(label: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", label)
    return (int(m.group(1)), m.group(2)) if m else (0, label)


# "Luật số: 77/2006/QH 11": the legislature's session written apart from its code (six laws of vlc-2021)
_DETACHED_SESSION = re.compile(r"([/-]\s*(?:UBTV)?QH)\s+(\d{1,2})\b")
_NUMBER_LINE = re.compile(rf"(?:^|\b)(?:[Ss]ố|SỐ)\s*(?:hiệu)?\s*:?\s*({NUMBER_PATTERN})")
_TYPE_LINE = re.compile(
    r"^\s*("
    + "|".join(re.escape(t.upper()) for t in sorted(DOC_TYPES, key=len, reverse=True))
    + r")\b\s*(.*)$"
)


_KNOWN_ISSUERS = {fold(v): v for v in ISSUERS.values()}
_TYPE_NAMES_UPPER = {t.upper() for t in DOC_TYPES}


def _parse_header(text: str, lines: list[_Line], out: ParsedText) -> None:
    """Issuer, number, place and date, type and title, from the lines before the first Căn cứ / Chương /
    Điều line."""
    issuer_lines: list[str] = []
    title_lines: list[str] = []
    in_issuer = True
    in_title = False
    body_start = 0
    for i, line in enumerate(lines[:80]):
        s = line.text.strip()
        if not s:
            if in_title and title_lines:
                in_title = False
            continue
        if re.match(r"^-{3,}$|^_{3,}$", s):
            in_issuer = False
            continue
        if in_issuer and s in _TYPE_NAMES_UPPER:
            in_issuer = False  # a document that opens with its type ("LUẬT") names no issuer
        if in_issuer:
            if re.match(r"(?i)^cộng hòa|^cộng hoà|^độc lập", s):
                in_issuer = False
                m2 = re.search(r"(?i)cộng h[oò][aà]", s)
                if m2 and m2.start() > 0:
                    issuer_lines.append(s[: m2.start()])
            elif _is_upper_line(s) and not _NUMBER_LINE.search(s):  # "Số: 168/2024/NĐ-CP" looks upper-case
                issuer_lines.append(s)
                continue
            else:
                in_issuer = False
        if out.number is None:
            m = _NUMBER_LINE.search(_DETACHED_SESSION.sub(r"\1\2", s))
            if m:
                num = parse_number(m.group(1))
                if num:
                    out.number = num.text
        if out.issued is None:
            m = DATE_RE.search(s)
            if m and i < 30:
                out.issued = iso_date(m.group(1), m.group(2), m.group(3))
                place = s[: m.start()].strip(" ,")
                out.place = place or None
                continue
        m = _TYPE_LINE.match(s)
        if m and out.doc_type is None and (out.issued is not None or not issuer_lines):
            out.doc_type = next(t for t in DOC_TYPES if t.upper() == m.group(1))
            rest = m.group(2).strip()
            if rest:
                title_lines.append(rest)
            in_title = True
            continue
        if in_title:
            if (
                re.match(r"(?i)^(căn cứ|theo đề nghị|xét đề nghị)", s)
                or DIEU_RE.match(s)
                or CHUONG_RE.match(s)
            ):
                in_title = False
            else:
                title_lines.append(s)
                continue
        if (
            re.match(r"(?i)^(căn cứ|theo đề nghị|xét đề nghị)", s)
            or DIEU_RE.match(s)
            or CHUONG_RE.match(s)
            or PHAN_RE.match(s)
        ):
            body_start = line.start
            break
    issuer = " ".join(x.strip() for x in issuer_lines).strip()
    out.issuer = _KNOWN_ISSUERS.get(fold(issuer), sentence_case(issuer)) if issuer else None
    if issuer:
        title_lines = [t for t in title_lines if fold(t) != fold(issuer)]
    if title_lines:
        title = " ".join(title_lines)
        # old laws: "SỐ 101-SL/L.003 NGÀY 20-5-1957 QUY ĐỊNH QUYỀN TỰ DO HỘI HỌP"
        m = re.match(r"(?i)^số\s+\S+\s+ngày\s+(\d{1,2})-(\d{1,2})-(\d{4})\s+", title)
        if m:
            out.issued = out.issued or iso_date(m.group(1), m.group(2), m.group(3))
            title = title[m.end() :]
        # "CỦA QUỐC HỘI ... SỐ 32/2004/QH11 NGÀY ... VỀ AN NINH QUỐC GIA" → "AN NINH QUỐC GIA"
        m = re.match(r"(?is)^(?:của|số)\b.*?\bvề\s+(.+)$", title)
        if m:
            title = m.group(1)
        title = re.sub(r"(?is)\s+(?:của\s+quốc\s+hội|số\s+\S+\s+ngày)\b.*$", "", title)
        title = re.sub(r"(?i)^về\s+", "", title)
        out.title = sentence_case(title)
    if out.doc_type is None and out.number:
        num = parse_number(out.number)
        out.doc_type = num.doc_type if num else None
    out.body_start = body_start


# "Quốc hội ban hành Luật Bảo hiểm xã hội.", "Chính phủ ban hành Nghị định quy định chi tiết ...": the enacting
# formula names the document exactly, where a header's title lines may be flattened, doubled or damaged
_ENACTING = re.compile(
    r"(?m)(?:^|;\s*)[^\n;]{0,120}?\bban hành\s+("
    + "|".join(sorted(DOC_TYPES, key=len, reverse=True))
    + r")\s+([^\n]{3,400}?)\d{0,3}\s*\.?\s*$"
)
# "Luật Bảo hiểm xã hội số 41/2024/QH15 ngày 29 tháng 6 năm 2024 của Quốc hội, có hiệu lực kể từ ngày 01 tháng 7
# năm 2025, được sửa đổi, bổ sung bởi:": the opening of a consolidated text (văn bản hợp nhất), naming its base
CONSOLIDATED_BASE = re.compile(
    rf"^\s*((?:Bộ luật|Luật|Pháp lệnh|Nghị định|Nghị quyết|Thông tư)\b[^\n]*?)\s+số\s+({NUMBER_PATTERN})\s+"
    r"ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})[^\n]*?"
    r"(?:có hiệu lực[^\n]*?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))?[^\n]*được sửa đổi, bổ sung bởi",
    re.M,
)
_PASSED_ON = re.compile(r"thông qua ngày\s*(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


def _complete_header(text: str, out: ParsedText) -> None:
    """What the header lines left out or got wrong, from the rest of the text: the title from the enacting
    formula, the issue date from the closing "thông qua ngày ...", and for a consolidated text its base
    document (number, dates, title) from its opening."""
    starts = [u.start for u in out.outline[:1]] + [a.start for _c, a, _b in out.articles[:1]]
    head = text[: min(starts)] if starts else text[:6000]  # the header and the preamble (Căn cứ ...)
    base = CONSOLIDATED_BASE.search(head)
    if base:
        num = parse_number(base.group(2))
        if num:
            out.number = num.text
            out.doc_type = num.doc_type or out.doc_type
        # groups: 1 name, 2-5 number, 6-8 issue date, 9-11 effective date
        out.issued = iso_date(base.group(6), base.group(7), base.group(8))
        if base.group(9):
            out.effective = iso_date(base.group(9), base.group(10), base.group(11))
        out.consolidated = True
    m = _ENACTING.search(head)
    if m:
        doc_type, title = m.group(1), m.group(2).strip()
        # "Luật sửa đổi, bổ sung ... của Luật Bảo hiểm y tế số 25/2008/QH12 đã được sửa đổi ...": the name ends
        # before the amended law's number
        title = re.split(r"\s+(?:số\s+\d|đã được sửa đổi)", title, maxsplit=1)[0].rstrip(" ,.;")
        if doc_type not in NAMED_TYPE_FORMS:
            title = title[:1].upper() + title[1:]
        current = fold(out.title or "")
        if title and (not current or current != fold(title)):
            out.title = title
            out.doc_type = out.doc_type or doc_type
    if out.issued is None:
        tail = _PASSED_ON.search(text, max(0, out.body_end - 200), min(len(text), out.body_end + 600))
        if tail:
            out.issued = iso_date(tail.group(1), tail.group(2), tail.group(3))


# Types whose title is a name written after the type ("Luật Bảo hiểm xã hội"), not a sentence
NAMED_TYPE_FORMS = ("Bộ luật", "Luật", "Pháp lệnh", "Hiến pháp")


SIGNING_RE = re.compile(r"có hiệu lực(?: thi hành)?(?: kể)? từ ngày ký", re.I)


def _effective_date(text: str, parsed: ParsedText) -> str | None:
    """From the article on hiệu lực (the last one that states a date), or the signing date."""
    for _ctx, art, _body in reversed(parsed.articles):
        if "hiệu lực" in art.text[:300].lower():
            m = EFFECTIVE_RE.search(art.text)
            if m:
                return iso_date(m.group(1), m.group(2), m.group(3))
            if SIGNING_RE.search(art.text):
                return parsed.issued
    return None
