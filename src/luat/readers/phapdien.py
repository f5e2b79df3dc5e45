"""Reader for Bộ Pháp điển điện tử: one gzip-compressed HTML file per đề mục.

Each article (``p.pDieu``, "Điều 2.1.LQ.60. Bảo hiểm xã hội một lần") carries a note (``p.pGhiChu``)
naming its source: "(Điều 60 Luật số 58/2014/QH13 Bảo hiểm xã hội ngày 20/11/2014 của Quốc hội, có hiệu
lực thi hành kể từ ngày 01/01/2016, có nội dung được sửa đổi bởi Điều 1 Luật số ... có hiệu lực thi hành
kể từ ngày ...)". The record is filed under that source document and article; the Pháp điển code is
kept only as a note.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..limits import MAX_FILE_BYTES, MAX_HTML_DEPTH
from ..models import Amendment, ArticleRecord, Document, Extract, InputError, Source, article_address
from ..sohieu import DOC_TYPES, NUMBER_PATTERN, parse_number
from ..structure import EFFECTIVE_RE, iso_date
from ..text import nfc
from .common import check_file, html_depth

_CODE_RE = re.compile(r"^\s*Điều\s+(\d+(?:\.\d+)*\.[A-ZĐ]+(?:\.\d+)*\.\d+[a-zđ]?)\.?\s*(.*)$", re.S)
_TYPES_ALT = "|".join(re.escape(t) for t in sorted(DOC_TYPES, key=len, reverse=True))
_NOTE_RE = re.compile(
    rf"^\(?\s*(?:Điều|điều)\s+(\d+[a-zđ]?)\s*(?:\.\s*)?({_TYPES_ALT})\s+(?:số\s+)?({NUMBER_PATTERN})(.*)$",
    re.S,
)
_NOTE_JUNK = re.compile(
    rf"({_TYPES_ALT})\s+(?:số\s+liên tịch|số\s+(?:(?:{_TYPES_ALT})\s+số:?|Số:?)|số:|Số:?)\s+"
)
# Slips of the editors, each found in real notes: "((Điều 13 ...", "Thông tư số ''42/2022/TT-BCT", "Bộ Luật số
# 100/2015/QH13", "50/2022/NĐ_CP".
_NOTE_SLIPS = [
    (re.compile(r"^\(+"), "("),
    (re.compile(r"(\bsố\s+)['‘’\"]+"), r"\1"),
    (re.compile(r"\bBộ Luật\b"), "Bộ luật"),
    (re.compile(r"(\d/[A-ZĐ]+)_([A-ZĐ])"), r"\1-\2"),
]
_OLD_SLASH = re.compile(r"(\d{4}/[A-ZĐ]+)/([A-ZĐ])")
_NOTE_DETAIL_RE = re.compile(
    r"\s*ngày\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+của\s+(?P<issuer>.+?))?\s*$", re.S
)
_AMEND_RE = re.compile(
    rf"((?:(?:Điều|Khoản|Điểm|điều|khoản|điểm)\s+[\w.]+\s*,?\s*)+)\s*({_TYPES_ALT})\s+(?:số\s+)?({NUMBER_PATTERN})"
    r"(?:[^()]*?có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+(?P<ed>\d{1,2})/(?P<em>\d{1,2})/(?P<ey>\d{4}))?"
)


def edition_date(path: Path) -> str | None:
    """``phapdien/2025-02/x.html.gz`` → ``2025-02-01``."""
    m = re.search(r"(\d{4})-(\d{2})", str(path.parent.name))
    return f"{m.group(1)}-{m.group(2)}-01" if m else None


def _text(node: LexborNode) -> str:
    if node.tag == "table":
        if node.css_first("table table") is not None or node.css_first("td table, th table") is not None:
            # nested tables: a row's cells would repeat the inner tables' text at every level
            return "\n".join(t for t in (_clean(x) for x in node.text(separator="\n").split("\n")) if t)
        rows = []
        for tr in node.css("tr"):
            cells = [_clean(td.text(separator=" ")) for td in tr.css("td, th")]
            rows.append(" | ".join(c for c in cells if c))
        return "\n".join(r for r in rows if r)
    if node.tag == "div":
        return "\n".join(t for t in (_clean(p.text(separator="")) for p in node.css("p")) if t)
    return _clean(node.text(separator=""))


def _clean(s: str) -> str:
    """One paragraph on one line: HTML whitespace (and no-break spaces) collapsed."""
    return " ".join(nfc(s).replace("\u200b", "").split())


def parse_note(note: str) -> dict | None:
    """Source document, article, dates and amendments from a Pháp điển note."""
    note = _clean(note)
    for slip, fixed in _NOTE_SLIPS:
        note = slip.sub(fixed, note)
    note = _NOTE_JUNK.sub(r"\1 số ", note)
    note = _OLD_SLASH.sub(r"\1-\2", note)
    m = _NOTE_RE.match(note)
    if not m:
        return None
    num = parse_number(m.group(3))
    if num is None:
        return None
    rest = note[m.end(3) :]  # text after the number
    info: dict = {
        "article": m.group(1),
        "doc_type": m.group(2),
        "number": num.text,
        "title": None,
        "issued": None,
        "issuer": None,
        "effective": None,
        "amendments": [],
    }
    head = rest.partition("có hiệu lực")[0].strip(" ,")
    d = _NOTE_DETAIL_RE.search(head)
    if d:
        info["issued"] = iso_date(d.group("d"), d.group("m"), d.group("y"))
        info["issuer"] = d.group("issuer").strip() if d.group("issuer") else None
        head = head[: d.start()]
    title = head.strip(" ,").rstrip(" .")
    if title.lower().startswith(info["doc_type"].lower() + " "):
        # "Luật số 53/2019/QH14 Luật Lực lượng dự bị động viên": the type again, maybe its number, then the title
        title = title[len(info["doc_type"]) + 1 :]
        title = re.sub(rf"^số\s+{re.escape(num.text)}\s*", "", title)
    if re.match(r"(?i)ngày\b", title):
        title = ""  # "Thông tư số 56/2020/TT-BCT ngày 31 tháng 12 năm 2020": a date in words, no title
    info["title"] = title[:1].upper() + title[1:] if title else None
    eff = EFFECTIVE_RE.search(note)
    if eff:
        info["effective"] = iso_date(eff.group(1), eff.group(2), eff.group(3))
    after = note[eff.end() :] if eff else ""
    prev = 0
    for am in _AMEND_RE.finditer(after):
        by = parse_number(am.group(3))
        if by is None:
            continue
        segment = after[prev : am.start()]
        prev = am.end()
        kind = ", ".join(k for k in ("sửa đổi", "bổ sung", "bãi bỏ", "thay thế") if k in segment) or "sửa đổi"
        date = iso_date(am.group("ed"), am.group("em"), am.group("ey")) if am.group("ey") else None
        info["amendments"].append(
            Amendment(
                target="", by_number=by.text, by_units=am.group(1).strip(" ,"), kind=kind, effective=date
            )
        )
    return info


_MARKUP_CLASSES = ("pDieu", "pChuong", "pGhiChu", "pNoiDung", "pChiDan")


def _blocks(content: LexborNode):
    """The content's blocks in document order: the children of ``div._content``, then what follows that div
    (a stray ``</div>`` in an article's table closes it early: 836 of the 930 articles of one đề mục come
    after it). An element the page leaves open (an ``<em>`` in đề mục 28.2 swallows 492 of its 527 articles)
    holds the following articles inside it, so a wrapper holding articles is opened, not read as one
    paragraph."""
    yield from _opened(content.iter(include_text=True))
    after = []
    node = content.next
    while node is not None:
        after.append(node)
        node = node.next
    yield from _opened(after)


def _opened(nodes) -> Iterator[LexborNode]:
    for node in nodes:
        if node.tag == "-text":
            if (node.text() or "").strip():
                yield node
        elif (node.attributes.get("class") or "") not in _MARKUP_CLASSES and node.css_first(
            "p.pDieu"
        ) is not None:
            yield from _opened(node.iter(include_text=True))
        else:
            yield node


def read_phapdien(path: Path) -> Extract:
    """Read one đề mục file."""
    try:
        check_file(path)
        with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
            html = fh.read(MAX_FILE_BYTES + 1)  # characters: a gzip bomb stops here
        if len(html) > MAX_FILE_BYTES:
            raise InputError(str(path), f"inflates past the limit of {MAX_FILE_BYTES:,} characters per file")
    except (OSError, EOFError) as e:
        raise InputError(str(path), f"not a readable gzip file ({e})") from e
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text ({e.reason} at byte {e.start})") from e
    if html_depth(html, MAX_HTML_DEPTH) > MAX_HTML_DEPTH:
        raise InputError(
            str(path), f"HTML nested more than {MAX_HTML_DEPTH} elements deep: not a Pháp điển page"
        )
    tree = LexborHTMLParser(html)
    content = tree.css_first("div._content")
    if content is None:
        raise InputError(str(path), "no <div class='_content'>: not a Pháp điển đề mục page")
    h3 = tree.css_first("h3")
    topic = _clean(h3.text(separator=" ")) if h3 else None
    if topic:
        topic = re.sub(r"^Đề mục\s+[\d.]+\s*", "", topic).strip() or topic
    source = Source(
        kind="phapdien",
        path=str(path),
        label=f"Pháp điển {path.parent.name}: {topic}",
        date=edition_date(path),
    )
    extract = Extract(source=source, records=[])

    current: dict | None = None

    def flush() -> None:
        """Add the article being read, with the source document and amendments its note gives; rejected (with its
        code) when the note names no source."""
        if current is None:
            return
        info = parse_note(current["note"]) if current["note"] else None
        if info is None:
            extract.rejected.append(f"{current['code']}: no source in note {current['note'][:80]!r}")
            return
        body = "\n".join(x for x in current["lines"] if x)
        num = parse_number(info["number"])
        doc = Document(
            doc_id=info["number"],
            number=info["number"],
            doc_type=info["doc_type"],
            title=info["title"],
            issuer=info["issuer"] or (num.issuer if num else None),
            issued=info["issued"],
            effective=info["effective"],
        )
        amendments = [
            Amendment(
                target=article_address(info["article"]),
                by_number=a.by_number,
                by_units=a.by_units,
                kind=a.kind,
                effective=a.effective,
            )
            for a in info["amendments"]
        ]
        extract.records.append(
            ArticleRecord(
                doc=doc,
                article=info["article"],
                heading=current["heading"],
                body=body,
                note=current["note"],
                code=current["code"],
                topic=topic,
                amendments=amendments,
            )
        )

    for node in _blocks(content):
        cls = node.attributes.get("class") or ""
        if cls == "pDieu":
            flush()
            title = _clean(node.text(separator=""))
            m = _CODE_RE.match(title)
            current = {
                "code": m.group(1) if m else None,
                "heading": (m.group(2) if m else title) or None,
                "note": "",
                "lines": [],
            }
        elif current is None or cls == "pChuong":
            continue
        elif cls == "pGhiChu":
            current["note"] = _clean(node.text(separator=""))
        elif cls == "pChiDan":
            continue
        elif cls == "pNoiDung":
            current["lines"].append(_text(node))
        else:
            current["lines"].append(_text(node))
    flush()  # an empty đề mục (2026-01 has some being re-codified) gives an empty extract, not an error
    return extract
