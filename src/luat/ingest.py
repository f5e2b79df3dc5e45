"""Ingest: find the files, read each with its reader (in worker processes), write them to a library in one
transaction, and merge the versions of each touched document."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cite.find import find_references, reference_to_json
from .cite.link import link_documents, record_repeals, relink_missing
from .faults import pause_point
from .index import (
    UPDATE_SHARE,
    IndexBuilder,
    built_generation,
    doc_meta,
    generation_path,
    index_path,
    prepare_fields,
    publish,
    update_index,
    write_index,
)
from .limits import MAX_ARTICLE_CHARS
from .models import Document, Extract, InputError
from .parallel import bounded_map, worker_pool
from .progress import bar as progress_bar
from .readers.common import check_file
from .readers.jsonlaw import read_alqac, read_law_dict, sniff_json
from .readers.official import DOCX_SUFFIXES, HTML_SUFFIXES, TEXT_SUFFIXES, read_official
from .readers.phapdien import read_phapdien
from .store import Library, body_hash, merge_document
from .structure import parse_body


def data_dir() -> Path:
    """Where the shared corpora live: ``$LUAT_DATA``, default ``../shared/data`` from the project root."""
    env = os.environ.get("LUAT_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *here.parents]:
        cand = parent.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    return Path("../shared/data")


def default_paths(data: Path | None = None) -> list[Path]:
    """The default library: both Pháp điển editions, the 110 official laws, the social-insurance texts and the
    laws of 2024-2026 (the law in force today)."""
    data = data or data_dir()
    return [
        data / "phapdien" / "2025-02",
        data / "phapdien" / "2026-01",
        data / "vlc-2021",
        data / "bhxh",
        data / "laws-2024-2026",
    ]


ALQAC_LIBRARIES = {
    "alqac2024": "alqac/2024/law/law.json",
    "alqac2022": "alqac/2022-2023/raw/V1.1/additional_data/ALQAC_2022_training_data/law.json",
}


def expand(paths: list[Path]) -> list[Path]:
    """The files under the given paths, in a stable order (hidden files skipped); a file luat cannot
    read is kept, so that the report names it."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            # a corpus's MANIFEST.json describes its files; it is not one of them
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.name != "MANIFEST.json"
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


