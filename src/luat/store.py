"""The library: an embedded SQLite store of documents, their versions by source, and their merged tree.

One SQLite file per named library under ``$LUAT_HOME/libraries/NAME.sqlite``. Writes happen in one
transaction per ingest, so a killed ingest leaves the library as it was; one writer at a time holds the lock
``NAME.lock`` beside it (``luat/lock.py``). Each write stamps a new *generation* in ``meta``: the search index
carries the generation it was built from, so a library and an index that do not match are seen.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .lock import writer_lock
from .models import Amendment, Document, Unit, address_of, article_address, parse_address, sort_key
from .sohieu import name_aliases, number_key
from .structure import parse_body

if TYPE_CHECKING:
    from .consult import Consultation

SCHEMA_VERSION = "3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sources(
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL UNIQUE, label TEXT, date TEXT);
CREATE TABLE IF NOT EXISTS documents(
    doc_id TEXT PRIMARY KEY, number TEXT, number_key TEXT, doc_type TEXT, title TEXT, issuer TEXT,
    issued TEXT, effective TEXT, status TEXT);
CREATE INDEX IF NOT EXISTS documents_key ON documents(number_key);
CREATE TABLE IF NOT EXISTS aliases(alias TEXT NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY(alias, doc_id));
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, article TEXT NOT NULL, source_id INTEGER NOT NULL,
    date TEXT, heading TEXT, body TEXT NOT NULL, body_hash TEXT NOT NULL, clauses TEXT, context TEXT,
    note TEXT, code TEXT, topic TEXT, src_start INTEGER, src_end INTEGER);
CREATE INDEX IF NOT EXISTS versions_doc ON versions(doc_id, article);
CREATE INDEX IF NOT EXISTS versions_source ON versions(source_id);
CREATE TABLE IF NOT EXISTS outline(
    doc_id TEXT NOT NULL, address TEXT NOT NULL, kind TEXT, label TEXT, heading TEXT, parent TEXT,
    source_id INTEGER, PRIMARY KEY(doc_id, address));
CREATE TABLE IF NOT EXISTS amendments(
    doc_id TEXT NOT NULL, target TEXT, by_number TEXT, by_units TEXT, kind TEXT, effective TEXT, source_id INTEGER);
CREATE INDEX IF NOT EXISTS amendments_doc ON amendments(doc_id);
CREATE TABLE IF NOT EXISTS articles(
    doc_id TEXT NOT NULL, article TEXT NOT NULL, heading TEXT, text TEXT NOT NULL, version_id INTEGER,
    composed INTEGER NOT NULL DEFAULT 0, n_versions INTEGER NOT NULL DEFAULT 1, parent TEXT, ord INTEGER,
    refs TEXT, PRIMARY KEY(doc_id, article));
CREATE TABLE IF NOT EXISTS units(
    doc_id TEXT NOT NULL, address TEXT NOT NULL, article TEXT, kind TEXT NOT NULL, label TEXT NOT NULL,
    heading TEXT, parent TEXT, start INTEGER, end INTEGER, ord INTEGER, PRIMARY KEY(doc_id, address));
CREATE INDEX IF NOT EXISTS units_article ON units(doc_id, article);
CREATE TABLE IF NOT EXISTS refs(
    doc_id TEXT NOT NULL, article TEXT NOT NULL, address TEXT, start INTEGER, end INTEGER, text TEXT,
    mention TEXT, target_doc TEXT, target_address TEXT, status TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS refs_source ON refs(doc_id, article);
CREATE INDEX IF NOT EXISTS refs_target ON refs(target_doc, target_address);
CREATE INDEX IF NOT EXISTS refs_status ON refs(status);
"""

# The generation of a library written before generations were stamped: its index is rebuilt once, as this.
LEGACY_GENERATION = "0"

KIND_PRIORITY = {"user": 4, "official": 3, "phapdien": 2, "lawdict": 1, "alqac": 1}


