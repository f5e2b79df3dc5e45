"""The domain model: documents, their units, sources, versions and references.

Every stage of the pipeline (readers → structure → store → cite → search → ask) speaks in these types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from .text import POINT_LETTERS, roman_to_int

# Kinds of unit, from the top of a document down. "section" is a numbered section inside an Điều
# (I., II., III. inside Điều 1 of a Quyết định phê duyệt Đề án), cited as "Mục III Điều 1".
KINDS = ("phan", "chuong", "muc", "tieu_muc", "dieu", "section", "khoan", "diem", "tiet")
KIND_NAMES = {
    "phan": "Phần",
    "chuong": "Chương",
    "muc": "Mục",
    "tieu_muc": "Tiểu mục",
    "dieu": "Điều",
    "section": "Mục",
    "khoan": "khoản",
    "diem": "điểm",
    "tiet": "tiết",
}


@dataclass(slots=True)
class Unit:
    """A node of a document's tree: Phần, Chương, Mục, Tiểu mục, Điều, section, Khoản or Điểm.

    ``start``/``end`` are offsets of the unit's text in the text it was parsed from (the article's
    body for units inside an Điều, the whole source text for an Điều and above).
    """

    kind: str
    label: str
    heading: str | None = None
    text: str = ""
    start: int = 0
    end: int = 0
    children: list[Unit] = field(default_factory=list)

    def walk(self):
        """This unit and every unit under it, in document order."""
        yield self
        for c in self.children:
            yield from c.walk()


# Kinds are ``StrEnum``s: a member is its Vietnamese (or snake_case) value wherever it goes — compared with, stored
# in SQLite, written to JSON, formatted — so the stored values and the output are the plain strings they always were.


class Validity(StrEnum):
    """A document's validity on a given day (:meth:`Document.validity`); ``REPEALED`` and ``PRESUMED_LAPSED`` are
    also the status stored on a document once a later document of the library says it is no longer in force."""

    IN_FORCE = "còn hiệu lực"
    NOT_YET_IN_FORCE = "chưa có hiệu lực"
    REPEALED = "hết hiệu lực"
    # A document that details a law which is no longer in force lapses with it, unless the library says otherwise
    # (khoản 3 Điều 154 Luật Ban hành văn bản quy phạm pháp luật 80/2015/QH13): presumed, not stated.
    PRESUMED_LAPSED = "được xem là hết hiệu lực"


class AmendmentKind(StrEnum):
    """What an amendment does to a document or a unit (:attr:`Amendment.kind`)."""

    AMENDED = "sửa đổi"
    SUPPLEMENTED = "bổ sung"
    ABOLISHED = "bãi bỏ"
    REPLACED = "thay thế"
    LAPSED = "hết hiệu lực"
    PRESUMED_LAPSED = "được xem là hết hiệu lực"
    # A unit that takes effect on a date of its own ("Điều 190 và Điều 248 của Luật này có hiệu lực thi hành từ ngày ...")
    EFFECTIVE_FROM = "có hiệu lực"


class ReferenceStatus(StrEnum):
    """How a reference found in a text resolved against the library (:attr:`Reference.status`)."""

    RESOLVED = "resolved"
    AMBIGUOUS = "ambiguous"  # several documents answer to the name: the newest is taken
    NOT_IN_LIBRARY = "not_in_library"  # the document named is not in the library
    UNIT_NOT_FOUND = "unit_not_found"  # the document is, the article, khoản or điểm is not
    UNRESOLVED = "unresolved"  # no document could be told


REPEALED = Validity.REPEALED
PRESUMED_LAPSED = Validity.PRESUMED_LAPSED
PRESUMPTION_BASIS = "khoản 3 Điều 154 Luật Ban hành văn bản quy phạm pháp luật số 80/2015/QH13"
# The kinds of whole-document amendment that end a document, with how a document page puts each. Keyed by str:
# an AmendmentKind is one, and an Amendment.kind read back from the library is a plain str.
REPEAL_KINDS: dict[str, str] = {
    AmendmentKind.LAPSED: "hết hiệu lực",
    AmendmentKind.REPLACED: "bị thay thế",
    AmendmentKind.ABOLISHED: "bị bãi bỏ",
    AmendmentKind.PRESUMED_LAPSED: PRESUMED_LAPSED.value,
}
EFFECTIVE_FROM = AmendmentKind.EFFECTIVE_FROM
# The legal hierarchy of document types: a lower rank states the general rule, and a document amends none above it.
HIERARCHY = {
    t: i
    for i, t in enumerate(
        [
            "Hiến pháp",
            "Bộ luật",
            "Luật",
            "Pháp lệnh",
            "Nghị quyết",
            "Nghị định",
            "Quyết định",
            "Thông tư liên tịch",
            "Thông tư",
        ]
    )
}
IN_FORCE = Validity.IN_FORCE
NOT_YET_IN_FORCE = Validity.NOT_YET_IN_FORCE


@dataclass(slots=True)
class Amendment:
    """What the library knows of a change made to a document or one of its units."""

    target: str  # unit address in the amended document ("dieu-60"), "" for the whole document
    by_number: str  # số hiệu of the amending document
    by_units: str = ""  # "Điều 1, Điều 2" as written in the source
    kind: str = AmendmentKind.AMENDED  # an AmendmentKind (a plain str as read back from the library)
    effective: str | None = None  # ISO date

    @property
    def repeals(self) -> bool:
        """Whether it ends the whole document (not a change to one of its units)."""
        return not self.target and self.kind in REPEAL_KINDS

    def describe(self) -> str:
        """In Vietnamese: "Văn bản đã hết hiệu lực từ 2023-01-01 theo Điều 156 văn bản 08/2022/QH15", "Điều 60:
        sửa đổi bởi Điều 1 văn bản 12/2017/QH14 (từ 2018-01-01)"."""
        by = f"{self.by_units} văn bản {self.by_number}".strip()
        when = f" từ {self.effective}" if self.effective else ""
        if self.repeals and self.kind == PRESUMED_LAPSED:
            return (
                f"Văn bản {PRESUMED_LAPSED}{when} vì văn bản số {self.by_number} mà nó quy định chi tiết đã hết "
                f"hiệu lực ({self.by_units})"
            )
        if self.repeals:
            return f"Văn bản đã {REPEAL_KINDS[self.kind]}{when} theo {by}"
        if self.kind == EFFECTIVE_FROM:
            return f"{citation_of(parse_address(self.target))} có hiệu lực{when} theo {by}"
        where = citation_of(parse_address(self.target)) if self.target else "văn bản"
        return f"{where}: {self.kind} bởi {by}" + (f" ({when.strip()})" if when else "")


