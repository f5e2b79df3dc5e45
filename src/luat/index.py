"""The lexical index (tantivy) over a library's articles.

Text is tokenised here, in Python, the same way for documents and queries: syllables (Vietnamese words
are written as syllables separated by spaces), in a folded field (no tone marks, đ→d, as users type) and
an accented field (to keep đất/đặt apart when the query has its marks), plus folded syllable bigrams as
the phrase signal. tantivy sees whitespace-separated tokens and does BM25.
"""

from __future__ import annotations

import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import tantivy

from .parallel import bounded_map
from .progress import bar as progress_bar
from .store import Library, luat_home
from .text import WORD, fold_same_length, folded_syllables, normalize_tones

INDEX_VERSION = "3"


def syllables(text: str) -> list[str]:
    """Lower-case syllables with tone marks in one placement."""
    return WORD.findall(normalize_tones(text).lower())


def bigrams(tokens: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def index_path(library: str) -> Path:
    return luat_home() / "indexes" / library


def build_schema(extra_fields: tuple[str, ...] = ()) -> tantivy.Schema:
    """The index schema; ``extra_fields`` adds whitespace-tokenised fields (for experiments)."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("article", stored=True, tokenizer_name="raw")
    sb.add_text_field("doc_type", stored=True, tokenizer_name="raw")
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    for name in ("heading_f", "text_f", "text_a", "bi_f", "title_f", "issuer_f", "topic_f", *extra_fields):
        # the folded heading and text are stored too: the rerank reads them instead of folding articles per query
        sb.add_text_field(name, stored=name in ("heading_f", "text_f"), tokenizer_name="whitespace",
                          index_option="freq" if name != "text_f" else "position")
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
        "bi_f": " ".join(bigrams(all_f)),
        "title_f": " ".join(folded_syllables(f"{doc_name} {doc_title or ''}")),
    }


class IndexBuilder:
    """Writes a new index into a side folder; ``finish`` swaps it in (readers of the old one keep working)."""

    def __init__(self, library_name: str):
        self.t0 = time.time()
        self.library_name = library_name
        self.target = index_path(library_name)
        self.tmp = self.target.with_name(self.target.name + ".building")
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir(parents=True)
        self.index = tantivy.Index(build_schema(), str(self.tmp))
        # tantivy indexes on its own threads: add() only queues the document
        self.writer = self.index.writer(heap_size=256_000_000, num_threads=min(2, os.cpu_count() or 1))
        self.count = 0

    def add(self, fields: dict) -> None:
        self.writer.add_document(tantivy.Document(**fields))
        self.count += 1

    def finish(self) -> dict:
        self.writer.commit()
        self.writer.wait_merging_threads()
        (self.tmp / "luat-index-version").write_text(INDEX_VERSION)
        if self.target.exists():
            old = self.target.with_name(self.target.name + ".old")
            if old.exists():
                shutil.rmtree(old)
            self.target.rename(old)
            self.tmp.rename(self.target)
            shutil.rmtree(old)
        else:
            self.tmp.rename(self.target)
        return {"library": self.library_name, "articles": self.count, "seconds": round(time.time() - self.t0, 1),
                "path": str(self.target)}

    def abandon(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def doc_meta(row) -> tuple:
    """What the index needs of a document row: (name, title, type, year, issuer)."""
    from .models import Document

    doc = Document(doc_id=row["doc_id"], number=row["number"], doc_type=row["doc_type"], title=row["title"], issued=row["issued"])
    return doc.name, row["title"], row["doc_type"] or "", doc.year or 0, row["issuer"] or ""


def build_index(library: Library, progress: bool = True) -> dict:
    """Build the index of ``library`` from scratch from its merged articles."""
    builder = IndexBuilder(library.name)
    metas = {r["doc_id"]: doc_meta(r) for r in library.db.execute("SELECT * FROM documents")}
    topics = {}
    for r in library.db.execute("SELECT doc_id, article, group_concat(DISTINCT topic) AS t FROM versions WHERE topic IS NOT NULL GROUP BY doc_id, article"):
        topics[(r["doc_id"], r["article"])] = r["t"]
    total = library.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    bar = progress_bar(total, "Lập chỉ mục", progress)

    def chunks():
        batch = []
        for row in library.db.execute("SELECT doc_id, article, heading, text FROM articles"):
            name, title, doc_type, year, issuer = metas[row["doc_id"]]
            batch.append((row["doc_id"], row["article"], name, title, row["heading"], row["text"], doc_type, year, issuer,
                          topics.get((row["doc_id"], row["article"])) or ""))
            if len(batch) == 500:
                yield batch
                batch = []
        if batch:
            yield batch

    try:
        with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            for prepared in bounded_map(pool, prepare_fields, chunks(), window=6):
                for fields in prepared:
                    builder.add(fields)
                bar.update(len(prepared))
    except BaseException:
        builder.abandon()
        raise
    bar.close()
    return builder.finish()


def prepare_fields(batch: list[tuple]) -> list[dict]:
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
