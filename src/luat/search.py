"""Search: from a plain question, a số hiệu or "Điều 60 luật bhxh" to ranked articles.

Query understanding, in order:
1. a reference with a document ("Điều 60 Luật BHXH 2014", "115/2015/NĐ-CP") goes straight to that unit,
   or restricts the search to that document;
2. question phrasing ("cho tôi hỏi", "được quy định như thế nào", "có được không") is dropped;
3. legal abbreviations are expanded (BHXH → bảo hiểm xã hội);
4. terms are searched folded (users type without marks) and, when the query has its marks, accented too,
   so đất/đặt and hưởng/hướng are not confused; syllable bigrams reward phrases;
5. a question for a definition ("X là gì?", "thế nào là X", "khái niệm X") goes first to the provisions that
   define X ("3. X: là ...", "X (còn gọi là ...) là ..."), usually an article "Giải thích từ ngữ" that BM25
   ranks low because it is long and defines many things.
"""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass, field

import numpy as np
import tantivy

from .choose import best_passages, telling_weights
from .cite import Context, Resolver, find_references, library_names
from .cite.check import unread_units
from .embed import Embedding
from .index import bigrams, open_index, syllables
from .limits import MAX_K, MAX_QUERY_CHARS
from .models import HIERARCHY, Document, citation_of, parse_address
from .rank import Candidate, Models, features, models_dir
from .sohieu import ABBREVIATIONS, number_key
from .store import Library
from .text import WORD, fold, fold_same_length, folded_syllables, normalize
from .vocabulary import (
    EFFECT_HEADING,
    GLOSSARY_HEADING,
    QUESTION_PHRASES,
    STOP,
    armed_forces_regime,
    asks_about_armed_forces,
    asks_about_court,
    in_law_terms,
    procedural_code,
)


@dataclass
class Filters:
    """What a search is narrowed to: a document type, issuer, year, topic (đề mục), documents in force, one document,
    and the day the law is read on."""

    doc_type: str | None = None  # loại văn bản
    issuer: str | None = None  # cơ quan ban hành (words)
    year: int | None = None
    topic: str | None = None  # đề mục (words)
    in_force: bool = False
    doc_id: str | None = None
    as_of: str | None = None  # the day the law is asked about (ISO); None: today


@dataclass
class Hit:
    """One article a search found: its document, Điều and score, its heading and citation, the khoản that best
    matches and a snippet, and how it was reached."""

    doc: Document
    article: str
    score: float
    heading: str | None
    citation: str
    clause: str | None = None  # the best-matching khoản
    snippet: str = ""
    exact: bool = False  # reached through a reference in the query
    defines: bool = False  # its khoản ``clause`` defines the term the question asks about
    # what the question asks about: the question holds its heading (3 syllables or more) as a phrase, or asks about
    # criminal liability and this is the criminal code's article on the act; its other words need not be in it
    asked_about: bool = False
    # what the learned ranker read of it (rank.FEATURES) and its score there, when the library has trained models
    features: list[float] | None = field(default=None, repr=False)
    rank_score: float | None = None

    def as_dict(self, on: str | None = None) -> dict:
        """The hit as JSON: its citation, score, snippet and the document's metadata, with the document's validity on
        ``on`` (ISO date; today without it)."""
        status, end = self.doc.validity(on or time.strftime("%Y-%m-%d"))
        return {
            "doc": self.doc.number or self.doc.doc_id,
            "doc_id": self.doc.doc_id,
            "article": self.article,
            "validity": {
                "status": status,
                "since": end.effective if end else None,
                "by": f"{end.by_units} {end.by_number}".strip() if end else None,
                "note": end.describe() if end else None,
            },
            "clause": self.clause,
            "score": round(self.score, 4),
            "citation": self.citation,
            "heading": self.heading,
            "snippet": self.snippet,
            "exact": self.exact,
            "defines": self.defines,
            "asked_about": self.asked_about,
            "document": {
                "name": self.doc.name,
                "type": self.doc.doc_type,
                "issuer": self.doc.issuer,
                "issued": self.doc.issued,
                "effective": self.doc.effective,
                "title": self.doc.title,
            },
        }


@dataclass(slots=True)
class CandidateRow:
    """One article the lexical search (or the embedding) offers for a question, as the hand-written rerank adjusts
    it and the learned ranker reads it (:class:`rank.Candidate`)."""

    score: float  # the rule score: the index's score at the repealed documents' weight, plus the rerank's bonuses
    doc_id: str  # the document's id in the library
    article: str  # the Điều's label
    text: str  # folded syllables of the article's text, one space apart (as indexed)
    heading: str  # folded syllables of its heading, one space apart
    held: bool  # the question holds its heading (3 syllables or more) as a phrase; set by the rerank
    bm25: float  # the index's score at the repealed documents' weight, never reranked
    doc_type: str | None  # loại văn bản of its document
    in_force: bool  # its document is in force on the day asked about
    # the question's content words its text holds, as the rerank found them (None before it): the ranker's features
    # read them rather than look again
    holds: frozenset[str] | None = None


@dataclass
class ParsedQuery:
    """A query as search reads it: its content words (folded and with marks), the documents and units it names, those
    the library lacks, the term it asks to define and the words of the sentence that asks."""

    text: str
    terms: list[str]  # folded content syllables
    accented: list[str]  # accented content syllables ([] when the query has no marks)
    doc_ids: list[str] = field(default_factory=list)  # documents named in the query
    units: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, address) named in the query
    missing: list[str] = field(
        default_factory=list
    )  # documents named in the query that the library lacks (messages)
    missing_units: list[str] = field(default_factory=list)  # units named that their document lacks (messages)
    defined: list[str] | None = (
        None  # folded syllables of the term the question asks to define (definition_term)
    )
    asked: list[str] | None = (
        None  # terms of the sentence that asks, when the text has others around it (asking_sentence)
    )
    # the question in the library's embedding, once the search has read it (None without one)
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long, a bad date, year or k); its message, in Vietnamese, is shown
    to the user."""


_QUESTION_RE = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, QUESTION_PHRASES)) + r")(?![^\W_])")


def strip_question_phrasing(text: str) -> str:
    """The question without its phrasing ("cho tôi hỏi", "được quy định như thế nào"), marks kept. Phrases
    are found on the folded text, whose offsets are the original's."""
    text = normalize(text)
    kept, pos = [], 0
    for m in _QUESTION_RE.finditer(fold_same_length(text)):
        kept.append(text[pos : m.start()])
        pos = m.end()
    kept.append(text[pos:])
    return " ".join(" ".join(kept).split())