@dataclass(slots=True)
class Document:
    """A legal document (văn bản) with its metadata.

    ``doc_id`` is the số hiệu as the issuer writes it (``58/2014/QH13``), or the document's name where it
    has none (the ALQAC laws are identified by name).
    """

    doc_id: str
    number: str | None = None
    doc_type: str | None = None
    title: str | None = None
    issuer: str | None = None
    issued: str | None = None  # ISO date
    effective: str | None = None  # ISO date
    status: str | None = None  # Validity.REPEALED | Validity.PRESUMED_LAPSED once the library says so
    amendments: list[Amendment] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def lapse(self, on: str) -> Amendment | None:
        """The statement that ends the whole document on or before ``on`` (ISO date), if the library has one; one
        that states it over one that presumes it."""
        ends = [a for a in self.amendments if a.repeals and (a.effective or "") <= on]
        ends.sort(key=lambda a: (a.kind == PRESUMED_LAPSED, a.effective or ""))
        return ends[0] if ends else None

    def validity(self, on: str) -> tuple[Validity, Amendment | None]:
        """Whether the document is in force on ``on`` (ISO date): (IN_FORCE | NOT_YET_IN_FORCE | REPEALED |
        PRESUMED_LAPSED, the statement that ended it)."""
        if self.effective and self.effective > on:
            return NOT_YET_IN_FORCE, None
        end = self.lapse(on)
        if end is None:
            return IN_FORCE, None
        return (PRESUMED_LAPSED if end.kind == PRESUMED_LAPSED else REPEALED), end

    @property
    def year(self) -> int | None:
        """The year the document was issued, from its issue date or else its số hiệu ("58/2014/QH13" → 2014); None
        when neither tells."""
        if self.issued:
            return int(self.issued[:4])
        m = re.search(r"/(\d{4})/", self.doc_id)
        return int(m.group(1)) if m else None

    @property
    def name(self) -> str:
        """How a lawyer names it: codes and laws by name and year ("Luật Bảo hiểm xã hội 2014"),
        other documents by type and number ("Nghị định 115/2015/NĐ-CP")."""
        named = self.doc_type in NAMED_TYPES or (self.doc_type is None and self.number is None)
        if self.title and named:
            title = self.title
            if self.doc_type and not title.lower().startswith(self.doc_type.lower()):
                title = f"{self.doc_type} {title[0].upper()}{title[1:]}"
            year = self.year
            return f"{title} {year}" if year and str(year) not in title else title
        if self.doc_type and self.number:
            return f"{self.doc_type} {self.number}"
        return self.doc_id


