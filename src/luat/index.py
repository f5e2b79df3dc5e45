"""The lexical index (tantivy) over a library's articles.

Text is tokenised here, in Python, the same way for documents and queries: syllables (Vietnamese words
are written as syllables separated by spaces), in a folded field (no tone marks, đ→d, as users type) and
an accented field (to keep đất/đặt apart when the query has its marks), plus folded syllable bigrams as
the phrase signal. tantivy sees whitespace-separated tokens and does BM25.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import tantivy

from .progress import bar as progress_bar
from .store import Library, luat_home
from .text import fold_same_length, normalize_tones

INDEX_VERSION = "2"
_WORD = re.compile(r"[^\W_]+")


def syllables(text: str) -> list[str]:
    """Lower-case syllables with tone marks in one placement."""
    return _WORD.findall(normalize_tones(text).lower())


def folded_syllables(text: str) -> list[str]:
    return _WORD.findall(fold_same_length(text))


def bigrams(tokens: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def index_path(library: str) -> Path:
    return luat_home() / "indexes" / library


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("article", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_type", stored=True, tokenizer_name="raw")
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    for name in ("heading_f", "text_f", "text_a", "bi_f", "title_f", "issuer_f", "topic_f"):
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq" if name != "text_f" else "position")
    return sb.build()


def article_fields(doc_name: str, doc_title: str | None, heading: str | None, text: str) -> dict[str, str]:
    """The searchable fields of one article. One tokenisation serves every field: the accented syllables,
    folded by one translate of their joined string (folding keeps lengths, so tokens stay aligned)."""
    head_a = syllables(heading or "")
    body_a = syllables(text)
    head_joined = " ".join(head_a)
    all_joined = head_joined + " " + " ".join(body_a) if head_a else " ".join(body_a)
    head_f_joined = fold_same_length(head_joined)
    all_f_joined = fold_same_length(all_joined)
    all_f = all_f_joined.split()
    return {
        "heading_f": head_f_joined,
        "text_f": all_f_joined,
        "text_a": all_joined,
        "bi_f": " ".join(map("_".join, zip(all_f, all_f[1:], strict=False))),
        "title_f": " ".join(folded_syllables(f"{doc_name} {doc_title or ''}")),
    }


def build_index(library: Library, progress: bool = True) -> dict:
    """Build the index of ``library`` from scratch into a new folder and swap it in (readers keep working)."""
    t0 = time.time()
    target = index_path(library.name)
    tmp = target.with_name(target.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    schema = build_schema()
    index = tantivy.Index(schema, str(tmp))
    writer = index.writer(heap_size=256_000_000, num_threads=min(2, os.cpu_count() or 1))
    docs = {r["doc_id"]: r for r in library.db.execute("SELECT * FROM documents")}
    topics = {}
    for r in library.db.execute("SELECT doc_id, article, group_concat(DISTINCT topic) AS t FROM versions WHERE topic IS NOT NULL GROUP BY doc_id, article"):
        topics[(r["doc_id"], r["article"])] = r["t"]
    total = library.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    bar = progress_bar(total, "Lập chỉ mục", progress)
    from .models import Document

    def chunks():
        batch = []
        for row in library.db.execute("SELECT doc_id, article, heading, text FROM articles"):
            d = docs[row["doc_id"]]
            doc = Document(doc_id=d["doc_id"], number=d["number"], doc_type=d["doc_type"], title=d["title"], issued=d["issued"])
            batch.append((row["doc_id"], row["article"], doc.name, d["title"], row["heading"], row["text"], d["doc_type"] or "",
                          doc.year or 0, d["issuer"] or "", topics.get((row["doc_id"], row["article"])) or ""))
            if len(batch) == 500:
                yield batch
                batch = []
        if batch:
            yield batch

    n = 0
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for prepared in pool.map(_prepare, chunks()):
            for fields in prepared:
                writer.add_document(tantivy.Document(**fields))
            n += len(prepared)
            bar.update(len(prepared))
    writer.commit()
    writer.wait_merging_threads()
    bar.close()
    (tmp / "luat-index-version").write_text(INDEX_VERSION)
    if target.exists():
        old = target.with_name(target.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old)
    else:
        tmp.rename(target)
    return {"library": library.name, "articles": n, "seconds": round(time.time() - t0, 1), "path": str(target)}


def _prepare(batch: list[tuple]) -> list[dict]:
    """Index fields of a batch of articles (in a worker process)."""
    out = []
    for doc_id, article, name, title, heading, text, doc_type, year, issuer, topic in batch:
        out.append({"doc_id": doc_id, "article": article, "doc_type": doc_type, "year": year,
                    "issuer_f": " ".join(folded_syllables(issuer)), "topic_f": " ".join(folded_syllables(topic)),
                    **article_fields(name, title, heading, text)})
    return out


def open_index(library: str) -> tantivy.Index:
    path = index_path(library)
    version = path / "luat-index-version"
    if version.exists() and version.read_text().strip() != INDEX_VERSION:
        raise FileNotFoundError(f"the search index of {library!r} at {path} is from another version: run `luat index --library {library}`")
    if not version.exists():
        raise FileNotFoundError(f"no search index for library {library!r} at {path}: run `luat index --library {library}`"
                                " (or `luat ingest`)")
    return tantivy.Index(build_schema(), str(path))
