"""Readers for article-level JSON corpora.

* ``law_dict.json`` (social-insurance documents): ``{số hiệu: {article: "Điều N. Title\\n text"}}``;
* ALQAC ``law.json``: ``[{"id": law name or số hiệu, "articles": [{"id": "1", "text": "Title\\n\\n body"}]}]``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..models import ArticleRecord, Document, Extract, InputError, Source
from ..sohieu import DOC_TYPES, parse_number
from ..text import nfc
from .common import read_input

_DIEU_HEAD = re.compile(r"^\s*Điều\s+(\d+[a-zđ]?)\s*[.:]?\s*(.*)$")


def _load_json(path: Path):
    raw = read_input(path)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text (invalid byte at offset {e.start})") from e
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from e


def _doc_for(doc_id: str) -> Document:
    num = parse_number(doc_id)
    if num:
        return Document(doc_id=num.text, number=num.text, doc_type=num.doc_type, issuer=num.issuer)
    doc_type = next(
        (t for t in DOC_TYPES if doc_id.lower().startswith(t.lower() + " ") or doc_id.lower() == t.lower()),
        None,
    )
    title = doc_id[len(doc_type) :].strip() if doc_type else doc_id
    title = title[:1].upper() + title[1:] if title else doc_id
    return Document(doc_id=doc_id, doc_type=doc_type, title=title)


def _split_heading(text: str, article: str) -> tuple[str | None, str]:
    """``Điều 5. Title\\nbody`` or ``Title\\n\\nbody`` → (heading, body)."""
    text = nfc(text).replace("\r\n", "\n").strip()
    first, _, rest = text.partition("\n")
    m = _DIEU_HEAD.match(first)
    if m:
        return (m.group(2).strip() or None), rest.strip("\n")
    rest = rest.strip("\n")
    # a heading is a short first line that does not read as a sentence of the body
    if (
        rest
        and len(first) < 250
        and not re.search(r"[.;:,]$", first.strip())
        and not re.match(r"^\d+\.|^[a-zđ]\)", first)
    ):
        return first.strip(), rest
    return None, text


def read_law_dict(path: Path, kind: str = "lawdict") -> Extract:
    """The articles of a law_dict JSON file (``{số hiệu: {article: text}}``), each text's "Điều N. Heading" line as
    its heading; entries without text are rejected, a file without any article is an InputError."""
    data = _load_json(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "expected an object {số hiệu: {article: text}}")
    source = Source(kind=kind, path=str(path), label=f"law_dict: {path.name}")
    extract = Extract(source=source, records=[])
    for number, articles in data.items():
        if not isinstance(articles, dict):
            extract.rejected.append(f"{path}: [{number!r}] is not an object of articles")
            continue
        doc = _doc_for(number)
        for art, text in articles.items():
            if not isinstance(text, str) or not text.strip():
                extract.rejected.append(f"{path}: [{number!r}][{art!r}] has no text")
                continue
            heading, body = _split_heading(text, art)
            extract.records.append(
                ArticleRecord(doc=doc, article=str(art).strip(), heading=heading, body=body)
            )
    if not extract.records:
        raise InputError(str(path), "no article found")
    return extract


def read_alqac(path: Path, kind: str = "alqac") -> Extract:
    """The articles of an ALQAC JSON file (a list of ``{"id", "articles": [{"id", "text"}]}`` laws); malformed
    entries are rejected, a file without any article is an InputError."""
    data = _load_json(path)
    if not isinstance(data, list):
        raise InputError(str(path), 'expected a list of {"id", "articles"} laws')
    source = Source(kind=kind, path=str(path), label=f"ALQAC: {path.name}")
    extract = Extract(source=source, records=[])
    for i, law in enumerate(data):
        if (
            not isinstance(law, dict)
            or not isinstance(law.get("id"), str)
            or not isinstance(law.get("articles"), list)
        ):
            extract.rejected.append(f"{path}: [{i}] lacks a string 'id' or a list 'articles'")
            continue
        doc = _doc_for(law["id"].strip())
        doc.doc_id = law["id"].strip() if parse_number(law["id"]) is None else doc.doc_id
        for j, art in enumerate(law["articles"]):
            if (
                not isinstance(art, dict)
                or not str(art.get("id", "")).strip()
                or not isinstance(art.get("text"), str)
            ):
                extract.rejected.append(f"{path}: [{i}].articles[{j}] lacks 'id' or 'text'")
                continue
            heading, body = _split_heading(art["text"], str(art["id"]))
            extract.records.append(
                ArticleRecord(doc=doc, article=str(art["id"]).strip(), heading=heading, body=body)
            )
    if not extract.records:
        raise InputError(str(path), "no article found")
    return extract


def sniff_json(path: Path) -> str | None:
    """ "lawdict" or "alqac" by the shape of the file's start, without parsing all of it."""
    with path.open("rb") as fh:
        head = fh.read(2048).decode("utf-8-sig", errors="ignore").lstrip()
    if head.startswith("["):
        return "alqac"
    if head.startswith("{"):
        return "lawdict"
    return None