NAMED_TYPES = ("Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh")


@dataclass(slots=True)
class Source:
    """Where a text came from: a Pháp điển đề mục of one edition, an official text file, a JSON dict."""

    kind: str  # phapdien | official | lawdict | alqac | user
    path: str
    label: str
    date: str | None = None  # the date the source speaks for (edition, or issue date)


@dataclass(slots=True)
class ArticleRecord:
    """One source's text of one Điều (or, for a document without articles, of its whole body)."""

    doc: Document
    article: str  # article number as in the document: "60", "6a"
    heading: str | None
    body: str  # verbatim body without the "Điều N. Heading" line
    context: list[tuple[str, str, str | None]] = field(default_factory=list)  # (kind, label, heading) above
    note: str | None = None  # Pháp điển note (source, amendments)
    code: str | None = None  # Pháp điển code "2.1.LQ.60"
    topic: str | None = None  # Pháp điển đề mục
    src_start: int | None = None  # offsets of the article in the source text, when it has one
    src_end: int | None = None
    amendments: list[Amendment] = field(default_factory=list)
    clauses: list[str] | None = None  # khoản numbers the body holds (filled before storing)
    body_hash: str | None = None


@dataclass(slots=True)
class Extract:
    """What one source file yields: its source description and the article records it holds."""

    source: Source
    records: list[ArticleRecord]
    outline: dict[str, list[Unit]] = field(default_factory=dict)  # doc_id → Phần/Chương/Mục skeleton
    rejected: list[str] = field(default_factory=list)  # parts of the file that could not be read
    text: str | None = None  # the source text that records' src_start/src_end point into