# after a document's name: the one in force ("luật BHXH mới", "mới nhất", "hiện hành", "hiện nay")
_IN_FORCE_QUALIFIER = r"(?:\s+(?:mới nhất|mới|hiện hành|hiện nay|moi nhat|moi|hien hanh|hien nay)(?![^\W_]))?"

_SENTENCE_END = re.compile(r"(?<=[?.!])\s+")


def asking_sentence(text: str) -> str | None:
    """The sentence that asks, where a question comes with greetings and a story around it ("... được quy định
    như thế nào? xin chào ban biên tập, tôi là ..."): the first sentence ending in "?" with three words of its own
    beside the question phrasing; None for a text of one sentence or with no such sentence."""
    sentences = _SENTENCE_END.split(text.strip())
    if len(sentences) < 2:
        return None
    return next((s for s in sentences if s.endswith("?") and len(content_terms(s)) >= 3), None)


# where a letter numbers its questions: "1) ...", "2. ...", "thứ nhất, ...", "câu hỏi 2: ..." (folded)
_QUESTION_MARK = re.compile(
    r"(?:^|(?<=\s))(?:\(?[1-5]\)|[1-5][.:/](?!\d)|thu (?:nhat|hai|ba|tu)\b[,:]?|cau(?: hoi)? [1-5][:.)])\s*"
)
# what closes a letter after its last question
_CLOSING = re.compile(
    r"\s*(?:(?:xin |tran trong |em |toi )?(?:chan thanh )?cam on\b|tran trong\b|kinh thu\b)"
)


def asked_questions(text: str, most: int = 3) -> list[str]:
    """The questions of a letter that asks several ("Xin hỏi: 1) ... 2) ...", "thứ nhất, ...; thứ hai, ...", or
    two sentences of its own that end in "?"), each as written, the greetings and thanks after them left out;
    [] when the text asks one thing. Linear in the text."""
    text = text.strip()
    folded = fold_same_length(text).lower()
    marks = list(_QUESTION_MARK.finditer(folded))
    parts: list[str] = []
    if len(marks) >= 2:
        for m, nxt in zip(marks, [*marks[1:], None], strict=True):
            parts.append(text[m.end() : nxt.start() if nxt else len(text)])
    else:
        parts = [s for s in _SENTENCE_END.split(text) if s.endswith("?") and len(content_terms(s)) >= 3]
    closed = []
    for part in parts:
        end = _CLOSING.search(fold_same_length(part).lower())
        part = (part[: end.start()] if end else part).strip(" ;,")
        if len(content_terms(part)) >= 2:
            closed.append(part)
    return closed[:most] if len(closed) >= 2 else []


def content_terms(text: str) -> list[str]:
    """Folded content syllables of a query: question phrasing, abbreviations and stop words dealt with."""
    return [w for w in folded_syllables(clean_query(text)) if w not in STOP]


def clean_query(text: str) -> str:
    """Folded query with question phrasing removed and abbreviations expanded."""
    words = []
    for w in re.findall(r"[^\W_]+|\S", strip_question_phrasing(text)):
        exp = ABBREVIATIONS.get(w.lower())
        words.append(exp if exp and (w.isupper() or w.lower() == w) and len(w) > 1 else w)
    return " ".join(fold(" ".join(words)).split())


# "X là gì", "X được hiểu là gì / như thế nào", "X được định nghĩa ...", "thế nào là X", "khái niệm (về) X" (folded)
_DEFINITION_QUESTIONS = [
    re.compile(r"^(?:the nao (?:la|duoc goi la)|khai niem(?: ve)?|dinh nghia(?: ve)?)\s+(?P<term>.+?)\s*$"),
    re.compile(
        r"^(?P<term>.+?)\s+(?:la gi|la sao|duoc hieu (?:la gi|nhu the nao|the nao|ra sao)|duoc dinh nghia (?:la gi|nhu the nao|the nao)"
        r"|co nghia la gi|nghia la gi)\b"
    ),
]
_DEFINITION_LEAD = re.compile(
    r"^(?:(?:theo|can cu) (?:quy dinh(?: cua)?(?: phap luat)?|phap luat)(?: hien hanh| hien nay)?\s*,?\s*"
    r"|(?:theo|can cu)\b[^,]{1,80},\s*"
    r"|cho (?:toi|em|minh) hoi(?: voi| chut| a)?\s*,?\s*|xin hoi\s*,?\s*)+"
)


# a question already asked in a clause ("... còn được không, điều kiện là gì"), folded
_ASKS_BEFORE = re.compile(r"\b(?:khong|ko|chua|bao nhieu|the nao|ra sao|nhu nao|duoc k|hay k)\s*$")


def definition_term(question: str) -> list[str] | None:
    """The folded syllables of the term a question asks to define ("Dự phòng nợ phải thu khó đòi là gì?" →
    du phong no phai thu kho doi), or None. One sentence is read: the first that asks."""
    for sentence in re.split(r"[?!.\n]+", fold(normalize(question))):
        sentence = _DEFINITION_LEAD.sub("", sentence.strip(" ,;:"))
        for pattern in _DEFINITION_QUESTIONS:
            m = pattern.search(sentence)
            if m:
                term = m.group("term")
                # "rút bhxh 1 lần bây giờ còn được không, điều kiện là gì": a question before the comma, the term after
                # it ("bộ phận của động vật, thực vật hoang dã" is one term)
                before, comma, after = term.rpartition(",")
                if comma and _ASKS_BEFORE.search(before):
                    term = after
                words = folded_syllables(term)
                return words if 2 <= len(words) <= 24 else None
    return None


