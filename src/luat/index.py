"""The lexical index (tantivy) over a library's articles.

Text is tokenised here, in Python, the same way for documents and queries: syllables (Vietnamese words
are written as syllables separated by spaces), in a folded field (no tone marks, đ→d, as users type) and
an accented field (to keep đất/đặt apart when the query has its marks), plus folded syllable bigrams as
the phrase signal. tantivy sees whitespace-separated tokens and does BM25.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
from contextlib import suppress
from pathlib import Path

import tantivy

from .faults import pause_point
from .lock import LibraryBusy
from .models import Document
from .parallel import bounded_map, worker_pool
from .progress import bar as progress_bar
from .store import LEGACY_GENERATION, Library, luat_home
from .text import WORD, fold_same_length, folded_syllables, normalize_tones

INDEX_VERSION = "3"
VERSION_FILE = "luat-index-version"
GENERATION_FILE = "luat-generation"  # the library generation the index was built from; written last


def syllables(text: str) -> list[str]:
    """Lower-case syllables with tone marks in one placement."""
    return WORD.findall(normalize_tones(text).lower())


def bigrams(tokens: list[str]) -> list[str]:
    """The adjacent pairs of ``tokens``, joined by "_": ["thu", "viec", "lam"] → ["thu_viec", "viec_lam"]."""
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def index_path(library: str) -> Path:
    """The library's current index: a symbolic link to the folder of one generation (see :func:`publish`)."""
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
        sb.add_text_field(
            name,
            stored=name in ("heading_f", "text_f"),
            tokenizer_name="whitespace",
            index_option="freq" if name != "text_f" else "position",
        )
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
    """Writes an index into its generation's own folder (``NAME.g<generation>``); :func:`publish` makes it
    the current one. Until ``finish`` writes the generation file, the folder is a partial build."""

    def __init__(self, library_name: str, generation: str):
        self.t0 = time.time()
        self.library_name = library_name
        self.generation = generation
        self.target = generation_path(library_name, generation)
        if self.target.exists():
            shutil.rmtree(self.target)
        self.target.mkdir(parents=True)
        self.index = tantivy.Index(build_schema(), str(self.target))
        # tantivy indexes on its own threads: add() only queues the document
        self.writer: tantivy.IndexWriter | None = self.index.writer(
            heap_size=256_000_000, num_threads=min(2, os.cpu_count() or 1)
        )
        self.count = 0

    def add(self, fields: dict) -> None:
        """Queue one article (its index fields) for the index."""
        assert self.writer is not None, "the build was abandoned"
        self.writer.add_document(tantivy.Document(**fields))
        self.count += 1

    def finish(self) -> dict:
        """Commit the index and write its version and generation files (the generation last: the build is then
        complete); what was built, with its article count and time."""
        assert self.writer is not None, "the build was abandoned"
        self.writer.commit()
        self.writer.wait_merging_threads()
        (self.target / VERSION_FILE).write_text(INDEX_VERSION)
        _write_synced(self.target / GENERATION_FILE, self.generation)  # last: the build is complete
        return {
            "library": self.library_name,
            "articles": self.count,
            "seconds": round(time.time() - self.t0, 1),
            "path": str(index_path(self.library_name)),
            "generation": self.generation,
        }

    def abandon(self) -> None:
        """Remove the partial build: the writer's threads stopped first (what they had queued dropped), or they
        would go on writing segment files into the folder being removed and leave it behind."""
        writer, self.writer = self.writer, None
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.rollback()
            with contextlib.suppress(Exception):
                writer.wait_merging_threads()
        del writer
        for _ in range(5):
            shutil.rmtree(self.target, ignore_errors=True)
            if not self.target.exists():
                break
            time.sleep(0.1)


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def generation_path(library: str, generation: str) -> Path:
    """Where the index of one generation of a library is built."""
    return luat_home() / "indexes" / f"{library}.g{generation}"


def built_generation(path: Path) -> str | None:
    """The generation a complete index folder was built from; None when partial, missing or of another
    version of luat."""
    try:
        if (path / VERSION_FILE).read_text().strip() != INDEX_VERSION:
            return None
        return (path / GENERATION_FILE).read_text().strip() or None
    except OSError:
        return None