def luat_home() -> Path:
    """The folder luat keeps its libraries in: ``$LUAT_HOME``, else ``luat`` under ``$XDG_DATA_HOME``
    (``~/.local/share``)."""
    env = os.environ.get("LUAT_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "luat"


def library_path(name: str) -> Path:
    """The SQLite file of the library called ``name`` (``<luat_home>/libraries/NAME.sqlite``); a ValueError for a
    name that is not letters, digits, '-', '_' or '.'."""
    if not name or not all(c.isalnum() or c in "-_." for c in name) or name.startswith("."):
        raise ValueError(f"library name {name!r}: use letters, digits, '-', '_' or '.'")
    return luat_home() / "libraries" / f"{name}.sqlite"


def library_lock(name: str, wait: float | None = None):
    """The writer lock of library ``name``, without opening it (``luat ingest --rebuild`` deletes it first)."""
    return writer_lock(library_path(name).with_suffix(".lock"), f"library {name!r}", wait)


def body_hash(body: str) -> str:
    """Identity of a text up to whitespace: two sources with the same words are one version."""
    return hashlib.sha1(" ".join(body.split()).encode()).hexdigest()[:16]


@dataclass(slots=True)
class StoredUnit:
    """A unit as read back from the library, with its verbatim text."""

    doc: Document
    address: str
    article: str | None
    kind: str
    label: str
    heading: str | None
    text: str
    parent: str | None
    start: int
    end: int


@dataclass(slots=True)
class StoredArticle:
    """An article of the merged tree, as read back: its text, and what the query asked for besides (the
    references found in it, as stored JSON; how many different texts its sources hold; the label of the source
    whose text it is)."""

    doc_id: str
    article: str
    heading: str | None = None
    text: str = ""
    refs: str | None = None
    n_versions: int = 1
    source: str | None = None


@dataclass(slots=True)
class UnitSpan:
    """Where a sub-unit of an article (a khoản, an điểm) sits in the article's text."""

    article: str
    address: str
    start: int
    kind: str | None = None
    label: str | None = None
    end: int | None = None


@dataclass(slots=True)
class StoredReference:
    """A reference made inside a unit of the library, as stored: where it is, what it says, where it points."""

    doc_id: str | None = None
    article: str | None = None
    address: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    mention: str | None = None
    target_doc: str | None = None
    target_address: str | None = None
    status: str | None = None
    message: str | None = None

    def row(self) -> tuple:
        """The reference as a row of the ``refs`` table, in its column order."""
        return (
            self.doc_id,
            self.article,
            self.address,
            self.start,
            self.end,
            self.text,
            self.mention,
            self.target_doc,
            self.target_address,
            self.status,
            self.message,
        )


@dataclass(slots=True)
class MissingReference:
    """A stored reference (of the library or of a consultation) whose document was not in the library."""

    rowid: int
    doc_id: str | None  # the citing document; None for a consultation's citation
    text: str
    target_address: str | None


@dataclass(slots=True)
class VersionEntry:
    """One source's text of an article, told by its date and source label."""

    article: str
    date: str | None
    source: str


class LawAlias(NamedTuple):
    """A name a law or a code answers to."""

    alias: str
    doc_id: str
    issued: str | None


class DocumentTitle(NamedTuple):
    """The type and title of a named document (what the reference finder reads names with)."""

    doc_type: str
    title: str


class DerivedCount(NamedTuple):
    """How many validity statements of one kind the library derived from its texts, and on how many documents."""

    kind: str
    whole: bool  # of whole documents (else of units)
    statements: int
    documents: int
    recorded: bool = (
        False  # from the record of replacements by laws the library lacks (replacements.py), not a text
    )


class LibraryError(RuntimeError):
    """A library file that cannot be opened or read: names the file, says why and how to rebuild it."""

    def __init__(self, name: str, path: Path, why: str):
        rebuild = f"luat ingest --rebuild{'' if name == 'default' else f' --library {name}'}"
        super().__init__(f"library {name!r} at {path}: {why}; rebuild it with `{rebuild}`")


class Library:
    """A named library of documents in one SQLite file."""

    def __init__(self, name: str = "default", path: Path | None = None, readonly: bool = False):
        self.name = name
        self.path = path or library_path(name)
        if readonly and not self.path.exists():
            raise FileNotFoundError(
                f"library {name!r} does not exist at {self.path}: run `luat ingest` first"
            )
        try:
            self.db = self._connect(readonly)
            has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
            version = (
                self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() if has_meta else None
            )
        except sqlite3.DatabaseError as e:
            raise LibraryError(name, self.path, _why(e)) from e
        if readonly and version is None:
            self.db.close()
            raise LibraryError(name, self.path, "the file is empty or holds no luat library")
        if version is not None and version[0] != SCHEMA_VERSION:
            self.db.close()
            raise RuntimeError(
                f"library {name!r} at {self.path} was built by another version of luat (schema "
                f"{version[0]}, expected {SCHEMA_VERSION}): rebuild it with `luat ingest --rebuild`"
            )
        if not readonly and version is None:
            # only a new library is written here: opening one that exists must not wait for its writer
            self.db.executescript(SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES('schema', ?)", (SCHEMA_VERSION,))
        self._doc_cache: dict[str, Document] = {}

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        """A connection; a library in a folder luat may not write to is opened immutable, so that it still
        serves reads (WAL mode, and even a plain read lock, need to write beside the file)."""
        writable = os.access(self.path.parent, os.W_OK) and (
            not self.path.exists() or os.access(self.path, os.W_OK)
        )
        if readonly and not writable:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LibraryError(self.name, self.path, f"cannot create its folder ({e.strerror})") from e
            writable = os.access(self.path.parent, os.W_OK) and (
                not self.path.exists() or os.access(self.path, os.W_OK)
            )
            if not writable and not readonly:
                raise LibraryError(
                    self.name, self.path, "the folder or the file is read-only, so it cannot be written"
                )
            db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            if not readonly:
                db.execute("PRAGMA journal_mode=WAL")  # set once by a writer; it stays in the file
            db.execute("PRAGMA synchronous=NORMAL")
            # readers never wait in WAL mode; a writer's rare moments of exclusive access (a checkpoint) are short
            db.execute("PRAGMA busy_timeout=10000")
        db.row_factory = sqlite3.Row
        return db

    def close(self) -> None:
        """Close the library's database connection."""
        self.db.close()

    def writer_lock(self, wait: float | None = None):
        """The library's exclusive writer lock (a context manager; nested use in one process is free)."""
        return writer_lock(self.path.with_suffix(".lock"), f"library {self.name!r}", wait)

    def generation(self) -> str:
        """The stamp of the library's last write (an ingest, a consult ingest); LEGACY_GENERATION when none."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        except sqlite3.OperationalError:  # no meta table: an empty file opened read-only
            return LEGACY_GENERATION
        return row[0] if row else LEGACY_GENERATION

    def data_version(self) -> int:
        """Changes when another connection commits (cheap: no table is read)."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def stamp_generation(self) -> str:
        """A new generation, inside the caller's transaction: committed with what it stamps, or not at all."""
        generation = uuid.uuid4().hex
        self.db.execute("INSERT OR REPLACE INTO meta VALUES('generation', ?)", (generation,))
        return generation

    @staticmethod
    def delete(name: str) -> None:
        """Remove a library's files (it is derived data: ``luat ingest`` builds it again). The lock file
        stays: a writer waiting on it must keep waiting on the same file."""
        path = library_path(name)
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.unlink()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one write transaction: committed when it ends, rolled back when it raises (the error that
        caused the rollback is the one raised); the document cache is emptied either way."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            # SQLite may have ended the transaction itself (a full disk, an I/O error): a failing ROLLBACK
            # ("no transaction is active") must not take the place of the error that caused it
            if self.db.in_transaction:
                with suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")
        finally:
            self._doc_cache.clear()

    # ------------------------------------------------------------------ writing (inside a transaction)

    def remove_source(self, path: str) -> set[str]:
        """Forget what a source file said; returns the documents it touched."""
        row = self.db.execute("SELECT id FROM sources WHERE path=?", (path,)).fetchone()
        if row is None:
            return set()
        sid = row["id"]
        docs = {
            r[0] for r in self.db.execute("SELECT DISTINCT doc_id FROM versions WHERE source_id=?", (sid,))
        }
        for table in ("versions", "outline", "amendments"):
            self.db.execute(f"DELETE FROM {table} WHERE source_id=?", (sid,))
        self.db.execute("DELETE FROM sources WHERE id=?", (sid,))
        return docs

    def add_source(self, kind: str, path: str, label: str, date: str | None) -> int:
        """Record a source read into the library (its kind: official, phapdien, ...; path; label; date) and return
        its id."""
        cur = self.db.execute(
            "INSERT INTO sources(kind, path, label, date) VALUES(?,?,?,?)", (kind, path, label, date)
        )
        return _last_rowid(cur)

    def upsert_document(self, doc: Document) -> None:
        """Insert, or fill the fields the stored document lacks (first source to know a field wins)."""
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc.doc_id,)).fetchone()
        fields = ("number", "doc_type", "title", "issuer", "issued", "effective", "status")
        if row is None:
            self.db.execute(
                "INSERT INTO documents VALUES(?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.number,
                    number_key(doc.number or doc.doc_id),
                    doc.doc_type,
                    doc.title,
                    doc.issuer,
                    doc.issued,
                    doc.effective,
                    doc.status,
                ),
            )
        else:
            updates = {f: getattr(doc, f) for f in fields if row[f] is None and getattr(doc, f) is not None}
            if updates:
                sets = ", ".join(f"{f}=?" for f in updates)
                self.db.execute(
                    f"UPDATE documents SET {sets} WHERE doc_id=?", (*updates.values(), doc.doc_id)
                )

    def add_versions(self, rows: Iterable[tuple]) -> None:
        """Store rows of the ``versions`` table: one text of an article as one source gives it."""
        self.db.executemany(
            "INSERT INTO versions(doc_id, article, source_id, date, heading, body, body_hash, clauses, context, note,"
            " code, topic, src_start, src_end) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def add_amendments(self, doc_id: str, amendments: Iterable[Amendment], source_id: int) -> None:
        """Store what the source says of a document's amendments (which unit, by which document, how, from when)."""
        self.db.executemany(
            "INSERT INTO amendments VALUES(?,?,?,?,?,?,?)",
            [(doc_id, a.target, a.by_number, a.by_units, a.kind, a.effective, source_id) for a in amendments],
        )

    def add_outline(self, doc_id: str, outline: list[Unit], source_id: int) -> None:
        """Store a document's outline above the Điều (Phần, Chương, Mục, Tiểu mục), each with its address and parent."""
        rows = []

        def walk(u: Unit, path: list[tuple[str, str]], parent: str | None) -> None:
            """Add ``u`` and the outline units under it, stopping at the Điều."""
            if u.kind == "dieu":
                return
            p = path + [(u.kind, u.label)]
            addr = address_of(p)
            rows.append((doc_id, addr, u.kind, u.label, u.heading, parent, source_id))
            for c in u.children:
                walk(c, p, addr)

        for u in outline:
            walk(u, [], None)
        self.db.executemany("INSERT OR REPLACE INTO outline VALUES(?,?,?,?,?,?,?)", rows)

    def versions_of(self, doc_id: str) -> list[dict]:
        """What merging a document needs: its versions with their source kind, as plain dicts."""
        rows = self.db.execute(
            "SELECT v.id, v.article, v.date, v.heading, v.body, v.body_hash, v.clauses, v.context, v.topic, s.kind AS skind"
            " FROM versions v JOIN sources s ON s.id=v.source_id WHERE v.doc_id=?",
            (doc_id,),
        ).fetchall()
        return [dict(r) for r in rows]

    def write_merged(self, doc_id: str, merged: tuple[list, list] | None) -> None:
        """Replace a document's merged tree with ``merged`` (from :func:`merge_document`); ``None`` means the
        document has no version left and goes."""
        self.db.execute("DELETE FROM articles WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM units WHERE doc_id=?", (doc_id,))
        self.db.execute("DELETE FROM refs WHERE doc_id=?", (doc_id,))
        if merged is None:
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            self.db.execute("DELETE FROM aliases WHERE doc_id=?", (doc_id,))
            return
        art_rows, unit_rows = merged
        self.db.executemany("INSERT INTO articles VALUES(?,?,?,?,?,?,?,?,?,?)", art_rows)
        self.db.executemany("INSERT INTO units VALUES(?,?,?,?,?,?,?,?,?,?)", unit_rows)
        self._refresh_document(doc_id)

    def _refresh_document(self, doc_id: str) -> None:
        """The names a document answers to, from its stored metadata."""
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return
        doc = Document(
            doc_id=doc_id,
            number=row["number"],
            doc_type=row["doc_type"],
            title=row["title"],
            issued=row["issued"],
        )
        self.db.execute("DELETE FROM aliases WHERE doc_id=?", (doc_id,))
        aliases = set(name_aliases(doc.doc_type, doc.title, doc.year))
        aliases.add(number_key(doc.number or doc.doc_id))
        self.db.executemany("INSERT OR IGNORE INTO aliases VALUES(?,?)", [(a, doc_id) for a in aliases])

    # ------------------------------------------------------------------ reading

    def document(self, doc_id: str, cached: bool = True) -> Document | None:
        """The document stored under ``doc_id`` with its amendments and sources, or None; read from the cache unless
        ``cached`` is False."""
        if cached and doc_id in self._doc_cache:
            return self._doc_cache[doc_id]
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        if row is None:
            return None
        doc = _document(row)
        doc.amendments = [
            Amendment(
                target=r["target"],
                by_number=r["by_number"],
                by_units=r["by_units"],
                kind=r["kind"],
                effective=r["effective"],
            )
            for r in self.db.execute(
                "SELECT DISTINCT target, by_number, by_units, kind, effective FROM amendments WHERE doc_id=?"
                " ORDER BY effective, target",
                (doc_id,),
            )
        ]
        doc.sources = [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT s.label FROM sources s JOIN versions v ON v.source_id=s.id WHERE v.doc_id=? ORDER BY s.date DESC",
                (doc_id,),
            )
        ]
        self._doc_cache[doc_id] = doc
        return doc

    def find_documents(self, key: str) -> list[str]:
        """Documents whose number key or name alias equals ``key`` (already folded by the caller)."""
        rows = self.db.execute(
            "SELECT doc_id FROM documents WHERE number_key=? UNION SELECT doc_id FROM aliases WHERE alias=?",
            (key, key),
        ).fetchall()
        return [r[0] for r in rows]

    def find_by_bare_number(self, number: str, doc_type: str | None, year: int | None = None) -> list[str]:
        """Documents of ``doc_type`` whose số hiệu starts with ``number`` ("100" → 100/2019/NĐ-CP), of ``year``
        when given."""
        prefix = f"{number}/{year}/" if year else f"{number}/"
        rows = self.db.execute(
            "SELECT doc_id FROM documents WHERE number_key LIKE ? AND (? IS NULL OR doc_type=?)",
            (prefix.replace("%", "") + "%", doc_type, doc_type),
        ).fetchall()
        return [r[0] for r in rows]

    def article_keys(self) -> list[tuple[str, str]]:
        """(doc_id, article) of every article of the library."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT doc_id, article FROM articles")]

    def all_heading_texts(self) -> list[tuple[str, str, str | None, str]]:
        """(doc_id, article, heading, text) of every article of the library, in the library's order."""
        return [
            (r["doc_id"], r["article"], r["heading"], r["text"] or "")
            for r in self.db.execute(
                "SELECT doc_id, article, heading, text FROM articles ORDER BY doc_id, ord"
            )
        ]

    def documents_of_type(self, doc_type: str) -> list[tuple[str, str]]:
        """(doc_id, title) of every document of a type ("Bộ luật"); "" for a missing title."""
        rows = self.db.execute("SELECT doc_id, title FROM documents WHERE doc_type=?", (doc_type,))
        return [(r["doc_id"], r["title"] or "") for r in rows]

    def first_articles(self, doc_id: str, limit: int) -> list[str]:
        """The numbers of a document's first ``limit`` articles, in document order."""
        rows = self.db.execute(
            "SELECT article FROM articles WHERE doc_id=? ORDER BY ord LIMIT ?", (doc_id, limit)
        )
        return [r[0] for r in rows]

    def headings_last_first(self, doc_id: str) -> list[tuple[str, str | None]]:
        """(article, heading) of a document's articles, the last first (where its final provisions are)."""
        rows = self.db.execute(
            "SELECT article, heading FROM articles WHERE doc_id=? ORDER BY ord DESC", (doc_id,)
        )
        return [(r["article"], r["heading"]) for r in rows]

    def clauses_of(self, doc_id: str, article: str) -> list[UnitSpan]:
        """The khoản of an article, in order: label, start and end in the article's text."""
        rows = self.db.execute(
            "SELECT label, start, end FROM units WHERE doc_id=? AND article=? AND kind='khoan' ORDER BY start",
            (doc_id, article),
        )
        return [UnitSpan(article, "", r["start"], "khoan", r["label"], r["end"]) for r in rows]

    def clause_at(self, doc_id: str, article: str, offset: int) -> str | None:
        """The label of the khoản of an article that holds the character at ``offset`` of its text, if any."""
        row = self.db.execute(
            "SELECT label FROM units WHERE doc_id=? AND article=? AND kind='khoan' AND start<=? AND end>?"
            " ORDER BY start DESC LIMIT 1",
            (doc_id, article, offset, offset),
        ).fetchone()
        return row[0] if row else None

    def version_source(
        self, doc_id: str, article: str, on: str | None = None
    ) -> tuple[str | None, str | None]:
        """Date and source label of an article's text: the merged one, or with ``on`` (ISO date) the newest dated
        version on or before it (the merged one when there is none)."""
        if on:
            row = self.db.execute(
                "SELECT v.date, s.label FROM versions v JOIN sources s ON s.id=v.source_id WHERE v.doc_id=?"
                " AND v.article=? AND v.date IS NOT NULL AND v.date<=? ORDER BY v.date DESC LIMIT 1",
                (doc_id, article, on),
            ).fetchone()
            if row:
                return row[0], row[1]
        row = self.db.execute(
            "SELECT v.date, s.label FROM articles a JOIN versions v ON v.id=a.version_id JOIN sources s"
            " ON s.id=v.source_id WHERE a.doc_id=? AND a.article=?",
            (doc_id, article),
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def heading_and_text(self, doc_id: str, article: str) -> tuple[str | None, str] | None:
        """An article's heading and merged text, or None when the document has no such article."""
        row = self.db.execute(
            "SELECT heading, text FROM articles WHERE doc_id=? AND article=?", (doc_id, article)
        ).fetchone()
        return (row["heading"], row["text"] or "") if row else None

    def article_text(self, doc_id: str, article: str) -> str | None:
        """The current text of one Điều of a document, or None when the document has no such article."""
        row = self.db.execute(
            "SELECT text FROM articles WHERE doc_id=? AND article=?", (doc_id, article)
        ).fetchone()
        return row[0] if row else None

    def unit(self, doc_id: str, address: str) -> StoredUnit | None:
        """The unit at ``address`` in a document (a Điều, khoản, điểm, or a Chương or Mục of its outline), or None
        when there is none."""
        row = self.db.execute(
            "SELECT * FROM units WHERE doc_id=? AND address=?", (doc_id, address)
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT * FROM outline WHERE doc_id=? AND address=?", (doc_id, address)
            ).fetchone()
            if row is None:
                return None
            doc = self.document(doc_id)
            assert doc is not None  # an outline row belongs to a stored document
            return StoredUnit(
                doc, address, None, row["kind"], row["label"], row["heading"], "", row["parent"], 0, 0
            )
        return self._stored(row)

    def _stored(self, row: sqlite3.Row, text: str | None = None) -> StoredUnit:
        doc = self.document(row["doc_id"])
        assert doc is not None
        if text is None:
            text = self.article_text(row["doc_id"], row["article"]) or ""
        return StoredUnit(
            doc,
            row["address"],
            row["article"],
            row["kind"],
            row["label"],
            row["heading"],
            text[row["start"] : row["end"]],
            row["parent"],
            row["start"],
            row["end"],
        )

    def children(self, doc_id: str, address: str) -> list[StoredUnit]:
        """The units directly under the unit at ``address`` (an article's khoản, a khoản's điểm), in document order."""
        rows = self.db.execute(
            "SELECT * FROM units WHERE doc_id=? AND parent=? ORDER BY ord", (doc_id, address)
        ).fetchall()
        return [self._stored(r) for r in rows]

    def article_units(self, doc_id: str, article: str) -> list[StoredUnit]:
        """Every unit of one Điều (the article, its khoản and điểm) in document order."""
        text = self.article_text(doc_id, article) or ""
        rows = self.db.execute(
            "SELECT * FROM units WHERE doc_id=? AND article=? ORDER BY ord", (doc_id, article)
        ).fetchall()
        return [self._stored(r, text) for r in rows]

    def versions(self, doc_id: str, article: str) -> list[dict]:
        """Every text of one Điều the library holds, newest first, each with its date, heading, body and the source
        it came from."""
        rows = self.db.execute(
            "SELECT v.id, v.date, v.heading, v.body, v.body_hash, v.note, v.code, v.topic, s.kind, s.label, s.path"
            " FROM versions v JOIN sources s ON s.id=v.source_id WHERE v.doc_id=? AND v.article=?"
            " ORDER BY v.date DESC",
            (doc_id, article),
        ).fetchall()
        return [dict(r) for r in rows]

    def toc(self, doc_id: str) -> list[dict]:
        """Outline and articles in document order: [{kind, label, heading, address, depth}]."""
        outline = {
            r["address"]: dict(r) for r in self.db.execute("SELECT * FROM outline WHERE doc_id=?", (doc_id,))
        }
        arts = self.db.execute(
            "SELECT article, heading, parent FROM articles WHERE doc_id=? ORDER BY ord", (doc_id,)
        ).fetchall()
        out: list[dict] = []
        seen: set[str] = set()

        def depth(addr: str | None) -> int:
            """How many outline units (Phần, Chương, Mục) hold the unit whose parent is ``addr``."""
            d = 0
            while addr and addr in outline:
                d += 1
                addr = outline[addr]["parent"]
            return d

        def emit_chain(addr: str | None) -> None:
            """Add to the table of contents the outline units from ``addr`` up that are not in it yet, outermost
            first."""
            chain = []
            while addr and addr in outline and addr not in seen:
                chain.append(addr)
                addr = outline[addr]["parent"]
            for a in reversed(chain):
                seen.add(a)
                o = outline[a]
                out.append(
                    {
                        "kind": o["kind"],
                        "label": o["label"],
                        "heading": o["heading"],
                        "address": a,
                        "depth": depth(o["parent"]),
                    }
                )

        for a in arts:
            emit_chain(a["parent"])
            out.append(
                {
                    "kind": "dieu",
                    "label": a["article"],
                    "heading": a["heading"],
                    "address": article_address(a["article"]),
                    "depth": depth(a["parent"]),
                }
            )
        return out

    def cites(self, doc_id: str, address: str) -> list[sqlite3.Row]:
        """References made inside a unit (and its sub-units)."""
        art = parse_address(address)
        article = next((lab for k, lab in art if k == "dieu"), None)
        rows = self.db.execute(
            "SELECT * FROM refs WHERE doc_id=? AND article=? ORDER BY start", (doc_id, article)
        ).fetchall()
        return [r for r in rows if r["address"] == address or (r["address"] or "").startswith(address + "-")]

    def cited_by(self, doc_id: str, address: str | None = None) -> list[sqlite3.Row]:
        """References from anywhere in the library to a document or to a unit (or a unit inside it)."""
        if address is None:
            return self.db.execute(
                "SELECT * FROM refs WHERE target_doc=? ORDER BY doc_id, article", (doc_id,)
            ).fetchall()
        return self.db.execute(
            "SELECT * FROM refs WHERE target_doc=? AND (target_address=? OR target_address LIKE ?) ORDER BY doc_id, article",
            (doc_id, address, address + "-%"),
        ).fetchall()

    def citation_counts(self) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        """How many references of the library's other documents reach each document, and each of its articles
        (a khoản or điểm cited counts for its article; a name several documents answer to counts for the newest, the
        one it resolves to): the Bộ luật Lao động's Điều 169 (retirement age) is cited from dozens of decrees, a
        forestry company's statute from none."""
        docs: dict[str, int] = {}
        articles: dict[tuple[str, str], int] = {}
        rows = self.db.execute(
            "SELECT target_doc, target_address, COUNT(*) FROM refs WHERE status IN ('resolved', 'ambiguous')"
            " AND target_doc != doc_id"
            " GROUP BY target_doc, target_address"
        )
        for doc, address, n in rows:
            docs[doc] = docs.get(doc, 0) + n
            article = next((label for kind, label in parse_address(address or "") if kind == "dieu"), None)
            if article is not None:
                articles[(doc, article)] = articles.get((doc, article), 0) + n
        return docs, articles

    def repealed_documents(self) -> dict[str, str]:
        """Documents a later one says are no longer in force, with the date (ISO, "" when unknown)."""
        rows = self.db.execute(
            "SELECT doc_id, MIN(COALESCE(effective, '')) FROM amendments WHERE target='' AND source_id IS NULL GROUP BY doc_id"
        )
        return {r[0]: r[1] for r in rows}

    def stats(self) -> dict:
        """The library's counts: documents, articles, units, versions, references by status, sources by kind,
        documents by type."""
        q = self.db.execute
        return {
            "library": self.name,
            "path": str(self.path),
            "documents": q("SELECT COUNT(*) FROM documents").fetchone()[0],
            "articles": q("SELECT COUNT(*) FROM articles").fetchone()[0],
            "units": q("SELECT COUNT(*) FROM units").fetchone()[0]
            + q("SELECT COUNT(*) FROM outline").fetchone()[0],
            "versions": q("SELECT COUNT(*) FROM versions").fetchone()[0],
            "articles_with_several_texts": q("SELECT COUNT(*) FROM articles WHERE n_versions>1").fetchone()[
                0
            ],
            "articles_merged_per_khoan": q("SELECT COUNT(*) FROM articles WHERE composed=1").fetchone()[0],
            "references": {r[0]: r[1] for r in q("SELECT status, COUNT(*) FROM refs GROUP BY status")},
            "sources": {r[0]: r[1] for r in q("SELECT kind, COUNT(*) FROM sources GROUP BY kind")},
            "by_type": {
                r[0] or "?": r[1]
                for r in q("SELECT doc_type, COUNT(*) FROM documents GROUP BY doc_type ORDER BY 2 DESC")
            },
        }

    # ------------------------------------------------------------------ counts and lists

    def has_table(self, name: str) -> bool:
        """Whether the library file holds table ``name`` (the consultations' tables exist once one was ingested)."""
        return self.db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone() is not None

    def count_documents(self) -> int:
        """The number of documents in the library."""
        return self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count_articles(self, doc_id: str | None = None) -> int:
        """The number of articles of document ``doc_id``, or of the whole library."""
        if doc_id is None:
            return self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM articles WHERE doc_id=?", (doc_id,)).fetchone()[0]

    def document_ids(self) -> list[str]:
        """Every document's id."""
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents")]

    def document_types(self) -> list[str]:
        """The document types the library holds, in alphabetical order (a search filter's choices)."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT doc_type FROM documents WHERE doc_type IS NOT NULL ORDER BY 1"
            )
        ]

    def document_titles(self) -> list[DocumentTitle]:
        """The type and title of every document that has both."""
        rows = self.db.execute(
            "SELECT doc_type, title FROM documents WHERE title IS NOT NULL AND doc_type IS NOT NULL"
        )
        return [DocumentTitle(r[0], r[1]) for r in rows]

    def document_title(self, doc_id: str) -> str | None:
        """The title (trích yếu) of a document the library holds."""
        return self.db.execute("SELECT title FROM documents WHERE doc_id=?", (doc_id,)).fetchone()[0]

    def documents_metadata(self) -> list[Document]:
        """Every document's metadata as stored, without its amendments and sources (uncached: inside an ingest's
        transaction, what it is about to commit)."""
        return [_document(r) for r in self.db.execute("SELECT * FROM documents")]

    def document_metadata(self, doc_id: str) -> Document | None:
        """A document's metadata as stored, without its amendments and sources (uncached)."""
        row = self.db.execute("SELECT * FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _document(row) if row is not None else None

    def law_aliases(self) -> list[LawAlias]:
        """Every name a law or a code answers to, with its document and issue date."""
        return [
            LawAlias(r[0], r[1], r[2])
            for r in self.db.execute(
                "SELECT a.alias, d.doc_id, d.issued FROM aliases a JOIN documents d ON d.doc_id=a.doc_id"
                " WHERE d.doc_type IN ('Luật', 'Bộ luật')"
            )
        ]

    def documents_below_laws(self) -> list[tuple[Document, str]]:
        """The documents that are not a law, a code or the constitution (those that may detail a law), each (id,
        title, type, issue date) with what says its scope: its title, or where it has none, the opening of its first
        article ("Thông tư này quy định chi tiết ... Luật Bảo hiểm xã hội ...")."""
        out = []
        for r in self.db.execute(
            "SELECT d.doc_id, d.title, d.doc_type, d.issued, (SELECT substr(a.text, 1, 400) FROM articles a"
            " WHERE a.doc_id=d.doc_id ORDER BY a.ord LIMIT 1) AS lead FROM documents d"
            " WHERE d.doc_type NOT IN ('Luật', 'Bộ luật', 'Hiến pháp')"
        ):
            doc = Document(doc_id=r["doc_id"], title=r["title"], doc_type=r["doc_type"], issued=r["issued"])
            scope = r["title"] or re.split(r"(?<=[.;:])\s|\n", r["lead"] or "", maxsplit=1)[0]
            if scope:
                out.append((doc, scope))
        return out

    # ------------------------------------------------------------------ articles and units

    def all_articles(self) -> Iterator[StoredArticle]:
        """Every article of the library (id, number, heading, text), read as it is consumed."""
        for r in self.db.execute("SELECT doc_id, article, heading, text FROM articles"):
            yield StoredArticle(r["doc_id"], r["article"], r["heading"], r["text"])

    def articles_of(self, doc_id: str) -> list[StoredArticle]:
        """A document's articles: number, heading, text and the references found in it (stored JSON, or None)."""
        return [
            StoredArticle(doc_id, r["article"], r["heading"], r["text"], r["refs"])
            for r in self.db.execute(
                "SELECT article, heading, text, refs FROM articles WHERE doc_id=?", (doc_id,)
            )
        ]

    def articles_in_order(self, doc_id: str) -> list[StoredArticle]:
        """A document's articles in document order, each with how many different texts its sources hold and the
        label of the source its text comes from."""
        return [
            StoredArticle(
                doc_id, a["article"], a["heading"], a["text"], n_versions=a["n_versions"], source=a["source"]
            )
            for a in self.db.execute(
                "SELECT a.article, a.heading, a.text, a.n_versions, s.label AS source FROM articles a"
                " LEFT JOIN versions v ON v.id=a.version_id LEFT JOIN sources s ON s.id=v.source_id"
                " WHERE a.doc_id=? ORDER BY a.ord",
                (doc_id,),
            )
        ]

    def articles_on_validity(self) -> Iterator[StoredArticle]:
        """The articles that may say another document or unit lapses, is replaced or repealed (id, number, text)."""
        for r in self.db.execute(
            "SELECT doc_id, article, text FROM articles WHERE text LIKE '%hết hiệu lực%'"
            " OR text LIKE '%thay thế%' OR text LIKE '%bãi bỏ%'"
        ):
            yield StoredArticle(r[0], r[1], text=r[2])

    def amending_articles(self) -> Iterator[StoredArticle]:
        """The articles of laws, decrees, circulars, resolutions and ordinances whose heading says they amend,
        supplement or repeal ("Sửa đổi, bổ sung một số điều của ..."): id, number, heading, text."""
        for r in self.db.execute(
            "SELECT a.doc_id, a.article, a.heading, a.text FROM articles a JOIN documents d ON d.doc_id=a.doc_id"
            " WHERE (a.heading LIKE 'Sửa đổi%' OR a.heading LIKE 'Bổ sung%' OR a.heading LIKE 'Bãi bỏ%')"
            " AND d.doc_type IN ('Luật', 'Bộ luật', 'Nghị định', 'Thông tư', 'Nghị quyết', 'Pháp lệnh')"
        ):
            yield StoredArticle(r[0], r[1], r[2], r[3])

    def entry_into_force_articles(self) -> Iterator[StoredArticle]:
        """The articles on a document's entry into force that may give units a date of their own (id, number, text)."""
        for r in self.db.execute(
            "SELECT doc_id, article, text FROM articles WHERE heading LIKE '%hiệu lực%' AND text LIKE '%có hiệu lực%'"
        ):
            yield StoredArticle(r[0], r[1], text=r[2])

    def article_topics(self, doc_id: str | None = None) -> dict[tuple[str, str], str]:
        """The Pháp điển đề mục each article is filed under (comma-joined), by (document, article): of one document,
        or of the whole library."""
        if doc_id is None:
            rows = self.db.execute(
                "SELECT doc_id, article, group_concat(DISTINCT topic) AS t FROM versions"
                " WHERE topic IS NOT NULL GROUP BY doc_id, article"
            )
            return {(r["doc_id"], r["article"]): r["t"] for r in rows}
        rows = self.db.execute(
            "SELECT article, group_concat(DISTINCT topic) AS t FROM versions WHERE doc_id=?"
            " AND topic IS NOT NULL GROUP BY article",
            (doc_id,),
        )
        return {(doc_id, r["article"]): r["t"] for r in rows}

    def unit_spans(self, doc_id: str) -> list[UnitSpan]:
        """The sub-units (below the Điều) of a document's articles, by article and start: where each sits."""
        return [
            UnitSpan(r["article"], r["address"], r["start"], r["kind"], r["label"], r["end"])
            for r in self.db.execute(
                "SELECT article, address, kind, label, start, end FROM units WHERE doc_id=? AND kind!='dieu' ORDER BY article, start",
                (doc_id,),
            )
        ]

    def unit_starts(self, doc_id: str) -> list[UnitSpan]:
        """The sub-units (below the Điều) of a document's articles: article, address and start of each."""
        return [
            UnitSpan(u["article"], u["address"], u["start"])
            for u in self.db.execute(
                "SELECT article, address, start FROM units WHERE doc_id=? AND kind!='dieu'", (doc_id,)
            )
        ]

    def unit_addresses(self, doc_id: str) -> set[str]:
        """The address of every unit of a document: its articles and their sub-units, and the Phần, Chương, Mục above."""
        known = {r[0] for r in self.db.execute("SELECT address FROM units WHERE doc_id=?", (doc_id,))}
        known |= {r[0] for r in self.db.execute("SELECT address FROM outline WHERE doc_id=?", (doc_id,))}
        return known

    def version_dates(self, doc_id: str) -> list[VersionEntry]:
        """Every source's text of a document's articles, newest first: article, date and source label."""
        return [
            VersionEntry(v["article"], v["date"], v["label"])
            for v in self.db.execute(
                "SELECT v.article, v.date, s.label FROM versions v JOIN sources s ON s.id=v.source_id"
                " WHERE v.doc_id=? ORDER BY v.date DESC",
                (doc_id,),
            )
        ]

    def article_body_on(self, doc_id: str, article: str, on: str) -> str | None:
        """The body of an article in its newest dated version on or before ``on`` (ISO date)."""
        row = self.db.execute(
            "SELECT body FROM versions WHERE doc_id=? AND article=? AND date IS NOT NULL AND date<=?"
            " ORDER BY date DESC LIMIT 1",
            (doc_id, article, on),
        ).fetchone()
        return row[0] if row is not None else None

    def article_text_as_of(self, doc_id: str, article: str, as_of: str | None) -> str:
        """The article's current text, or its newest version dated on or before ``as_of`` where it has one ("" for
        an article the library lacks): what an answer quotes on that day."""
        if as_of:
            body = self.article_body_on(doc_id, article, as_of)
            if body is not None:
                return body
        return self.article_text(doc_id, article) or ""

    # ------------------------------------------------------------------ references

    def resolved_references_in(self, doc_id: str) -> list[StoredReference]:
        """The references made in a document that point to a document: article, span and target of each."""
        return [
            StoredReference(
                doc_id,
                r["article"],
                start=r["start"],
                end=r["end"],
                target_doc=r["target_doc"],
                target_address=r["target_address"],
            )
            for r in self.db.execute(
                "SELECT article, start, end, target_doc, target_address FROM refs WHERE doc_id=? AND target_doc IS NOT NULL",
                (doc_id,),
            )
        ]

    def references_from_others(self, doc_id: str, limit: int = 5000) -> list[StoredReference]:
        """References that other documents make to ``doc_id`` (at most ``limit``): the citing document and unit,
        and the unit cited."""
        return [
            StoredReference(
                r["doc_id"], address=r["address"], target_doc=doc_id, target_address=r["target_address"]
            )
            for r in self.db.execute(
                "SELECT doc_id, address, target_address FROM refs WHERE target_doc=? AND doc_id!=? LIMIT ?",
                (doc_id, doc_id, limit),
            )
        ]

    def references_to_missing_documents(self, table: str = "refs") -> list[MissingReference]:
        """The stored references whose document was not in the library: the library's own (``refs``) or the
        consultations' citations (``consultation_refs``); none when that table does not exist."""
        if table not in ("refs", "consultation_refs"):
            raise ValueError(f"no reference table {table!r}")
        if not self.has_table(table):
            return []
        rows = self.db.execute(f"SELECT rowid, * FROM {table} WHERE status='not_in_library'").fetchall()
        return [
            MissingReference(
                r["rowid"], r["doc_id"] if table == "refs" else None, r["text"], r["target_address"]
            )
            for r in rows
        ]

    def retarget_reference(
        self,
        table: str,
        rowid: int,
        target_doc: str | None,
        target_address: str | None,
        status: str,
        message: str | None,
    ) -> None:
        """Point a stored reference (of ``refs`` or ``consultation_refs``) to a new target, with its status."""
        if table not in ("refs", "consultation_refs"):
            raise ValueError(f"no reference table {table!r}")
        self.db.execute(
            f"UPDATE {table} SET target_doc=?, target_address=?, status=?, message=? WHERE rowid=?",
            (target_doc, target_address, status, message, rowid),
        )

    def replace_references(self, doc_id: str, refs: Iterable[StoredReference]) -> None:
        """Forget the references stored for a document's articles and store ``refs`` instead."""
        self.db.execute("DELETE FROM refs WHERE doc_id=?", (doc_id,))
        self.db.executemany("INSERT INTO refs VALUES(?,?,?,?,?,?,?,?,?,?,?)", [r.row() for r in refs])

    # ------------------------------------------------------------------ validity derived from the texts

    def forget_derived_validity(self, statuses: Iterable[str]) -> None:
        """Drop the amendments the library derived from its own texts (those of no source) and the document
        statuses in ``statuses`` set from them: they are about to be derived again."""
        statuses = tuple(statuses)
        self.db.execute("DELETE FROM amendments WHERE source_id IS NULL")
        self.db.execute(
            f"UPDATE documents SET status=NULL WHERE status IN ({','.join('?' * len(statuses))})", statuses
        )

    def add_derived_amendments(self, found: Iterable[tuple[str, Amendment]]) -> None:
        """Record amendments read in the library's texts (no source): (amended document, amendment), in order."""
        self.db.executemany(
            "INSERT INTO amendments VALUES(?,?,?,?,?,?,?)",
            [(doc_id, a.target, a.by_number, a.by_units, a.kind, a.effective, None) for doc_id, a in found],
        )

    def set_document_statuses(self, statuses: Iterable[tuple[str, str]]) -> None:
        """Set the status of documents: (status, document id) pairs, applied in order."""
        self.db.executemany("UPDATE documents SET status=? WHERE doc_id=?", list(statuses))

    def derived_amendment_counts(self) -> list[DerivedCount]:
        """The amendments derived from the library's texts, counted by kind and by whether they end whole documents
        (whole documents first)."""
        return [
            DerivedCount(r[0], bool(r[1]), r[2], r[3], bool(r[4]))
            for r in self.db.execute(
                "SELECT kind, target='' AS whole, COUNT(*), COUNT(DISTINCT doc_id), target='' AND by_units='' AS recorded"
                " FROM amendments WHERE source_id IS NULL GROUP BY kind, whole, recorded ORDER BY whole DESC, recorded, kind"
            )
        ]

    # ------------------------------------------------------------------ copies

    def backup_to(self, path: Path) -> None:
        """A consistent copy of the library into a new file at ``path`` (SQLite's online backup: a snapshot,
        whatever else reads or writes)."""
        dst = sqlite3.connect(path)
        try:
            self.db.backup(dst)
        finally:
            dst.close()


def _document(row: sqlite3.Row) -> Document:
    return Document(
        doc_id=row["doc_id"],
        number=row["number"],
        doc_type=row["doc_type"],
        title=row["title"],
        issuer=row["issuer"],
        issued=row["issued"],
        effective=row["effective"],
        status=row["status"],
    )


# ---------------------------------------------------------------------------------------------------
# Published consultations, stored beside a library (``luat/consult.py`` reads, links and searches them).

CONSULTATION_SCHEMA = """
CREATE TABLE IF NOT EXISTS consultations(
    id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, title TEXT, question TEXT NOT NULL, answer TEXT NOT NULL,
    topic TEXT, date TEXT, url TEXT, source TEXT, grp INTEGER);
CREATE TABLE IF NOT EXISTS consultation_refs(
    consultation_id INTEGER NOT NULL, text TEXT, start INTEGER, end INTEGER, target_doc TEXT, target_address TEXT,
    status TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS consultation_refs_target ON consultation_refs(target_doc, target_address);
"""


@dataclass(slots=True)
class ConsultationCitation:
    """A citation in a consultation's answer, resolved against the library."""

    text: str
    start: int
    end: int
    target_doc: str | None
    target_address: str | None
    status: str
    message: str | None


@dataclass(slots=True)
class StoredConsultation:
    """A published consultation as stored, with the group of near-duplicate questions it belongs to."""

    id: int
    key: str
    title: str | None
    question: str
    answer: str
    topic: str | None
    date: str | None
    url: str | None
    source: str | None
    grp: int | None


class ConsultingQuestion(NamedTuple):
    """A consultation that cites a unit: the unit's address, the consultation (its id, when asked for), its
    question and the page it was published on (when asked for)."""

    target_address: str
    id: int | None
    question: str
    url: str | None


class ConsultationStore:
    """The consultations' tables in a library's file."""

    def __init__(self, library: Library, create: bool = True):
        self.library = library
        self.db = library.db
        if create:
            self.db.executescript(CONSULTATION_SCHEMA)

    def exists(self) -> bool:
        """Whether the library holds at least one consultation (without creating the tables)."""
        return (
            self.library.has_table("consultations")
            and self.db.execute("SELECT 1 FROM consultations LIMIT 1").fetchone() is not None
        )

    def replace(self, c: Consultation, citations: Iterable[ConsultationCitation]) -> int:
        """Store a consultation and its citations in place of any stored under the same key; returns its id."""
        self.db.execute(
            "DELETE FROM consultation_refs WHERE consultation_id IN (SELECT id FROM consultations WHERE key=?)",
            (c.key,),
        )
        self.db.execute("DELETE FROM consultations WHERE key=?", (c.key,))
        cur = self.db.execute(
            "INSERT INTO consultations(key, title, question, answer, topic, date, url, source)"
            " VALUES(?,?,?,?,?,?,?,?)",
            (c.key, c.title, c.question, c.answer, c.topic, c.date, c.url, c.source),
        )
        cid = _last_rowid(cur)
        self.db.executemany(
            "INSERT INTO consultation_refs VALUES(?,?,?,?,?,?,?,?)",
            [
                (cid, r.text, r.start, r.end, r.target_doc, r.target_address, r.status, r.message)
                for r in citations
            ],
        )
        return cid

    def questions(self) -> list[tuple[int, str]]:
        """Every consultation's id and question, by id."""
        return [
            (r["id"], r["question"])
            for r in self.db.execute("SELECT id, question FROM consultations ORDER BY id")
        ]

    def question_groups(self) -> list[tuple[str, int | None]]:
        """Every consultation's question and its group of near-duplicates."""
        return [(r["question"], r["grp"]) for r in self.db.execute("SELECT question, grp FROM consultations")]

    def set_groups(self, groups: Iterable[tuple[int, int]]) -> None:
        """Set the group of consultations: (group, consultation id) pairs."""
        self.db.executemany("UPDATE consultations SET grp=? WHERE id=?", list(groups))

    def all(self, ordered: bool = False) -> list[StoredConsultation]:
        """Every consultation (by id when ``ordered``)."""
        sql = "SELECT * FROM consultations" + (" ORDER BY id" if ordered else "")
        return [StoredConsultation(**dict(r)) for r in self.db.execute(sql).fetchall()]

    def get(self, cid: int) -> StoredConsultation:
        """The consultation of id ``cid``."""
        return StoredConsultation(
            **dict(self.db.execute("SELECT * FROM consultations WHERE id=?", (cid,)).fetchone())
        )

    def citations(self, cid: int) -> list[ConsultationCitation]:
        """The citations of a consultation's answer."""
        return [
            ConsultationCitation(
                r["text"],
                r["start"],
                r["end"],
                r["target_doc"],
                r["target_address"],
                r["status"],
                r["message"],
            )
            for r in self.db.execute(
                "SELECT * FROM consultation_refs WHERE consultation_id=?", (cid,)
            ).fetchall()
        ]

    def citing_ids(self, doc_id: str, address: str | None = None) -> list[int]:
        """The consultations whose answer cites a document, or a unit of it (or a unit inside that unit)."""
        sql = "SELECT DISTINCT consultation_id FROM consultation_refs WHERE target_doc=?"
        args: list = [doc_id]
        if address:
            sql += " AND (target_address=? OR target_address LIKE ?)"
            args += [address, address + "-%"]
        return [r[0] for r in self.db.execute(sql, args)]

    def citing_units(self, doc_id: str) -> list[ConsultingQuestion]:
        """For each unit of a document that consultations cite, those consultations: unit, id and question."""
        return [
            ConsultingQuestion(r["target_address"], r["id"], r["question"], None)
            for r in self.db.execute(
                "SELECT DISTINCT r.target_address, c.id, c.question FROM consultation_refs r JOIN consultations c"
                " ON c.id=r.consultation_id WHERE r.target_doc=? AND r.target_address IS NOT NULL",
                (doc_id,),
            )
        ]

    def questions_citing_units(self, doc_id: str) -> list[ConsultingQuestion]:
        """The distinct questions (with their page) that cite each unit of a document; none when the library has
        no consultation tables."""
        if not self.library.has_table("consultation_refs"):
            return []
        return [
            ConsultingQuestion(r["target_address"], None, r["question"], r["url"])
            for r in self.db.execute(
                "SELECT DISTINCT r.target_address, c.question, c.url FROM consultation_refs r JOIN consultations c"
                " ON c.id=r.consultation_id WHERE r.target_doc=? AND r.target_address IS NOT NULL",
                (doc_id,),
            )
        ]


def _why(e: sqlite3.DatabaseError) -> str:
    msg = str(e)
    if "not a database" in msg:
        return "the file is not a SQLite database (empty, truncated or overwritten)"
    if "malformed" in msg:
        return "the file is corrupt (truncated or damaged)"
    if "unable to open" in msg:
        return "the file cannot be opened (a read-only or missing folder?)"
    return f"the file cannot be read ({msg})"


def merge_document(doc_id: str, versions: list[dict], find=None) -> tuple[list, list]:
    """Merge a document's versions into rows for ``articles`` and ``units``: per article the newest source
    wins; where the newest sources hold only some khoản of an article (Pháp điển quotes an article under
    several đề mục), they are merged per khoản. ``find(text)`` gives the references of each article's
    text (stored as JSON, resolved later). Pure: runs in worker processes."""
    by_article: dict[str, list[dict]] = {}
    for v in versions:
        by_article.setdefault(v["article"], []).append(v)
    art_rows, unit_rows = [], []
    for article, vs in by_article.items():
        text, heading, version_id, composed, context = merge_versions(vs)
        n_versions = len({v["body_hash"] for v in vs})
        addr = article_address(article)
        parent = address_of([(k, lab) for k, lab, _h in context]) if context else None
        refs = find(text) if find is not None else None
        art_rows.append((doc_id, article, heading, text, version_id, composed, n_versions, parent, refs))
        units = [(doc_id, addr, article, "dieu", article, heading, parent, 0, len(text))]
        for u, path in _walk_units(parse_body(text), [("dieu", article)]):
            units.append(
                (
                    doc_id,
                    address_of(path),
                    article,
                    u.kind,
                    u.label,
                    u.heading,
                    address_of(path[:-1]),
                    u.start,
                    u.end,
                )
            )
        unit_rows.append(units)
    # document order: articles by number (6 < 6a < 10), units inside an article as parsed
    order = sorted(range(len(art_rows)), key=lambda i: sort_key(article_address(art_rows[i][1])))
    arts, flat = [], []
    for rank, i in enumerate(order):
        a = art_rows[i]
        arts.append((*a[:8], rank, a[8]))
        flat += [(*u, rank * 10000 + k) for k, u in enumerate(unit_rows[i])]
    return arts, flat


def _walk_units(units: list[Unit], path: list[tuple[str, str]]):
    for u in units:
        p = path + [(u.kind, u.label)]
        yield u, p
        yield from _walk_units(u.children, p)


def _last_rowid(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just added (sqlite sets it on every INSERT)."""
    if cur.lastrowid is None:
        raise RuntimeError("sqlite gave no row id for the row just inserted")
    return cur.lastrowid


def _clause_order(label: str) -> tuple[int, str]:
    m = re.match(r"(\d+)(.*)", label)
    return (int(m.group(1)), m.group(2)) if m else (10**6, label)


def merge_versions(versions: list[dict]) -> tuple[str, str | None, int, int, list]:
    """Choose or compose the current text of one article from its versions.

    Versions are grouped by date (a Pháp điển edition, an official text's issue date); the newest group
    wins, and inside it the khoản that several sources each hold (Pháp điển splits an article across đề
    mục) are merged. When the newest sources quote the article only from some khoản on (no khoản 1, no
    lead-in), the khoản before that come from the newest older version that has them: a partial quote is
    not a repeal. Every khoản is kept verbatim. Returns (text, heading, version id, composed?, context)."""

    def rank(v: dict) -> tuple:
        """How a version ranks: newest date first, then the more authoritative source, then the longer text."""
        return (v["date"] or "", KIND_PRIORITY.get(v["skind"], 0), len(v["body"]))

    ordered = sorted(versions, key=rank, reverse=True)
    best = ordered[0]
    heading = next((v["heading"] for v in ordered if v["heading"]), None)
    context: list = next((json.loads(v["context"]) for v in ordered if v["context"]), [])
    group = [v for v in ordered if (v["date"] or "") == (best["date"] or "")]
    older = [v for v in ordered if v not in group]
    clause_sets = [json.loads(v["clauses"] or "[]") for v in group]
    union = {c for cs in clause_sets for c in cs}
    first_held = min(union, key=_clause_order) if union else None
    partial = first_held is not None and _clause_order(first_held)[0] > 1 and not _lead_in(best["body"])
    if not partial and (len(group) == 1 or not union or set(clause_sets[0]) >= union):
        return best["body"], heading, best["id"], 0, context
    parts: dict[str, str] = {}
    intro = ""
    for v in group + (older if partial else []):
        units = parse_body(v["body"])
        if not intro:
            intro = _lead_in(v["body"], units)
        for u in units:
            if u.kind != "khoan" or u.label in parts:
                continue
            # a version outside the group is read only when partial, and then first_held is set
            if v in group or (first_held is not None and _clause_order(u.label) < _clause_order(first_held)):
                parts[u.label] = u.text
    if partial and set(parts) == union and not intro:
        return best["body"], heading, best["id"], 0, context  # no older source holds the missing khoản
    body = "\n".join(([intro] if intro else []) + [parts[c] for c in sorted(parts, key=_clause_order)])
    return body, heading, best["id"], 1, context


def _lead_in(body: str, units: list[Unit] | None = None) -> str:
    """The text of an article before its first khoản ("Trong Luật này, các từ ngữ ... như sau:")."""
    units = parse_body(body) if units is None else units
    first = units[0].start if units else len(body)
    return body[:first].strip()