# the heads of a term whose content, not meaning, is asked ("Điều kiện hưởng lương hưu là gì?"), folded
CONTENT_HEADS = re.compile(
    r"^(?:cac |nhung )?(?:dieu kien|noi dung|nguyen tac|thu tuc|ho so|quyen|nghia vu|trach nhiem|muc|"
    r"thoi han|thoi gian|thoi hieu|nhiem vu|chuc nang|hinh thuc|doi tuong|pham vi|tieu chuan|trinh tu|"
    r"quy trinh|che do|co quan|tham quyen|bien phap|hanh vi|quy dinh|muc dich|yeu cau|ly do|hau qua|"
    r"hieu luc|gia tri|vai tro|so luong|phuong thuc|cach|truong hop)\b"
)


def asks_meaning(defined: list[str] | None) -> bool:
    """Whether the term a question asks about (``definition_term``) is one whose meaning is asked ("Vận đơn
    đường biển là gì?"), not the content of a rule ("Điều kiện khai trương hoạt động ngân hàng là gì?")."""
    if not defined:
        return False
    return not CONTENT_HEADS.match(" ".join(defined))


# Words that open a qualifier after a term ("thành viên bù trừ chung | trong chứng khoán phái sinh"), folded.
_QUALIFIERS = {"trong", "theo", "cua", "tai", "doi", "ve", "o", "khi", "thuoc", "cho"}


def term_and_heads(words: list[str]) -> list[list[str]]:
    """The asked term, then the term cut before each qualifier from the last to the first (two words at
    least): a question often places the defined term in context, which the definition does not repeat."""
    out = [words]
    for i in range(len(words) - 1, 1, -1):
        if words[i] in _QUALIFIERS:
            out.append(words[:i])
    return out


def definition_pattern(words: list[str]) -> re.Pattern[str]:
    """Where a folded text defines the term: at the start of a line, khoản, điểm or sentence, the term (its
    words apart by spaces or commas), an optional "(...)" and ":", then "là" / "được hiểu là"."""
    term = r"[\s,]+".join(map(re.escape, words))
    return re.compile(
        r"(?:^|\n|[.;:]\s)\s*(?:\d+(?:\.\d+)*[.)]\s*|[a-z]\)\s*)?"
        + term
        + r"\s*(?:\([^)]*\)\s*)?:?\s*(?:la|duoc hieu la)\b"
    )


def _has_marks(text: str) -> bool:
    return fold(text) != text.lower()


# The lexical ranking is reranked over this many candidates: articles of a document that a later one says is
# no longer in force keep this share of their score; an article whose heading (3 syllables or more) the
# question holds as a phrase ("Sổ đăng ký thành viên của công ty TNHH ...") gains this share of the best score
# (both measured: docs/BENCHMARKS.md).
RERANK_DEPTH = 30
REPEALED_WEIGHT = 0.8
HEADING_IN_QUESTION = 0.1
# ... and this share when it holds the heading's last part after "và" (4 syllables or more)
HEADING_PART_IN_QUESTION = 0.1
# and gains these shares for the question's words that tell the candidates apart, found in its text / heading
TELLING_WORDS_TEXT = 0.1
TELLING_WORDS_HEADING = 0.1
# A question asking when a document takes effect (folded): "có hiệu lực từ ngày nào", "áp dụng từ khi nào".
_ASKS_EFFECT = re.compile(
    r"\b(?:hieu luc|ap dung|thi hanh)(?: thi hanh)? (?:(?:ke )?tu |vao )?(?:ngay|khi|luc|thoi diem|bao gio) nao\b"
    r"|\bhieu luc (?:khi nao|tu bao gio|tu ngay nao)\b"
)
# A question whether an act is a crime or what prison term it carries (folded): "... có bị truy cứu trách nhiệm
# hình sự không?", "... bị phạt tù bao nhiêu năm?", "... có bị đi tù không?"; not "Người bị truy cứu trách nhiệm
# hình sự có quyền gì?" (the phrase names a person), "hình phạt tù" as a noun, "Ngồi tù có được ...".
_ASKS_CRIME = re.compile(
    r"\b(?:truy cuu trach nhiem hinh su|(?:bi )?xu ly hinh su|di tu|bi tu)(?: (?:hay )?khong| ra sao| the nao| nhu the nao)?"
    r"\s*(?:\?|$)"
    r"|(?<!hinh )\bphat tu (?:bao nhieu|may)(?: nam)?\b"
)
# the forms of a crime that the facts must show (a heading that holds one is for that form only): by negligence, in
# a state of strong provocation, beyond the limits of self-defence or of what an arrest needed (folded)
_CRIME_VARIANT = re.compile(
    r"\b(?:vo y|kich dong manh|vuot qua gioi han phong ve chinh dang|vuot qua muc can thiet khi bat giu)\b"
)
# How many defining articles a definition question puts first.
DEFINITIONS_FIRST = 2
# the criminal code's best-scoring articles among which the crime the question names whole is looked for
CRIME_CANDIDATES = 10
# Field weights, measured on zalo-phapdien-dev (docs/BENCHMARKS.md); "asked": the words of the sentence that asks,
# where a question comes with a story (TVPL: first citation gold 0.567 -> 0.583 at 2, 0.583 at 3).
WEIGHTS = {"text": 1.0, "heading": 1.0, "title": 0.3, "bigram": 1.6, "accented": 2.0, "asked": 2.0}