def publish(library: str, generation: str) -> None:
    """Make the built index of ``generation`` the library's current one: ``indexes/NAME`` is a symbolic link,
    replaced by rename (atomic), so a reader sees the old index or the new one, never none. Then remove the
    other generations and what interrupted builds left. Call it holding the library's writer lock."""
    link = index_path(library)
    target = generation_path(library, generation)
    if built_generation(target) != generation:
        raise FileNotFoundError(f"no complete index of generation {generation} at {target}")
    tmp = link.with_name(f".{library}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(target.name, tmp)
    if link.is_dir() and not link.is_symlink():  # an index from before generations: a folder, moved aside
        link.rename(link.with_name(f"{library}.legacy"))
    os.replace(tmp, link)
    _fsync_dir(link.parent)
    clean_leftovers(library, keep=generation)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_leftovers(library: str, keep: str | None) -> list[Path]:
    """Remove the index folders of ``library`` other than generation ``keep``: older generations, partial
    builds of interrupted ingests, folders of older layouts. Holding the writer lock, none is being built.
    A server still reading a removed generation keeps its open files until it reloads (POSIX)."""
    removed = []
    for p in _leftovers(library, keep):
        if p.is_symlink() or p.is_file():
            p.unlink(missing_ok=True)
        else:
            shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def _leftovers(library: str, keep: str | None) -> list[Path]:
    root = luat_home() / "indexes"
    if not root.is_dir():
        return []
    mine = re.compile(
        rf"{re.escape(library)}\.(g[0-9a-f]{{32}}|g{LEGACY_GENERATION}|building|old|legacy)"
        rf"|\.{re.escape(library)}\.link-\d+"
    )
    return [p for p in root.iterdir() if mine.fullmatch(p.name) and p.name != f"{library}.g{keep}"]


def doc_meta(doc: Document) -> tuple:
    """What the index needs of a document's metadata: (name, title, type, year, issuer)."""
    return doc.name, doc.title, doc.doc_type or "", doc.year or 0, doc.issuer or ""


def write_index(library: Library, generation: str, progress: bool = True) -> dict:
    """Build the index of ``library``'s articles (as its connection sees them: inside an ingest's transaction,
    what it is about to commit) into the folder of ``generation``; :func:`publish` makes it current."""
    builder = IndexBuilder(library.name, generation)
    try:
        metas = {d.doc_id: doc_meta(d) for d in library.documents_metadata()}
        topics = library.article_topics()
        total = library.count_articles()
        bar = progress_bar(total, "Lập chỉ mục", progress)

        def chunks():
            """The library's articles as index rows, 500 at a time."""
            batch = []
            for a in library.all_articles():
                batch.append(_article_row(a, metas[a.doc_id], topics))
                if len(batch) == 500:
                    yield batch
                    batch = []
            if batch:
                yield batch

        with worker_pool(min(2, os.cpu_count() or 1)) as pool:
            for prepared in bounded_map(pool, prepare_fields, chunks(), window=6):
                for fields in prepared:
                    builder.add(fields)
                bar.update(len(prepared))
                pause_point("index")
        bar.close()
        return builder.finish()
    except BaseException:
        builder.abandon()
        raise


# Above this share of the library's documents touched, an ingest rebuilds its index rather than update a copy.
UPDATE_SHARE = 0.2


def update_index(library: Library, generation: str, base: str, doc_ids: set[str]) -> dict:
    """The index of ``generation`` as a copy of the complete index of generation ``base`` in which the
    articles of ``doc_ids`` are replaced by what ``library``'s connection now holds: a one-file ingest into
    a large library costs seconds instead of a rebuild. The copy is of hard links: tantivy never rewrites
    a segment file (it writes new ones and replaces ``meta.json`` by rename), so the base stays intact for
    the readers that have it open."""
    t0 = time.time()
    source = generation_path(library.name, base)
    target = generation_path(library.name, generation)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        for f in source.iterdir():
            if f.name not in (VERSION_FILE, GENERATION_FILE) and not f.name.startswith(".tantivy-"):
                os.link(f, target / f.name)
        index = tantivy.Index(build_schema(), str(target))
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        count = 0
        for doc_id in sorted(doc_ids):
            writer.delete_documents_by_term("doc_id", doc_id)
            for fields in prepare_fields(list(_article_rows(library, doc_id))):
                writer.add_document(tantivy.Document(**fields))
                count += 1
            pause_point("index")
        writer.commit()
        writer.wait_merging_threads()
        (target / VERSION_FILE).write_text(INDEX_VERSION)
        _write_synced(target / GENERATION_FILE, generation)  # last: the build is complete
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return {
        "library": library.name,
        "articles": count,
        "updated_documents": len(doc_ids),
        "seconds": round(time.time() - t0, 1),
        "path": str(index_path(library.name)),
        "generation": generation,
    }


def _article_rows(library: Library, doc_id: str):
    """One document's articles as :func:`prepare_fields` takes them."""
    doc = library.document_metadata(doc_id)
    if doc is None:
        return
    meta = doc_meta(doc)
    topics = library.article_topics(doc_id)
    for a in library.articles_of(doc_id):
        yield _article_row(a, meta, topics)


def _article_row(a, meta: tuple, topics: dict) -> tuple:
    """An article as :func:`prepare_fields` takes it: its document's (name, title, type, year, issuer) ``meta`` and
    its đề mục from ``topics``."""
    name, title, doc_type, year, issuer = meta
    return (
        a.doc_id,
        a.article,
        name,
        title,
        a.heading,
        a.text,
        doc_type,
        year,
        issuer,
        topics.get((a.doc_id, a.article)) or "",
    )


def build_index(library: Library, progress: bool = True) -> dict:
    """Rebuild the index of ``library`` from scratch and make it current (``luat index``)."""
    with library.writer_lock():
        generation = library.generation()
        info = write_index(library, generation, progress)
        publish(library.name, generation)
        return info


def ensure_index(library: Library, progress: bool = False, say=None) -> str:
    """Check that the library's current index was built from its current generation; if not (an ingest
    killed or failed after its commit, an index of an older layout, a partial or missing folder), say so and
    repair it: publish the complete build of that generation when one is there, else rebuild. Returns what
    was done: "ok", "published" or "rebuilt"."""
    if built_generation(index_path(library.name)) == library.generation():
        _clean_if_idle(library)
        return "ok"
    say = say or (lambda m: print(m, file=sys.stderr, flush=True))
    try:
        return _repair(library, progress, say)
    except PermissionError as e:
        raise FileNotFoundError(
            f"the search index of library {library.name!r} does not match the library and cannot be "
            f"rebuilt here ({e.strerror}: {e.filename}): run `luat index --library {library.name}`"
        ) from e


def _clean_if_idle(library: Library) -> None:
    """Remove what interrupted builds left, when no writer is at work (one may be building its folder)."""
    current = built_generation(index_path(library.name))
    if current is None or not _leftovers(library.name, current):
        return
    with suppress(LibraryBusy, OSError), library.writer_lock(wait=0):
        clean_leftovers(library.name, keep=built_generation(index_path(library.name)))


def _repair(library: Library, progress: bool, say) -> str:
    with library.writer_lock():  # a writer running now publishes its own index: wait for it, then look again
        generation = library.generation()
        have = built_generation(index_path(library.name))
        if have == generation:
            return "ok"
        if built_generation(generation_path(library.name, generation)) == generation:
            publish(
                library.name, generation
            )  # the ingest committed and was stopped before publishing its index
            return "published"
        why = (
            "chỉ mục thiếu, dở dang hoặc của phiên bản cũ"
            if have is None
            else f"chỉ mục thế hệ {have[:8]}, thư viện thế hệ {generation[:8]}"
        )
        say(f"luat: chỉ mục tìm kiếm không khớp thư viện {library.name} ({why}): đang lập lại")
        write_index(library, generation, progress)
        publish(library.name, generation)
        return "rebuilt"


def prepare_fields(batch: list[tuple]) -> list[dict]:
    """Index fields of a batch of articles (in a worker process)."""
    out = []
    for doc_id, article, name, title, heading, text, doc_type, year, issuer, topic in batch:
        out.append(
            {
                "doc_id": doc_id,
                "article": article,
                "doc_type": doc_type,
                "year": year,
                "issuer_f": " ".join(folded_syllables(issuer)),
                "topic_f": " ".join(folded_syllables(topic)),
                **article_fields(name, title, heading, text),
            }
        )
    return out


def open_index(library: str) -> tantivy.Index:
    """The current search index of ``library``; a FileNotFoundError saying to run ``luat index`` when there is none
    or it is from another version."""
    path = index_path(library)
    if built_generation(path) is None:
        if (path / VERSION_FILE).exists() and (path / VERSION_FILE).read_text().strip() != INDEX_VERSION:
            raise FileNotFoundError(
                f"the search index of {library!r} at {path} is from another version: run `luat index --library {library}`"
            )
        raise FileNotFoundError(
            f"no search index for library {library!r} at {path}: run `luat index --library {library}`"
            " (or `luat ingest`)"
        )
    return tantivy.Index(build_schema(), str(path))