class InputError(ValueError):
    """Input that cannot be read, with the file (or field) and the reason."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


# ---------------------------------------------------------------------------------------------------
# Addresses: "dieu-60-khoan-1-diem-a", "dieu-1-section-iii", "chuong-ii-muc-1".


def label_slug(label: str) -> str:
    """A label as it is written in an address: lower case, "đ" as "dd" ("6đ" → "6dd")."""
    return label.lower().replace("đ", "dd")


def address_of(path: list[tuple[str, str]]) -> str:
    """Stable address of a unit from its path of (kind, label); an Điều starts a fresh address since its
    number is unique in the document."""
    parts: list[str] = []
    for kind, label in path:
        if kind == "dieu":
            parts = []
        parts.append(f"{kind.replace('_', '')}-{label_slug(label)}")
    return "-".join(parts)


def article_address(article: str) -> str:
    """Address of an Điều: "60" → "dieu-60", "6đ" → "dieu-6dd"."""
    return address_of([("dieu", article)])


_ADDR_PART = re.compile(r"(phan|chuong|muc|tieumuc|dieu|section|khoan|diem|tiet)-([0-9a-z]+(?:\.[0-9]+)*)")


def parse_address(address: str) -> list[tuple[str, str]]:
    """The unit path an address names: "dieu-60-khoan-1" → [("dieu", "60"), ("khoan", "1")] (Roman labels upper case
    again, "dd" back to "đ")."""
    out = []
    for m in _ADDR_PART.finditer(address):
        kind = "tieu_muc" if m.group(1) == "tieumuc" else m.group(1)
        label = m.group(2)
        if kind in ("chuong", "section", "phan") and roman_to_int(label) is not None:
            label = label.upper()
        elif kind in ("diem", "tiet"):
            label = label.replace("dd", "đ")
        out.append((kind, label))
    return out


def citation_of(path: list[tuple[str, str]]) -> str:
    """Vietnamese citation of a unit path, most specific first: "điểm a khoản 1 Điều 60"."""
    words = []
    for kind, label in reversed(path):
        if kind in ("phan", "chuong", "muc", "tieu_muc") and any(k == "dieu" for k, _ in path):
            continue
        words.append(f"{KIND_NAMES[kind]} {label}")
    return " ".join(words)


def sort_key(address: str) -> tuple:
    """Natural order of addresses within a document (Điều 6 < Điều 6a < Điều 10)."""
    key = []
    for kind, label in parse_address(address):
        rank = KINDS.index(kind)
        num: tuple
        if re.fullmatch(r"\d+(?:\.\d+)+", label):
            num = (0, 0, "", *(int(x) for x in label.split(".")))  # numbered points: 1.2 < 1.10
        elif kind in ("diem", "tiet"):
            m = re.match(r"([a-zđ])(\d*)", label)
            letter = POINT_LETTERS.index(m.group(1)) if m and m.group(1) in POINT_LETTERS else 99
            num = (letter, int(m.group(2)) if m and m.group(2) else 0, label)
        else:
            r = roman_to_int(label) if kind in ("chuong", "section", "phan") else None
            m = re.match(r"(\d+)(.*)", label)
            num = (
                (r, 0, "") if r is not None else ((int(m.group(1)), 0, m.group(2)) if m else (9999, 0, label))
            )
        key.append((rank, num))
    return tuple(key)


# ---------------------------------------------------------------------------------------------------
# References found in text (the reference engine: find → resolve → annotate/check).


@dataclass(slots=True)
class Target:
    """One provision a reference points to. ``doc`` is the official number (or library id) once resolved."""

    doc: str | None = None
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    section: str | None = None  # "III" in "Mục III Điều 1"
    chapter: str | None = None  # "II" in "Chương II" (with no article)
    address: str | None = None  # unit address once resolved: "dieu-60-khoan-1"
    exists: bool | None = None

    def path(self) -> list[tuple[str, str]]:
        """The unit path of the provision pointed to, highest first: [("dieu", "60"), ("khoan", "1")]; a Chương alone
        when no Điều is named."""
        p: list[tuple[str, str]] = []
        if self.article is None and self.chapter:
            p.append(("chuong", self.chapter))
            return p
        if self.article:
            p.append(("dieu", self.article))
        if self.section:
            p.append(("section", self.section))
        if self.clause:
            p.append(("khoan", self.clause))
        if self.point:
            p.append(("diem", self.point))
        return p

    def as_dict(self) -> dict:
        """The target as JSON: document, Điều, khoản, điểm and Mục."""
        return {
            "doc": self.doc,
            "article": self.article,
            "clause": self.clause,
            "point": self.point,
            "section": self.section,
        }


@dataclass(slots=True)
class DocMention:
    """How a text names a document: by number, by type and name (and year), or as "Luật này"."""

    text: str
    doc_type: str | None = None
    number: str | None = None  # normalised số hiệu when given
    name: str | None = None  # name key (folded, abbreviations expanded), without the year
    year: int | None = None
    this: bool = False  # "Luật này", "Nghị định này"


@dataclass(slots=True)
class Reference:
    """A reference found in a text, with its span in the original text."""

    text: str
    start: int
    end: int
    targets: list[Target] = field(default_factory=list)  # provisions (empty: the whole document)
    doc: DocMention | None = None
    relative: bool = False  # "Điều này", "khoản 2 Điều này": resolved against the enclosing unit
    status: str = ReferenceStatus.UNRESOLVED  # a ReferenceStatus
    message: str | None = None
    candidates: list[str] = field(default_factory=list)  # documents an ambiguous reference may mean
    doc_id: str | None = None  # the document it resolved to

    def as_dict(self) -> dict:
        """The reference as JSON: its words and span, status and message, targets (the whole document when it names
        no provision), and how it names the document."""
        targets = [t.as_dict() for t in self.targets] or (
            [{"doc": self.doc_id, "article": None, "clause": None, "point": None, "section": None}]
            if self.doc_id
            else []
        )
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "message": self.message,
            "targets": targets,
            "document": self.doc.text if self.doc else None,
            **({"candidates": self.candidates} if self.candidates else {}),
        }
