"""Reader for documents in the official layout: plain text (the ``vlc-2021`` laws, ``bhxh`` texts) and a
user's own ``.txt``, ``.html`` or ``.docx`` file."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..limits import MAX_DOCX_INFLATED, MAX_HTML_DEPTH
from ..models import ArticleRecord, Document, Extract, InputError, Source
from ..sohieu import parse_number
from ..structure import parse_text
from ..text import nfc
from . import consolidated
from .common import html_depth, read_input

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)


def load_text(path: Path) -> str:
    """The document's text, one paragraph a line, NFC; errors name the file and what is wrong."""
    raw = read_input(path)
    suffix = path.suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return _docx_text(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            str(path), f"not UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset {e.start})"
        ) from e
    if "\x00" in text:
        raise InputError(str(path), "binary content (NUL bytes), not a text document")
    if suffix in HTML_SUFFIXES:
        text = _html_text(text, str(path))
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def _html_text(html: str, name: str = "<html>") -> str:
    from selectolax.lexbor import LexborHTMLParser

    if html_depth(html, MAX_HTML_DEPTH) > MAX_HTML_DEPTH:
        raise InputError(
            name, f"HTML nested more than {MAX_HTML_DEPTH} elements deep: not a document luat can read"
        )
    tree = LexborHTMLParser(html)
    for tag in tree.css("script, style"):
        tag.decompose()
    body = tree.body or tree.root
    if body is None:  # the parser gives every document a root, even an empty one: defensive
        raise InputError(name, "HTML without a document body: not a document luat can read")
    lines = []
    for node in body.css("p, h1, h2, h3, h4, h5, h6, li, tr, div"):
        if node.tag == "div" and node.css_first("p, div, table, li"):
            continue
        if node.tag == "tr":
            cells = [" ".join(td.text(separator=" ").split()) for td in node.css("td, th")]
            line = " | ".join(c for c in cells if c)
        else:
            if node.parent is not None and node.parent.tag in ("li", "td", "th"):
                continue
            line = " ".join(node.text(separator="").split())
        if line:
            lines.append(line)
    if not lines:
        lines = [" ".join(x.split()) for x in body.text(separator="\n").split("\n") if x.strip()]
    return "\n".join(lines)


def _docx_text(path: Path) -> str:
    try:
        import docx
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise InputError(str(path), "python-docx is not installed") from e
    _check_docx_size(path)
    try:
        d = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:  # PackageNotFoundError is an Exception only
        raise InputError(str(path), f"not a valid .docx file ({e})") from e
    except Exception as e:
        if type(e).__name__ != "PackageNotFoundError":
            raise
        raise InputError(str(path), "not a valid .docx file (not a Word package)") from e
    lines = [" ".join(p.text.split()) for p in d.paragraphs]
    return nfc("\n".join(x for x in lines if x))


def _check_docx_size(path: Path) -> None:
    """A .docx is a zip: refuse one that is not, or that would inflate past MAX_DOCX_INFLATED, from its
    directory alone, before anything is extracted."""
    try:
        with zipfile.ZipFile(path) as z:
            inflated = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise InputError(str(path), f"not a valid .docx file (not a zip archive: {e})") from e
    if inflated > MAX_DOCX_INFLATED:
        raise InputError(
            str(path), f".docx inflates to {inflated:,} bytes (limit {MAX_DOCX_INFLATED:,}): refused"
        )


def read_official(path: Path, *, kind: str = "official", doc_id: str | None = None) -> Extract:
    """Read a whole document in the official layout."""
    text = load_text(path)
    vbhn = consolidated.clean(text) if consolidated.is_consolidated(text) else None
    if vbhn is not None:
        text = vbhn.text  # the law's words without the footnotes, which become amendment notes
    parsed = parse_text(text)
    if not parsed.articles:
        raise InputError(str(path), "no 'Điều N.' article found: not a legal document in the official layout")
    number = parsed.number
    if doc_id is None:
        if number is None:
            # a document without a number is still usable, identified by its name
            if not parsed.title:
                raise InputError(str(path), "no số hiệu ('Số: ...') and no title in the header")
            doc_id = f"{parsed.doc_type or 'Văn bản'} {parsed.title}"
        else:
            doc_id = number
    num = parse_number(number) if number else None
    # the number's suffix names the issuer reliably (QH13 → Quốc hội); the header may be damaged
    issuer = (num.issuer if num and num.issuer and "Liên tịch" not in num.issuer else None) or parsed.issuer
    doc = Document(
        doc_id=doc_id,
        number=number,
        doc_type=parsed.doc_type or (num.doc_type if num else None),
        title=parsed.title,
        issuer=issuer,
        issued=parsed.issued,
        effective=parsed.effective,
    )
    label = f"{'Văn bản gốc' if kind == 'official' else 'Tệp của người dùng'}: {path.name}"
    date = parsed.issued
    if vbhn is not None:
        # a version of the base document as amended at the consolidation's date, not a document of its own
        label = f"Văn bản hợp nhất {vbhn.number or ''} ngày {vbhn.date or '?'}: {path.name}".replace(
            "  ", " "
        )
        date = vbhn.date or parsed.issued
    source = Source(kind=kind, path=str(path), label=label, date=date)
    records = []
    notes = vbhn.footnotes if vbhn is not None else []
    for context, art, body_start in parsed.articles:
        body = text[body_start : art.end].strip("\n")
        amendments = [
            a
            for a in (
                consolidated.amendment_of(f.text, consolidated.unit_path(art, f.at))
                for f in notes
                if art.start <= f.at < art.end
            )
            if a is not None
        ]
        records.append(
            ArticleRecord(
                doc=doc,
                article=art.label,
                heading=art.heading,
                body=body,
                context=context,
                src_start=art.start,
                src_end=art.end,
                amendments=amendments,
            )
        )
    return Extract(source=source, records=records, outline={doc_id: parsed.outline}, text=text)