def read_file(path: Path) -> Extract:
    """Pick the reader by the file's name and content."""
    if not path.exists():
        raise InputError(str(path), "no such file")
    check_file(path)  # a FIFO or a device would block the reader
    name = path.name.lower()
    if name.endswith(".html.gz"):
        return read_phapdien(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        kind = sniff_json(path)
        if kind == "alqac":
            return read_alqac(path)
        if kind == "lawdict":
            return read_law_dict(path)
        raise InputError(str(path), "JSON that is neither a law_dict object nor an ALQAC law list")
    if suffix in (*TEXT_SUFFIXES, *HTML_SUFFIXES, *DOCX_SUFFIXES):
        return read_official(path, kind="official" if _is_corpus(path) else "user")
    raise InputError(
        str(path),
        f"unrecognised file type {suffix or '(none)'!r}: expected .html.gz, .json, .txt, .html or .docx",
    )


def _is_corpus(path: Path) -> bool:
    try:
        path.resolve().relative_to(data_dir().resolve())
        return True
    except ValueError:
        return False


def _read_safely(path: Path) -> tuple[Path, Extract | None, str | None]:
    """Read and prepare one file (in a worker process); errors become messages, never exceptions."""
    try:
        extract = read_file(path)
        for rec in extract.records:
            _cut_long_body(rec, extract)
            rec.clauses = [u.label for u in parse_body(rec.body) if u.kind == "khoan"]
            rec.body_hash = body_hash(rec.body)
        return path, extract, None
    except InputError as e:
        return path, None, str(e)
    except Exception as e:  # a reader bug must not stop the batch
        return path, None, f"{path}: cannot be read ({type(e).__name__}: {e})"


def _cut_long_body(rec, extract: Extract) -> None:
    """An article past MAX_ARTICLE_CHARS (a whole unstructured file read as one Điều) is cut at a line end,
    with a warning: every answer or page that quotes it would otherwise carry all of it."""
    if len(rec.body) <= MAX_ARTICLE_CHARS:
        return
    cut = rec.body.rfind("\n", 0, MAX_ARTICLE_CHARS)
    cut = cut if cut > 0 else MAX_ARTICLE_CHARS
    extract.rejected.append(
        f"Điều {rec.article} has {len(rec.body):,} characters, over the limit of "
        f"{MAX_ARTICLE_CHARS:,}: cut to its first {cut:,}"
    )
    rec.src_end = (rec.src_end or 0) - (len(rec.body) - cut) if rec.src_end is not None else None
    rec.body = rec.body[:cut]


@dataclass
class IngestReport:
    """What an ingest did to a library: files read, documents, articles, units and versions stored, files rejected,
    passages that could not be read, repeal statements, the index, and seconds per phase."""

    library: str
    files: int = 0
    documents: int = 0
    articles: int = 0
    units: int = 0
    versions: int = 0
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    index: dict | None = None
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase: read, merge, link, index
    repealed: int = 0  # documents of the library that another says are no longer in force (statements read)
    t0: float = field(default_factory=time.time, repr=False)

    def as_dict(self) -> dict:
        """The report as JSON, with the first 20 warnings as examples."""
        return {
            "library": self.library,
            "files": self.files,
            "documents": self.documents,
            "articles": self.articles,
            "units": self.units,
            "versions": self.versions,
            "repeal_statements": self.repealed,
            "rejected_files": self.rejected,
            "warnings": len(self.warnings),
            "warning_examples": self.warnings[:20],
            "seconds": round(self.seconds, 1),
            "index": self.index,
            "phases": {k: round(v, 1) for k, v in self.phases.items()},
        }


def ingest(
    paths: list[Path],
    library: Library,
    *,
    workers: int | None = None,
    progress: bool = True,
    after_write: Callable[[Library, set[str]], None] | None = None,
    build_index_now: bool = True,
) -> IngestReport:
    """Read ``paths`` and write them into ``library`` in one transaction with its new search index.

    Holding the library's writer lock, the ingest stamps a new generation and builds the index of that
    generation in its own folder *before* committing; after the commit the index is published (an atomic
    rename). Killed or failing before the commit, it leaves the library and its index as they were (the
    partial folder is removed by the next writer); killed between the commit and the publication, the next
    open publishes the complete build (:func:`luat.index.ensure_index`)."""
    with library.writer_lock():
        generation = None
        # the current index, when it matches the library, is the base a small ingest updates
        base: str | None = library.generation()
        base = base if built_generation(index_path(library.name)) == base else None
        try:
            with library.transaction():
                generation = library.stamp_generation()
                report = _write_all(
                    paths, library, generation, workers, progress, after_write, build_index_now, base
                )
                pause_point("commit")
        except BaseException:
            if generation is not None:
                shutil.rmtree(generation_path(library.name, generation), ignore_errors=True)
            raise
        pause_point("publish")
        if build_index_now:
            publish(library.name, generation)
    stats = library.stats()
    report.documents, report.articles = stats["documents"], stats["articles"]
    report.units, report.versions = stats["units"], stats["versions"]
    report.seconds = time.time() - report.t0
    return report


def _write_all(
    paths: list[Path],
    library: Library,
    generation: str,
    workers: int | None,
    progress: bool,
    after_write: Callable[[Library, set[str]], None] | None,
    build_index_now: bool,
    base: str | None = None,
) -> IngestReport:
    """Inside the ingest's transaction: read, write and merge, link, then build the index of ``generation``."""
    t0 = time.time()
    files = expand(paths)
    report = IngestReport(library=library.name, files=len(files), t0=t0)
    workers = workers or min(os.cpu_count() or 1, 4)
    touched: set[str] = set()
    fresh = library.count_documents() == 0
    bar = progress_bar(len(files), "Đọc và ghi tệp", progress)
    if workers > 1 and len(files) > 1:
        with worker_pool(workers) as pool:
            for path, extract, error in bounded_map(pool, _read_safely, files, window=8):
                touched |= _take(library, path, extract, error, report)
                bar.update(1)
                pause_point("read")
    else:
        for f in files:
            touched |= _take(library, *_read_safely(f), report)
            bar.update(1)
            pause_point("read")
    bar.close()
    report.phases["read"] = time.time() - t0
    pause_point("merge")
    bar = progress_bar(len(touched), "Hợp nhất văn bản", progress)
    # a library ingested from empty gets its search index built on the way (the merge workers prepare
    # the fields); otherwise the index is rebuilt from the merged articles once they are linked
    builder = IndexBuilder(library.name, generation) if fresh and build_index_now else None
    metas = {d.doc_id: doc_meta(d) for d in library.documents_metadata()} if builder else {}
    payloads = ((doc_id, library.versions_of(doc_id), metas.get(doc_id)) for doc_id in sorted(touched))
    if workers > 1 and len(touched) > 20:
        with worker_pool(workers) as pool:
            for doc_id, merged, fields in bounded_map(pool, _merge, payloads, window=64):
                library.write_merged(doc_id, merged)
                for index_fields in fields:
                    assert (
                        builder is not None
                    )  # fields are prepared only for a builder (no metas without one)
                    builder.add(index_fields)
                bar.update(1)
    else:
        for payload in payloads:
            doc_id, merged, fields = _merge(payload)
            library.write_merged(doc_id, merged)
            for index_fields in fields:
                assert builder is not None  # fields are prepared only for a builder (no metas without one)
                builder.add(index_fields)
            bar.update(1)
    bar.close()
    report.phases["merge"] = time.time() - t0 - report.phases["read"]
    pause_point("link")
    link_documents(library, sorted(touched))
    relink_missing(library, linked=touched)
    relink_missing(library, "consultation_refs")
    report.repealed = record_repeals(library)
    report.phases["link"] = time.time() - t0 - report.phases["read"] - report.phases["merge"]
    if after_write is not None:
        after_write(library, touched)
    t_index = time.time()
    if builder is not None:
        pause_point("index")
        report.index = builder.finish()
    elif build_index_now and base is not None and len(touched) <= UPDATE_SHARE * _count_documents(library):
        pause_point("index")
        report.index = update_index(library, generation, base, touched)
    elif build_index_now:
        report.index = write_index(library, generation, progress=progress)
    report.phases["index"] = time.time() - t_index
    return report


def _count_documents(library: Library) -> int:
    return library.count_documents()


def _found_references(text: str) -> str:
    return json.dumps([reference_to_json(r) for r in find_references(text)], ensure_ascii=False)


def _merge(payload: tuple[str, list[dict], tuple | None]) -> tuple[str, tuple[list, list] | None, list[dict]]:
    """Merge one document, find the references of its articles and, when asked (``meta``), prepare their
    index fields (in a worker process)."""
    doc_id, versions, meta = payload
    merged = merge_document(doc_id, versions, _found_references) if versions else None
    fields = []
    if merged is not None and meta is not None:
        name, title, doc_type, year, issuer = meta
        topics: dict[str, str] = {}
        for v in versions:
            if v.get("topic"):
                topics.setdefault(v["article"], v["topic"])
        batch = [
            (doc_id, a[1], name, title, a[2], a[3], doc_type, year, issuer, topics.get(a[1], ""))
            for a in merged[0]
        ]
        fields = prepare_fields(batch)
    return doc_id, merged, fields


def _take(
    library: Library, path: Path, extract: Extract | None, error: str | None, report: IngestReport
) -> set[str]:
    if error is not None or extract is None:
        report.rejected.append(error or f"{path}: unreadable")
        return set()
    report.warnings += [f"{path.name}: {w}" for w in extract.rejected]
    return _write(library, extract)


def _write(library: Library, ex: Extract) -> set[str]:
    touched = library.remove_source(ex.source.path)
    sid = library.add_source(ex.source.kind, ex.source.path, ex.source.label, ex.source.date)
    # one upsert per document, with what all of its records know (Pháp điển names a document's title and
    # issue date only in the note of its Điều 1)
    docs: dict[str, Document] = {}
    for rec in ex.records:
        known = docs.setdefault(rec.doc.doc_id, replace(rec.doc))
        for f in ("number", "doc_type", "title", "issuer", "issued", "effective", "status"):
            if getattr(known, f) is None and getattr(rec.doc, f) is not None:
                setattr(known, f, getattr(rec.doc, f))
    for doc in docs.values():
        library.upsert_document(doc)
    rows = []
    for rec in ex.records:
        doc = rec.doc
        date = ex.source.date or doc.issued
        rows.append(
            (
                doc.doc_id,
                rec.article,
                sid,
                date,
                rec.heading,
                rec.body,
                rec.body_hash or body_hash(rec.body),
                json.dumps(rec.clauses or []),
                json.dumps(rec.context, ensure_ascii=False) if rec.context else None,
                rec.note,
                rec.code,
                rec.topic,
                rec.src_start,
                rec.src_end,
            )
        )
        if rec.amendments:
            library.add_amendments(doc.doc_id, rec.amendments, sid)
    library.add_versions(rows)
    for doc_id, outline in ex.outline.items():
        library.add_outline(doc_id, outline, sid)
    return touched | set(docs)