class Searcher:
    """Searches one library; keeps the index reader and the library open."""

    weights = WEIGHTS

    def __init__(self, library: Library, learned: bool = True):
        self.library = library
        # the ranker and judge ``luat train`` built for this library (None: the hand-written order stands)
        # (LUAT_MODELS=off: the hand-written order, as the benchmarks of whole sets measure it)
        learned = learned and os.environ.get("LUAT_MODELS", "on") != "off"
        self.models = Models.load(library.name) if learned else None
        # the library's static embedding (``luat train``): semantic candidates and a feature of the ranker
        self.embedding = Embedding.load(models_dir(library.name)) if self.models is not None else None
        self.index = open_index(library.name)
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.resolver = Resolver(library)
        self.names = library_names(library)
        self.repealed = library.repealed_documents()
        self._repeats: dict[str, set[str]] = {}  # per document, the articles repeating an earlier heading
        self._procedural_docs: dict[str, bool] = {}  # per document, whether it is a procedural code
        # how often the library's other documents cite each document and article: a feature of the ranker, read
        # on the first learned search (a search without models, ``luat search`` on a new library, never needs it)
        self._citations: tuple[dict[str, int], dict[tuple[str, str], int]] | None = None
        # the criminal code(s) of the library: where a question about criminal liability is answered
        self.criminal_codes = [
            d for d, title in library.documents_of_type("Bộ luật") if fold(title) == "hinh su"
        ]

    # ---------------------------------------------------------------- query understanding

    def parse(self, text: str) -> ParsedQuery:
        """The query read for search: everyday words put in the law's words, the documents and units it cites
        resolved (those the library lacks noted), and the remaining content words; a QueryError when it is empty."""
        text = normalize((text or "")[: MAX_QUERY_CHARS * 4])  # bounded before the work (NFC may shorten it)
        if not text:
            raise QueryError("câu hỏi trống: hãy nhập nội dung cần tra cứu")
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS]
        text = in_law_terms(text)  # "rút BHXH" is searched as "hưởng bảo hiểm xã hội một lần"
        pq = ParsedQuery(text=text, terms=[], accented=[], defined=definition_term(text))
        rest = text
        for ref in find_references(text, self.names):
            if ref.doc is None or ref.doc.this:
                continue
            self.resolver.resolve(ref, Context())
            if ref.status == "not_in_library":
                pq.missing.append(ref.message or ref.text)
            # "Điều 99999 Luật BHXH 2014": a unit the document does not have (or that the finder could not read)
            lead = text[max(0, ref.start - 40) : ref.start]
            unread = unread_units(lead[lead.rfind(".") + 1 :] + ref.text, [t.path() for t in ref.targets])
            if ref.status == "unit_not_found" or (unread and ref.doc_id):
                doc = self.library.document(ref.doc_id) if ref.doc_id else None
                pq.missing_units.append(
                    (ref.message or ref.text)  # the resolver always words a unit it did not find
                    if ref.status == "unit_not_found"
                    else f"{', '.join(unread)} không có trong {doc.name if doc else ref.doc_id}"
                )
            if ref.doc_id is None or (
                ref.status == "ambiguous" and ref.doc.number and "/" not in ref.doc.number
            ):
                continue  # "thông tư 35" names one of many: no document to go to
            pq.doc_ids.append(ref.doc_id)
            for t in ref.targets:
                if t.address and t.exists:
                    pq.units.append((ref.doc_id, t.address))
            # the document and what qualifies it as the one in force ("luật BHXH mới", "... hiện hành"): "mới" is
            # no content word (folded it is "mỗi", as in Điều 66's "mỗi năm đóng")
            rest = re.sub(re.escape(ref.text) + _IN_FORCE_QUALIFIER, " ", rest)
        pq.terms = content_terms(rest)
        asking = asking_sentence(rest)
        pq.asked = content_terms(asking) if asking else None
        if _has_marks(rest):
            acc = syllables(rest)
            pq.accented = [w for w in acc if fold(w) in set(pq.terms)]
        return pq

    # ---------------------------------------------------------------- ranking

    def _term(self, fieldname: str, term: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, fieldname, term)
        return tantivy.Query.boost_query(q, boost) if boost != 1.0 else q

    def build_query(self, pq: ParsedQuery, filters: Filters, plain: bool = False) -> tantivy.Query | None:
        """The index query for a parsed question: its words, word pairs and accented words in text, heading and
        title, each weighted (those of the sentence that asks more), under the filters; ``plain``: plain BM25 over
        the folded words; None when the query has no words to search."""
        should: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if plain:
            should = [
                (tantivy.Occur.Should, self._term("text_f", t, 1.0))
                for t in dict.fromkeys(folded_syllables(pq.text))
            ]
        else:
            w = self.weights
            # the words of the sentence that asks weigh more than those of the story around it
            asked = set(pq.asked or ())
            asked_bigrams = set(bigrams(pq.asked)) if pq.asked else set()
            for t in dict.fromkeys(pq.terms):
                f = w["asked"] if t in asked else 1.0
                should.append((tantivy.Occur.Should, self._term("text_f", t, w["text"] * f)))
                should.append((tantivy.Occur.Should, self._term("heading_f", t, w["heading"] * f)))
                if w["title"]:
                    should.append((tantivy.Occur.Should, self._term("title_f", t, w["title"] * f)))
            for b in dict.fromkeys(bigrams(pq.terms)):
                f = w["asked"] if b in asked_bigrams else 1.0
                should.append((tantivy.Occur.Should, self._term("bi_f", b, w["bigram"] * f)))
            for a in dict.fromkeys(pq.accented):
                should.append((tantivy.Occur.Should, self._term("text_a", a, w["accented"])))
        if not should:
            return None
        must: list[tuple[tantivy.Occur, tantivy.Query]] = [
            (tantivy.Occur.Must, tantivy.Query.boolean_query(should))
        ]
        must += self._filter_clauses(filters)
        return tantivy.Query.boolean_query(must)

    def _filter_clauses(self, f: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        out = []
        if f.doc_id:
            out.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "doc_id", f.doc_id)))
        if f.doc_type:
            out.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "doc_type", f.doc_type)))
        if f.year:
            out.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, f.year, f.year),
                )
            )
        for name, value in (("issuer_f", f.issuer), ("topic_f", f.topic)):
            if value:
                for w in folded_syllables(value):
                    out.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, name, w)))
        return out

    def search(
        self,
        text: str,
        k: int = 10,
        filters: Filters | None = None,
        plain: bool = False,
        parsed: ParsedQuery | None = None,
    ) -> list[Hit]:
        """Ranked articles for ``text`` (``parsed``: its ParsedQuery, when the caller has parsed it already)."""
        k = max(1, min(int(k), MAX_K))
        filters = filters or Filters()
        pq = parsed or self.parse(text)
        hits: list[Hit] = []
        seen: set[tuple[str, str]] = set()

        def put(hit: Hit | None) -> None:  # a hit placed ahead of the ranking, once per article
            """Place ``hit`` ahead of the ranking, unless its article is there already."""
            if hit is not None and (hit.doc.doc_id, hit.article) not in seen:
                seen.add((hit.doc.doc_id, hit.article))
                hits.append(hit)

        if not plain:
            for doc_id, address in pq.units:
                article = next((lab for kind, lab in parse_address(address) if kind == "dieu"), None)
                if article and (doc_id, article) not in seen:
                    put(
                        self._hit(
                            doc_id,
                            article,
                            1e9,
                            pq,
                            exact=True,
                            clause=next((lab for kd, lab in parse_address(address) if kd == "khoan"), None),
                        )
                    )
            if pq.doc_ids and not filters.doc_id and not pq.units:
                filters = Filters(**{**filters.__dict__, "doc_id": pq.doc_ids[0]})
            folded = fold(pq.text)
            if filters.doc_id and not pq.units and _ASKS_EFFECT.search(folded):
                # "Nghị định 13/2023/NĐ-CP được áp dụng từ ngày nào?": the document's article on its entry into force
                put(self._effect_article(filters.doc_id, pq))
            if not pq.units and not filters.doc_id and self.criminal_codes and _ASKS_CRIME.search(folded):
                # "... có bị truy cứu trách nhiệm hình sự không?": the criminal code's article on the act comes first
                put(self._criminal_article(pq, filters))
            if not pq.units:
                for hit in self.definitions(pq, filters, limit=DEFINITIONS_FIRST):
                    put(hit)
        query = self.build_query(pq, filters, plain=plain)
        if query is None:
            if filters.doc_id and not hits:  # a bare số hiệu: the document's first articles
                articles = self.library.first_articles(filters.doc_id, k)
                return self._hits([(filters.doc_id, a, 1.0, False) for a in articles], pq, exact=True)
            return hits[:k]
        # more candidates than asked, reranked: articles of repealed documents give way to those in force, an
        # article whose heading the question contains comes up
        result = self.searcher.search(query, (k if plain else max(k, RERANK_DEPTH)) + len(hits))
        ranked: list[CandidateRow] = []
        for score, addr in result.hits:
            d = self.searcher.doc(addr)
            key = (d["doc_id"][0], d["article"][0])
            if key in seen:
                continue
            seen.add(key)
            ranked.append(self._indexed_row(d, score, plain or self._in_force_on(key[0], filters.as_of)))
        question_vector = None
        if self.embedding is not None and not plain:
            question_vector = self.embedding.encode([pq.text])[0]
            pq.vector = question_vector
            if not (filters.doc_type or filters.year or filters.issuer or filters.topic):
                # within the document the question names, when it names one ("Theo luật BHXH mới thì ...")
                ranked += self._semantic_candidates(question_vector, seen, filters, query)
        if ranked and not plain:
            self._rerank(ranked, pq)
        learned: dict[tuple[str, str], tuple[list[float], float]] = {}
        if ranked and not plain and (self.models is not None or self.keep_features):
            learned = self._learned_order(ranked, pq, question_vector)
        ranked.sort(
            key=lambda r: (
                -learned[(r.doc_id, r.article)][1] if learned and self.models is not None else -r.score
            )
        )
        if ranked and not plain and not asks_about_court(fold(pq.text)):
            # a procedural code's article after the others, unless the question holds its heading
            ranked.sort(key=lambda r: not r.held and self._procedural(r.doc_id))
        shown = ranked[: max(0, k - len(hits))]
        for row, hit in zip(
            shown, self._hits([(r.doc_id, r.article, r.score, r.held) for r in shown], pq), strict=True
        ):
            if learned:
                hit.features, hit.rank_score = learned[(row.doc_id, row.article)]
            hits.append(hit)
        if filters.in_force:
            hits = [h for h in hits if self._in_force_on(h.doc.doc_id, filters.as_of)]
        return hits[:k]

    # features are read even without models when set (``luat train`` reads them to learn from)
    keep_features = False
    # each hit shows the khoản that answers (unset, hits carry no khoản nor snippet: ``luat train``'s ranker learns
    # from features alone, and choosing 50 candidates' khoản took two thirds of its time)
    snippets = True

    # articles nearest the question in the embedding, added to the lexical candidates
    SEMANTIC_CANDIDATES = 20

    def _semantic_candidates(
        self, question_vector, seen: set[tuple[str, str]], filters: Filters, query: tantivy.Query
    ) -> list[CandidateRow]:
        """Candidate rows of the articles the embedding finds nearest and the lexical search did not, read from the
        index like the lexical ones and scored as the lexical ``query`` scores them (below the lexical candidates, not
        0: "Thời gian thử việc" is found by meaning for "thử việc tối đa bao lâu" and holds its words, though fewer
        times than the articles ahead)."""
        assert self.embedding is not None
        keys = [
            key
            for key, _cosine in self.embedding.nearest(
                question_vector, self.SEMANTIC_CANDIDATES, doc_id=filters.doc_id
            )
        ]
        keys = [key for key in keys if key not in seen]
        if not keys:
            return []
        # one search: the lexical query, over these articles only (each matches; the query adds its score)
        occur, query_of = tantivy.Occur, tantivy.Query
        articles = query_of.boolean_query(
            [
                (
                    occur.Should,
                    query_of.boolean_query(
                        [
                            (occur.Must, query_of.term_query(self.schema, "doc_id", doc_id)),
                            (occur.Must, query_of.term_query(self.schema, "article", article)),
                        ]
                    ),
                )
                for doc_id, article in keys
            ]
        )
        scoped = query_of.boolean_query(
            [(occur.Must, query_of.const_score_query(articles, 0.0)), (occur.Should, query)]
        )
        found = {}
        for score, addr in self.searcher.search(scoped, len(keys)).hits:
            d = self.searcher.doc(addr)
            found[(d["doc_id"][0], d["article"][0])] = (score, d)
        rows: list[CandidateRow] = []
        for key in keys:  # in the embedding's order
            if key not in found:
                continue
            seen.add(key)
            score, d = found[key]
            rows.append(self._indexed_row(d, score, self._in_force_on(key[0], filters.as_of)))
        return rows

    @staticmethod
    def _indexed_row(d: tantivy.Document, score: float, in_force: bool) -> CandidateRow:
        """A candidate row from an article's index document and its score, at the repealed documents' weight unless
        ``in_force``."""
        weight = 1.0 if in_force else REPEALED_WEIGHT
        return CandidateRow(
            score=score * weight,
            doc_id=d["doc_id"][0],
            article=d["article"][0],
            text=d["text_f"][0],
            heading=d["heading_f"][0],
            held=False,
            bm25=score * weight,
            doc_type=d["doc_type"][0] if d["doc_type"] else None,
            in_force=in_force,
        )

    def _learned_order(
        self, ranked: list[CandidateRow], pq: ParsedQuery, question_vector=None
    ) -> dict[tuple[str, str], tuple[list[float], float]]:
        """The features of each candidate row and the ranker's score of it (its rule score without a ranker)."""
        if self._citations is None:
            self._citations = self.library.citation_counts()
        cited_documents, cited_articles = self._citations
        candidates = []
        for row in ranked:
            doc = self.library.document(row.doc_id)
            semantic = (
                self.embedding.similarity(question_vector, (row.doc_id, row.article))
                if self.embedding is not None and question_vector is not None
                else 0.0
            )
            candidates.append(
                Candidate(
                    doc_id=row.doc_id,
                    article=row.article,
                    bm25=row.bm25,
                    score=row.score,
                    text=row.text,
                    heading=row.heading,
                    held=row.held,
                    doc_type=row.doc_type,
                    in_force=row.in_force,
                    armed=armed_forces_regime(doc.number if doc else None),
                    semantic=semantic,
                    title=" ".join(folded_syllables(doc.title or "")) if doc else "",
                    repeats_heading=row.article in self.repeated_headings(row.doc_id),
                    document_cited=cited_documents.get(row.doc_id, 0),
                    article_cited=cited_articles.get((row.doc_id, row.article), 0),
                    holds=row.holds,
                )
            )
        rows = features(pq.terms, pq.asked, candidates, asks_about_armed_forces(fold(pq.text)))
        scores = self.models.order(rows) if self.models is not None else [c.score for c in candidates]
        return {(c.doc_id, c.article): (row, sc) for c, row, sc in zip(candidates, rows, scores, strict=True)}

    def _procedural(self, doc_id: str) -> bool:
        """Whether a document is a procedural code (vocabulary.procedural_code), which answers only a question about a
        court, a lawsuit or a criminal case; read once per document."""
        found = self._procedural_docs.get(doc_id)
        if found is None:
            doc = self.library.document(doc_id)
            found = self._procedural_docs[doc_id] = procedural_code(fold(doc.title or "")) if doc else False
        return found

    def repeated_headings(self, doc_id: str) -> set[str]:
        """The articles of a document whose heading an earlier article of it already has (read once per document)."""
        found = self._repeats.get(doc_id)
        if found is None:
            seen: set[str] = set()
            found = set()
            for article, heading in reversed(self.library.headings_last_first(doc_id)):
                # what fold gives for the library's NFC text, in one translate
                key = " ".join(fold_same_length(heading or "").split())
                if key and key in seen:
                    found.add(article)
                seen.add(key)
            self._repeats[doc_id] = found
        return found

    def _criminal_article(self, pq: ParsedQuery, filters: Filters) -> Hit | None:
        """The best-matching article of the library's criminal code(s) in force, scored as the search would on the
        question without the words that ask about criminal liability (every article of the code is about that;
        "truy cứu trách nhiệm hình sự" would find "Tội không truy cứu trách nhiệm hình sự người có tội")."""
        asking = {w for m in _ASKS_CRIME.finditer(fold(pq.text)) for w in WORD.findall(m.group(0))}
        act = ParsedQuery(
            text=pq.text,
            terms=[t for t in pq.terms if t not in asking],
            accented=[a for a in pq.accented if fold(a) not in asking],
            asked=[t for t in pq.asked if t not in asking] if pq.asked else None,
        )
        best = None
        words = folded_syllables(pq.text)
        said = set(bigrams(words))
        question = f" {' '.join(words)} "
        for doc_id in self.criminal_codes:
            if not self._in_force_on(doc_id, filters.as_of):
                continue
            query = self.build_query(act, Filters(**{**filters.__dict__, "doc_id": doc_id}))
            top = self.searcher.search(query, CRIME_CANDIDATES).hits if query is not None else []
            found = []
            for score, addr in top:
                d = self.searcher.doc(addr)
                heading = d["heading_f"][0].split()
                named = set(bigrams(heading[1:] if heading[:1] == ["toi"] else heading))
                if heading[:1] != ["toi"] and not (named and named <= said):
                    # asked whether an act is a crime, the answer is the crime's article; a rule of the general
                    # part (Điều 48 on returning property) only when the question names it ("án treo", "tuổi chịu
                    # trách nhiệm hình sự")
                    continue
                variant = _CRIME_VARIANT.search(" ".join(heading))
                if variant and f" {variant.group(0)} " not in question:
                    # the negligent, provoked or excessive form of a crime only when the question says so: "đánh
                    # người bị thương 15%" is Điều 134, not the shorter Điều 138 (vô ý) that BM25 preferred
                    continue
                found.append((score, d["doc_id"][0], d["article"][0], named))
            if not found:
                continue
            first = found[0]
            # the crime the question names, not the graver one whose heading holds it and whose text says its
            # words more often ("đánh bạc": "Tội đánh bạc", not "Tội tổ chức đánh bạc hoặc gá bạc", unless "tổ chức"
            # is said); word pairs, as single syllables collide ("mô tô", "tố giác")
            for other in found[1:]:
                if other[3] and other[3] <= said and other[3] < first[3] and not (first[3] - other[3]) & said:
                    first = (first[0], *other[1:])
                    break
            if best is None or first[0] > best[0]:
                best = first
        return self._hit(best[1], best[2], best[0], pq, asked_about=True) if best else None

    def _effect_article(self, doc_id: str, pq: ParsedQuery) -> Hit | None:
        """The article of ``doc_id`` on its entry into force (the last one headed so), at its khoản that says
        "có hiệu lực"; None when the document has none."""
        article = next(
            (
                a
                for a, heading in self.library.headings_last_first(doc_id)
                if EFFECT_HEADING.match(fold(heading or ""))
            ),
            None,
        )
        if article is None:
            return None
        body = fold_same_length(self.library.article_text(doc_id, article) or "")
        clause = next(
            (
                u.label
                for u in self.library.clauses_of(doc_id, article)
                if "hieu luc" in body[u.start : u.end]
            ),
            None,
        )
        return self._hit(doc_id, article, 1e9, pq, exact=True, clause=clause)

    def _rerank(self, ranked: list[CandidateRow], pq: ParsedQuery) -> None:
        """Adjust the rule scores of the candidate rows in place, each bonus a share of the best score: an article
        whose heading (3 syllables or more) the question holds as a phrase (``held`` set); and an article holding,
        in its text and its heading, the question's words that tell the candidates apart (``telling_weights``)."""
        best = max(r.score for r in ranked)
        question = f" {' '.join(folded_syllables(clean_query(pq.text)))} "
        heading_words = [r.heading.split() for r in ranked]
        for r, words in zip(ranked, heading_words, strict=True):
            if len(words) >= 3 and f" {' '.join(words)} " in question:
                r.score += HEADING_IN_QUESTION * best
                r.held = True
            elif HEADING_PART_IN_QUESTION and len(words) >= 3:
                # "Đối tượng và điều kiện hưởng lương hưu": the question holds its last part, "điều kiện hưởng lương hưu"
                last = re.split(r" va | hoac ", f" {' '.join(words)} ")[-1].split()
                if len(last) >= 4 and len(last) < len(words) and f" {' '.join(last)} " in question:
                    r.score += HEADING_PART_IN_QUESTION * best
        headings = [set(words) for words in heading_words]
        terms = list(dict.fromkeys(pq.terms))
        if not terms:
            return
        # which terms each candidate holds in its heading and text (the folded syllables as indexed, one space
        # apart: a padded substring test, much cheaper than splitting the long texts)
        padded = [f" {r.text} " for r in ranked]
        holds = [frozenset(t for t in terms if f" {t} " in text) for text in padded]
        for r, held in zip(ranked, holds, strict=True):
            r.holds = held
        weight = telling_weights(holds, terms)
        total = math.fsum(weight.values())  # fsum: the same sum whatever the set's order (hash seed)
        if total <= 0:
            return
        for r, text, heading in zip(ranked, holds, headings, strict=True):
            in_text = math.fsum(w for t, w in weight.items() if t in text) / total
            in_heading = math.fsum(w for t, w in weight.items() if t in heading) / total
            r.score += (TELLING_WORDS_TEXT * in_text + TELLING_WORDS_HEADING * in_heading) * best

    def definitions(
        self,
        pq: ParsedQuery,
        filters: Filters | None = None,
        limit: int = DEFINITIONS_FIRST,
        candidates: int = 50,
    ) -> list[Hit]:
        """Articles that define the term a definition question asks about (``pq.defined``), each with the khoản
        that holds the definition; [] when the question asks for none. Candidates come from the phrase "X là" (then "X được
        hiểu là", then X alone, for "X (còn gọi là ...) là"), are checked by the definition pattern, and rank
        higher in the legal hierarchy first (a code's definition before a circular's), then by BM25."""
        if pq.defined is None or not asks_meaning(pq.defined):
            return []
        # (document, article) → (score, end of the definition, folded heading)
        found: dict[tuple[str, str], tuple[float, int, str]] = {}
        for words in term_and_heads(pq.defined):
            pattern = definition_pattern(words)
            for tail in (["la"], ["duoc", "hieu", "la"], []):
                terms: list[str | tuple[int, str]] = [*words, *tail]
                phrase = tantivy.Query.phrase_query(self.schema, "text_f", terms)
                query = tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, phrase), *self._filter_clauses(filters or Filters())]
                )
                for score, addr in self.searcher.search(query, candidates).hits:
                    d = self.searcher.doc(addr)
                    key = (d["doc_id"][0], d["article"][0])
                    if key in found:
                        continue
                    m = pattern.search(fold_same_length(self.library.article_text(*key) or ""))
                    if m is not None:
                        found[key] = (score, m.end(), d["heading_f"][0])
                if found:
                    break
            if found:
                break
        docs = {key[0]: self.library.document(key[0]) for key in found}
        term = " ".join(words)

        def place(key: tuple[str, str]) -> tuple:
            """Where an article defining the term goes: an article headed by the term first, then a glossary article,
            then any other; a higher-ranking document first, then the better score."""
            heading = found[key][2]
            # an article about the term ("Điều 105. Tài sản"), then a glossary article, then any other
            about = (
                0
                if heading == term or (heading.endswith(term) and GLOSSARY_HEADING.search(heading))
                else (1 if GLOSSARY_HEADING.search(heading) else 2)
            )
            doc = docs[key[0]]
            doc_type = doc.doc_type if doc else None
            return about, HIERARCHY.get(doc_type or "", len(HIERARCHY)), -found[key][0]

        order = sorted(found, key=place)
        term_pq = ParsedQuery(text=pq.text, terms=words, accented=[])
        out: list[Hit] = []
        for rank, (doc_id, article) in enumerate(order[:limit]):
            at = found[(doc_id, article)][1]
            clause = self.library.clause_at(doc_id, article, at)
            hit = self._hit(doc_id, article, 1e8 - rank, term_pq, clause=clause)
            hit.defines = True
            out.append(hit)
        return out

    def _in_force_on(self, doc_id: str, on: str | None = None) -> bool:
        """Whether the document is in force on ``on`` (ISO date, default today): it has taken effect, and no
        document of the library says (or lets it be presumed) that it is no longer in force by then."""
        on = on or time.strftime("%Y-%m-%d")
        since = self.repealed.get(doc_id)
        if since is not None and since <= on:
            return False
        doc = self.library.document(doc_id)
        return doc is None or not doc.effective or doc.effective <= on

    def _hit(
        self,
        doc_id: str,
        article: str,
        score: float,
        pq: ParsedQuery,
        exact: bool = False,
        clause: str | None = None,
        asked_about: bool = False,
    ) -> Hit:
        return self._hits([(doc_id, article, score, asked_about)], pq, exact, clause)[0]

    def _hits(
        self,
        articles: list[tuple[str, str, float, bool]],
        pq: ParsedQuery,
        exact: bool = False,
        clause: str | None = None,
    ) -> list[Hit]:
        """A hit for each (doc_id, article, score, asked_about), showing the khoản ``clause`` (one the question names)
        or else the one that answers: the khoản of all of them encoded and scored together (:meth:`_best_clauses`)."""
        docs = [self.library.document(doc_id) for doc_id, _a, _s, _q in articles]
        read = [self.library.heading_and_text(doc_id, a) or (None, "") for doc_id, a, _s, _q in articles]
        shown: list[tuple[str | None, str]] = [(clause, "")] * len(articles)
        if (pq.terms and self.snippets) or clause:
            shown = self._best_clauses(
                [(doc_id, a, text) for (doc_id, a, _s, _q), (_h, text) in zip(articles, read, strict=True)],
                pq,
                clause,
            )
        hits = []
        for (_doc, article, score, asked_about), doc, (heading, _text), (best_clause, snippet) in zip(
            articles, docs, read, shown, strict=True
        ):
            assert doc is not None
            path = [("dieu", article)] + (
                [("khoan", best_clause)] if best_clause and exact and clause else []
            )
            citation = f"{citation_of(path)} {doc.name}" + (
                f" ({doc.number})" if doc.number and doc.number not in doc.name else ""
            )
            hits.append(
                Hit(
                    doc=doc,
                    article=article,
                    score=score,
                    heading=heading,
                    citation=citation,
                    clause=best_clause,
                    snippet=snippet,
                    exact=exact,
                    asked_about=asked_about,
                )
            )
        return hits

    def _best_clauses(
        self, articles: list[tuple[str, str, str]], pq: ParsedQuery, clause: str | None
    ) -> list[tuple[str | None, str]]:
        """For each (doc_id, article, text): the khoản its hit shows (``clause`` when the question names it, else the
        one that answers, as :func:`choose.best_passage` chooses) and its text with the question's words marked."""
        terms = set(pq.terms)
        rows = [self.library.clauses_of(doc_id, article) for doc_id, article, _t in articles]
        named = [
            next((r for r in rs if r.label == clause), None) if clause is not None else None for rs in rows
        ]
        choose = [i for i, rs in enumerate(rows) if rs and clause is None]
        best = self.best_passages(
            [[articles[i][2][r.start : r.end] for r in rows[i]] for i in choose], terms, pq
        )
        chosen = dict(zip(choose, best, strict=True))
        out: list[tuple[str | None, str]] = []
        for i, (_d, _a, text) in enumerate(articles):
            label, span = clause, (0, min(len(text), 400))
            found = named[i] if named[i] is not None else (rows[i][chosen[i]] if i in chosen else None)
            if found is not None:
                label = found.label
                span = (found.start, found.end if found.end is not None else len(text))
            out.append((label, highlight(text[span[0] : span[1]], terms)))
        return out

    def best_passage(self, passages: list[str], terms: set[str], pq: ParsedQuery) -> int:
        """The index of the passage (a khoản or section of one article) that answers the question: the trained
        chooser's choice where ``luat train`` built one, else the best lexical score (:mod:`choose`)."""
        return self.best_passages([passages], terms, pq)[0]

    def best_passages(self, articles: list[list[str]], terms: set[str], pq: ParsedQuery) -> list[int]:
        """:meth:`best_passage` of each article's passages, every passage encoded at once and the chooser asked once."""
        similarities: list[list[float] | None] = [None] * len(articles)
        if self.embedding is not None and pq.vector is not None:
            several = [i for i, passages in enumerate(articles) if len(passages) > 1]
            texts = [p for i in several for p in articles[i]]
            if texts:
                cosines = [float(x) for x in self.embedding.encode_passages(texts) @ pq.vector]
                start = 0
                for i in several:
                    similarities[i] = cosines[start : start + len(articles[i])]
                    start += len(articles[i])
        model = self.models.choose if self.models is not None and self.models.chooser is not None else None
        return best_passages(articles, terms, pq.text, similarities, model)


def highlight(text: str, folded_terms: set[str], limit: int = 420) -> str:
    """The passage with query words in «»; diacritic-insensitive, original text kept. The passage is folded
    once; folding keeps offsets, so the words found there are cut from the original."""
    text = text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
    pieces, pos = [], 0
    for m in WORD.finditer(fold_same_length(text)):
        if m.group(0) in folded_terms:
            pieces += [text[pos : m.start()], "«", text[m.start() : m.end()], "»"]
            pos = m.end()
    pieces.append(text[pos:])
    return "".join(pieces)


def key_of(doc: str, article: str) -> tuple[str, str]:
    """Comparison key of a (document, article) pair: number folded, article lower-cased."""
    return number_key(doc), article.strip().lower()
