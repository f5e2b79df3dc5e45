"""The consultant: ``luat ask`` answers a question in the form of a published consultation.

"Căn cứ khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014 (số 58/2014/QH13) quy định về ... như sau:" followed
by the provision quoted verbatim (khoản as "- ", điểm as "+ "), further bases after "Ngoài ra, ...", and
what the library knows of amendments. Before anything is shown, the answer goes through the reference
checker: every citation must resolve and every quote must be verbatim, or nothing is shown.

Statuses: ``answered``; ``not_in_library`` when the question names a document the library lacks;
``not_found`` when nothing retrieved matches well enough (threshold calibrated in docs/BENCHMARKS.md).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from .choose import best_point
from .cite import Context, Resolver, find_references, library_names
from .generate import Generator, GeneratorError
from .limits import MAX_QUERY_CHARS
from .models import (
    EFFECTIVE_FROM,
    HIERARCHY,
    IN_FORCE,
    NOT_YET_IN_FORCE,
    PRESUMED_LAPSED,
    REPEAL_KINDS,
    REPEALED,
    Document,
    Reference,
    address_of,
    article_address,
    citation_of,
    parse_address,
    sort_key,
)
from .replacements import recorded_replacements, subjects_asked
from .search import (
    Filters,
    Hit,
    ParsedQuery,
    Searcher,
    asked_questions,
    asks_meaning,
    content_terms,
    strip_question_phrasing,
)
from .sohieu import number_key
from .store import Library
from .structure import parse_body, sentence_case
from .text import WORD, fold, fold_same_length, folded_syllables, normalize, squash
from .vocabulary import (
    ANSWER_TYPES,
    SCOPE_HEADING,
    AnswerType,
    armed_forces_regime,
    asks_about_armed_forces,
    asks_foreign_law,
)

# How much of the question (see coverage) the best article must hold, unless it is what the question asks about
# (Hit.asked_about: its heading held by the question, or the criminal code's article on the act). Calibrated on
# zalo-phapdien-dev (answerable) against zalo-not-in-library-dev (not answerable) to answer 90% of the former
# with a margin: of the features tried (word coverage, bigram coverage, their mean, BM25 score per term,
# top-1/top-2 ratio) the mean abstains most on the latter among scale-free ones, see docs/BENCHMARKS.md. 0.6
# without the heading rule; with it, 0.62 answers as many and abstains more.
MIN_COVERAGE = 0.62
# whether the learned judge (``luat train``) takes part in the decision to answer: it vetoes a first article it is
# almost sure does not answer (below its ``threshold``) and answers one it is sure of whatever the coverage (from its
# ``rescue``). Measured on the held-out halves (docs/BENCHMARKS.md, learned): everyday first citation gold
# 0.236 → 0.391, abstention on questions outside the library 0.670 → 0.689, zalo 0.686 → 0.679, TVPL 0.671 → 0.659
JUDGE_DECIDES = True
# Further bases (up to MAX_BASES in all) are quoted when their score is this close to the first (measured on
# zalo-dev and TVPL: two bases within 0.85 gave 0.684 of questions a gold citation, three within 0.7 give 0.735).
SECOND_BASIS_RATIO = 0.7
MAX_BASES = 3
# a question that asks the conditions of a right, and an article that refers to another of its document for them
# ("đối tượng đủ điều kiện quy định tại Điều 64 của Luật này"), folded
_ASKS_CONDITIONS = re.compile(r"\bdu dieu kien\b|\bdieu kien (?:gi|nao|la gi|the nao|ra sao|de|duoc)\b")
_REFERS_CONDITIONS = re.compile(
    r"\bdu dieu kien(?: [a-z]+){0,6}? (?:quy dinh|theo quy dinh) tai dieu (\d+[a-z]?)(?: cua (?:bo )?luat nay)?\b(?! cua)"
)
# and, where the learned ranker ordered them, its score is at most this far below the first's: on the everyday
# training questions, further bases within 1.5 kept 19 of the 23 gold ones and 128 of the 525 that answered nothing
BASIS_RANK_MARGIN = 1.5
# How far down the matches ask looks for a provision in force that answers as well as a lapsed best match, and for
# the general rule (a Luật before the decree detailing it, the first of two articles headed alike).
IN_FORCE_LOOKAHEAD = 5
REGIME_RULE = True
# A lapsed best match gives way to the replacing document's article headed like it: the best of this many matches
# inside that document whose heading shares at least this share of words (Jaccard) with the lapsed article's.
SUCCESSOR_CANDIDATES = 5
SUCCESSOR_HEADING_OVERLAP = 0.5
GENERAL_RULE_LOOKAHEAD = 10
# Which: "earlier" (same document, same heading), "higher_same" (a higher-ranking document's article headed the same);
# "higher" (any higher-ranking article whose heading holds the best match's) measured on zalo (as of 2021-07-01): first
# citation gold 0.632 -> 0.626, and it put Luật 58/2014 Điều 60 before the Thông tư khoản that states a date; not kept.
# "higher_same" (headed alike) costs zalo 0.632 -> 0.629 (any unchanged 0.768) and TVPL 0.592 -> 0.590, and put Luật
# 58/2014 Điều 60 before the Thông tư khoản a test expects; not kept. "earlier": zalo 0.632, TVPL 0.592, kept.
GENERAL_RULES = {"earlier"}


_FOREIGN_LAW = (
    "Câu hỏi hỏi về pháp luật của nước ngoài; thư viện chỉ có văn bản pháp luật Việt Nam, nên không thể trả lời. Các "
    "điều gần nhất của pháp luật Việt Nam được liệt kê để tham khảo."
)
_MISSING_DEFINITION = (
    "Thư viện không có văn bản nào định nghĩa khái niệm được hỏi (các điều gần nhất chỉ dùng các từ "
    "đó); các điều gần nhất được liệt kê để tham khảo."
)


_MONEY = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(triệu|tr|tỷ|tỉ|nghìn|ngàn)?\s*(đồng|vnđ|vnd|đ)?\b",
    re.IGNORECASE,
)
_SCALE = {"triệu": 10**6, "tr": 10**6, "tỷ": 10**9, "tỉ": 10**9, "nghìn": 10**3, "ngàn": 10**3}
# "từ 2.000.000 đồng đến dưới 50.000.000 đồng", "(từ) 500.000.000 đồng trở lên", "dưới 2.000.000 đồng"; a range
# followed by "nhưng" ("... nhưng thuộc một trong các trường hợp ...") holds only on a further condition
_RANGE = re.compile(
    r"(?:(?:từ\s+)?(?P<low>\d{1,3}(?:\.\d{3})+)\s*đồng\s+(?:đến dưới\s+(?P<high>[\d.]+)\s*đồng|trở lên))"
    r"|(?:(?<!đến )dưới\s+(?P<below>[\d.]+)\s*đồng)"
)
_SCALE_FOLDED = {fold(word) for word in _SCALE}


def _by(units: str) -> str:
    """ "Điều 140 " before "văn bản số ...", or nothing where the statement's article is not known (a recorded
    replacement, :mod:`replacements`)."""
    return f"{units} " if units else ""


def money_in(question: str) -> list[int]:
    """Sums of money a question names, in đồng ("3 triệu đồng", "3.000.000 đồng", "1,5 tỷ")."""
    out = []
    for m in _MONEY.finditer(normalize(question)):
        number, scale, unit = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if not scale and not unit:
            continue
        if scale:
            value = (
                float(number.replace(",", "."))
                if re.fullmatch(r"\d+(?:[.,]\d+)?", number)
                else float(re.sub(r"[.,]", "", number))
            )
            out.append(int(value * _SCALE[scale]))
        else:
            out.append(int(re.sub(r"[.,]", "", number)))
    return out


def range_holds(text: str, value: int) -> int:
    """Whether a provision's text sets a range of money that holds ``value`` đồng: 2 when a range holds it
    outright, 1 only on a further condition ("... nhưng thuộc một trong các trường hợp ..."), 0 not at all."""

    def amount(s: str) -> int:
        """A sum written with thousands dots ("2.000.000"), in đồng."""
        return int(s.replace(".", ""))

    best = 0
    for m in _RANGE.finditer(text):
        if m.group("below") is not None:
            holds = value < amount(m.group("below"))
        else:
            holds = amount(m.group("low")) <= value and (
                m.group("high") is None or value < amount(m.group("high"))
            )
        if holds:
            conditional = text[m.end() : m.end() + 8].lstrip().startswith("nhưng")
            best = max(best, 1 if conditional else 2)
    return best


def asked_type(question: str) -> AnswerType | None:
    """The answer type a question asks for: its patterns are matched with marks, or folded when the question
    is typed without them."""
    text = normalize(question).lower()
    marked = fold(text) != text
    return next((t for t in ANSWER_TYPES if (t.asked if marked else t.asked_folded).search(text)), None)


@dataclass
class Citation:
    """One provision an answer quotes: the document, its title, the Điều (khoản, điểm, Mục), the words quoted
    verbatim, and the date and source of that text."""

    doc: str
    doc_title: str
    article: str
    clause: str | None
    point: str | None
    section: str | None
    quote: str
    version: str | None  # date of the quoted text's source
    source: str | None

    def as_dict(self) -> dict:
        """The citation as JSON, one key per field."""
        return dict(self.__dict__)


class Bars(NamedTuple):
    """What the first article must pass for the consultant to answer with it."""

    min_coverage: float  # least share of the question's words it holds (unless the question asks about it)
    min_confidence: float  # least confidence of the judge that it answers (0 without a trained judge)
    rescue: float  # the judge's confidence that answers whatever the coverage (2: never)


class Basis(NamedTuple):
    """One basis an answer shows: the sentence that cites a provision and the lines of it quoted."""

    opening: str  # the sentence that cites the provision ("Căn cứ khoản 1 Điều 25 Bộ luật Lao động ...")
    body: str  # the provision's lines quoted, verbatim


@dataclass
class Answer:
    """The consultant's answer to a question: its status (answered, not_in_library, not_found), its text, the
    provisions it cites, the articles retrieved, and how sure it is."""

    question: str
    status: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[dict] = field(default_factory=list)
    coverage: float | None = None
    similar: list[dict] = field(default_factory=list)
    bases: list[Basis] = field(default_factory=list)  # one per basis shown
    # what the optional generator (LUAT_LLM_URL) wrote and was kept: {"opening": bool, "summary": bool, "note": why
    # something was not kept}; None when no generator is set
    generated: dict | None = None
    # the judge's reading of the first article (rank.JUDGE_FEATURES) and its confidence, when the library has
    # trained models and the first article came from the ranked search
    judged: list[float] | None = field(default=None, repr=False)
    confidence: float | None = None

    def as_dict(self) -> dict:
        """The answer as JSON: question, status, text, citations, retrieved articles, coverage, confidence and what a
        generator wrote."""
        return {
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "citations": [c.as_dict() for c in self.citations],
            "retrieved": self.retrieved,
            "coverage": None if self.coverage is None else round(self.coverage, 3),
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "generated": self.generated,
        }


def coverage(question_terms: list[str], text: str) -> float:
    """How much of the question the text holds: the mean of the shares of the question's distinct content
    syllables and of its syllable bigrams that occur in the text (folded). Scale-free, so one threshold
    serves any library."""
    terms = set(question_terms)
    if not terms:
        return 0.0
    words = folded_syllables(text)
    unigram = len(terms & set(words)) / len(terms)
    q_bigrams = set(zip(question_terms, question_terms[1:], strict=False))
    if not q_bigrams:
        return unigram
    bigram = len(q_bigrams & set(zip(words, words[1:], strict=False))) / len(q_bigrams)
    return (unigram + bigram) / 2


def _running(phrase: str) -> str:
    """A phrase as it reads inside a sentence: first letter lower-cased unless it opens an acronym."""
    return phrase[0].lower() + phrase[1:] if phrase[:1].isupper() and not phrase[:2].isupper() else phrase


def _topic(question: str, heading: str | None) -> str:
    """The topic phrase of the opening sentence: the provision's heading in running text, or else the
    question without its question phrasing."""
    if heading:
        return _running(sentence_case(heading.strip().rstrip(".:")))
    return _running(strip_question_phrasing(question).replace("?", " ").strip(" ,."))


def layout_quote(text: str) -> str:
    """Lay a provision out as in the seed: khoản as "- ", điểm as "+ ", text kept verbatim (the numbering
    "1." / "a)" is replaced by the bullet)."""
    lines = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        m = re.match(r"^(\d{1,3})\.\s+(.*)$", s)
        if m:
            lines.append(f"- {m.group(2)}")
            continue
        m = re.match(r"^([a-zđ]\d?)\)\s+(.*)$", s)
        if m:
            lines.append(f"+ {m.group(2)}")
            continue
        lines.append(s)
    return "\n".join(lines)


class Consultant:
    """Answers questions from a library in the form of a published consultation (``luat ask``): search, choose the
    bases, quote them verbatim, and check every citation before showing anything."""

    def __init__(self, library: Library, searcher: Searcher, generator: Generator | None = None):
        self.library = library
        self.searcher = searcher
        self.resolver = Resolver(library)
        self.names = library_names(library)
        self.generator = generator  # optional: rephrases the opening and concludes (generate.py)

    def ask(self, question: str, as_of: str | None = None, k: int = 10) -> Answer:
        """The answer to ``question`` as the law stood on ``as_of`` (today without it); a letter that asks several
        things ("Xin hỏi: 1) ... 2) ...") is answered question by question, each in the seed's form."""
        question = normalize(question or "")
        parts = asked_questions(question[:MAX_QUERY_CHARS]) if question else []
        if len(parts) < 2:
            return self._ask_one(question, as_of, k)
        # a question of few words of its own ("công ty làm vậy có đúng không?") is asked with the story before it
        story = question[: question.find(parts[0])].strip() if parts[0] in question else ""
        answers = [
            self._ask_one(p if len(content_terms(p)) >= 4 else f"{story} {p}".strip(), as_of, k)
            for p in parts
        ]
        return _letter_answer(question, parts, answers)

    def _ask_one(self, question: str, as_of: str | None = None, k: int = 10) -> Answer:
        if not question:
            return Answer(question, "not_found", "Câu hỏi trống.")
        pq = self.searcher.parse(
            question
        )  # once: its references, missing documents and terms serve all below
        on = as_of or time.strftime("%Y-%m-%d")  # the day the law is asked about
        hits = self.searcher.search(question, k=k, parsed=pq, filters=Filters(as_of=as_of))
        if as_of:  # the law as it was that day: nothing issued or in force only later
            hits = [
                h
                for h in hits
                if h.exact or (h.doc.validity(on)[0] != NOT_YET_IN_FORCE and (h.doc.issued or "") <= on)
            ]
        retrieved = [h.as_dict(on) for h in hits]
        if pq.missing and not any(h.exact for h in hits):
            names = ", ".join(dict.fromkeys(m.replace(" chưa có trong thư viện", "") for m in pq.missing))
            return Answer(
                question,
                "not_in_library",
                f"Thư viện hiện chưa có {names}, nên không thể trả lời câu hỏi này bằng văn bản đó. "
                "Để bổ sung, nạp toàn văn bằng lệnh: luat ingest ĐƯỜNG_DẪN_TỆP (.txt, .html hoặc .docx).",
                retrieved=retrieved,
            )
        folded = fold(question)
        if not pq.units and asks_foreign_law(folded):
            return Answer(question, "not_in_library", _FOREIGN_LAW, retrieved=retrieved)
        if pq.missing_units:  # a provision that does not exist is said so, never answered by another unit
            return Answer(
                question,
                "not_found",
                "Không có quy định được hỏi: " + "; ".join(pq.missing_units) + ".",
                retrieved=retrieved,
            )
        if not hits:
            return Answer(
                question, "not_found", "Không tìm thấy quy định phù hợp trong thư viện.", retrieved=retrieved
            )
        if not pq.units and asks_meaning(pq.defined) and not any(h.defines for h in hits):
            # "X là gì" and no text of the library says what X is: the nearest articles merely use the words
            return Answer(question, "not_found", _MISSING_DEFINITION, retrieved=retrieved)
        # a sum asked about ("3 triệu đồng") is not a word to find: provisions write sums their own way and set ranges
        sums = money_in(question)
        # coverage is of the sentence that asks, not of the greetings and story a question may come with
        asked = pq.asked or pq.terms
        terms = [t for t in asked if not (t.isdigit() or t in _SCALE_FOLDED)] if sums else asked
        # an article that says what its document covers answers nothing: the next match does, unless the
        # question asks about that scope
        if not SCOPE_HEADING.search(folded):
            hits = [h for h in hits if h.exact or not SCOPE_HEADING.fullmatch(fold(h.heading or ""))] or hits
        if REGIME_RULE and not asks_about_armed_forces(folded):
            # a civilian's question is not answered from the armed forces' or police's own circulars
            hits = [h for h in hits if h.exact or not armed_forces_regime(h.doc.number)] or hits
        hits = self._in_force_first(hits, terms, on, as_of, question, pq)
        for _ in range(2):  # a Luật before its decree, then the first of its articles headed alike
            hits = self._general_rule_first(hits, terms, as_of)
        hits = self._conditions_first(hits, fold(pq.text), as_of)
        first = hits[0]
        text = self._article_text(first, as_of)
        cov = 1.0 if first.exact else coverage(terms, (first.heading or "") + " " + text)
        # an article whose heading the question holds is what it asks about (so is the criminal code's article on
        # the act, asked whether it is a crime): the question's other words (a date, "theo quy định mới", the asker's
        # circumstances) need not be in it
        judged, confidence = self._judge(first, hits, cov)
        # the law in force on the matter is not in the library: the best match is the old law (listed, not quoted
        # as the answer), or the question asks about the matter of a law replaced by one the library lacks
        # (unemployment insurance: Luật Việc làm 2013 → 74/2025/QH15) and the best match does not speak of it
        elsewhere = (
            ""
            if first.exact
            else self._replaced_elsewhere(first.doc, on)
            or ("" if pq.units else self._matter_elsewhere(folded, text, on))
        )
        if elsewhere:
            return Answer(
                question,
                "not_in_library",
                elsewhere,
                retrieved=retrieved,
                coverage=cov,
                judged=judged,
                confidence=confidence,
            )
        # whether the first article answers: it holds enough of the question (or is what the question asks about)
        # and, where the library has a trained judge, the judge is sure enough of it
        bars = self.bars()
        sure = confidence is not None and confidence >= bars.rescue
        unmatched = (cov < bars.min_coverage and not first.asked_about and not sure) or (
            confidence is not None and confidence < bars.min_confidence
        )
        if unmatched:
            # no provision answers, and the question speaks of the matter of a law replaced by one the library
            # lacks (a best match merely naming it, as Luật BHYT names "trợ cấp thất nghiệp", answered nothing)
            elsewhere = "" if pq.units else self._matter_elsewhere(folded, None, on)
            return Answer(
                question,
                "not_in_library" if elsewhere else "not_found",
                elsewhere
                or "Thư viện không có quy định đủ khớp với câu hỏi này; các điều gần nhất được liệt kê để tham khảo.",
                retrieved=retrieved,
                coverage=cov,
                judged=judged,
                confidence=confidence,
            )
        wanted = asked_type(question)
        if wanted is not None and not first.exact and not wanted.answers(text):
            # the best match does not state what is asked: a close runner-up that does, or no answer
            for h in hits[1:3]:
                if _in_force(first.doc, on) and not _in_force(h.doc, on):
                    continue  # a lapsed provision never answers in place of one in force
                t = self._article_text(h, as_of)
                c = coverage(terms, (h.heading or "") + " " + t)
                if c >= MIN_COVERAGE and wanted.answers(t):
                    first, text, cov = h, t, c
                    hits = [h] + [x for x in hits if x is not h]
                    break
            else:
                return Answer(question, "not_found", wanted.missing, retrieved=retrieved, coverage=cov)
        bases = [first]
        first_in_force = _in_force(first.doc, on)
        for h in hits[1 : MAX_BASES + 1]:
            close = h.exact or (
                h.score >= SECOND_BASIS_RATIO * first.score
                and not first.exact
                and (
                    h.rank_score is None
                    or first.rank_score is None
                    or h.rank_score >= first.rank_score - BASIS_RANK_MARGIN
                )
            )
            if first_in_force and not h.exact and not _in_force(h.doc, on):
                continue  # a lapsed provision beside one in force would read as law in force
            if close and (h.doc.doc_id, h.article) != (first.doc.doc_id, first.article):
                bases.append(h)
                if len(bases) == MAX_BASES:
                    break
        parts, citations, shown = [], [], []
        for i, h in enumerate(bases):
            opening, body, notes, cit = self._basis(
                question, h, asked, sums, wanted, as_of, first=i == 0, pq=pq, text=text if i == 0 else None
            )
            # grounding: the citation resolves and every quoted line is verbatim, or the basis is not shown
            problems = self.verify(opening, body, as_of)
            if problems:
                if i == 0:
                    return Answer(
                        question,
                        "not_found",
                        "Không lập được câu trả lời có trích dẫn kiểm chứng được: "
                        + "; ".join(m for _kind, m in problems),
                        retrieved=retrieved,
                        coverage=cov,
                    )
                continue
            lapsed = self._lapse_note(h.doc, on, h.article)
            if lapsed:  # a provision no longer in force: said before it is quoted, not after
                parts.append(lapsed)
            parts.append(opening + "\n\n" + body + ("\n\n" + notes if notes else ""))
            citations.append(cit)
            shown.append(Basis(opening, body))
        answer = Answer(
            question,
            "answered",
            "\n\n".join(parts),
            citations,
            retrieved,
            coverage=cov,
            bases=shown,
            judged=judged,
            confidence=confidence,
        )
        if self.generator is not None:
            self._generate(answer, as_of)
        return answer

    # the bars an answer must pass, when set (``luat train`` opens them to read every first article); else those
    # trained with the library's models, or MIN_COVERAGE alone
    open_bars: Bars | None = None

    def bars(self) -> Bars:
        """The bars an answer must pass: least coverage of the question, least confidence of the judge, and the
        judge's confidence that answers whatever the coverage."""
        if self.open_bars is not None:
            return self.open_bars
        models = self.searcher.models
        if not JUDGE_DECIDES or models is None or models.judge is None:
            return Bars(min_coverage=MIN_COVERAGE, min_confidence=0.0, rescue=2.0)
        return Bars(
            min_coverage=MIN_COVERAGE,
            min_confidence=models.threshold,
            rescue=float(models.info.get("rescue", 2.0)),
        )

    def _judge(self, first: Hit, hits: list[Hit], cov: float) -> tuple[list[float] | None, float | None]:
        """The judge's features of the first article and its confidence that it answers (None, None where the
        article was not ranked by the learned ranker: placed ahead by a reference, a definition, the criminal
        code)."""
        if first.features is None or first.exact:
            return None, None
        scores = [h.rank_score for h in hits if h.rank_score is not None and h is not first]
        own = first.rank_score if first.rank_score is not None else 0.0
        row = first.features + [
            own,
            own - max(scores, default=own - 1.0),
            float(sum(x > own for x in scores)),
            float(first.exact),
            float(first.defines),
            float(first.asked_about),
            cov,
        ]
        models = self.searcher.models
        if models is None or models.judge is None:
            return row, None
        return row, models.confidence(row)

    def _generate(self, answer: Answer, as_of: str | None) -> None:
        """Let the generator rephrase the first opening and conclude; keep what it wrote only where it passes the
        same check as the template: the rephrased opening cites the same unit and its quote is still verbatim from
        it; every reference in the conclusion resolves to a provision the answer quotes, and it quotes nothing."""
        assert self.generator is not None
        opening, body = answer.bases[0].opening, answer.bases[0].body
        answer.generated = {"opening": False, "summary": False, "note": None}
        try:
            made = self.generator.rephrase(
                answer.question, opening, "\n\n".join(b.body for b in answer.bases)
            )
        except GeneratorError as e:
            answer.generated["note"] = f"không gọi được bộ sinh văn bản: {e}"
            return
        refused = []
        if made.opening and made.opening != opening:
            same_basis = _unit_of(self._first_reference(made.opening)) == _unit_of(
                self._first_reference(opening)
            )
            if same_basis and not self.verify(made.opening, body, as_of):
                answer.answer = answer.answer.replace(opening, made.opening, 1)
                answer.bases[0] = Basis(made.opening, body)
                answer.generated["opening"] = True
            else:
                refused.append("câu mở đầu viết lại không giữ đúng căn cứ")
        if made.summary:
            quoted = {
                u[:2] for u in (_unit_of(self._first_reference(b.opening)) for b in answer.bases) if u
            }  # (doc_id, article)
            refs = [r for r in find_references(made.summary, self.names) if r.targets]
            cited = [
                _unit_of(self.resolver.resolve(r, Context()))
                if r.doc is not None and not r.doc.this
                else None
                for r in refs
            ]
            if re.search(r"[“”«»\"]", made.summary) or any(c is None or c[:2] not in quoted for c in cited):
                refused.append(
                    "phần kết luận nêu căn cứ không có trong câu trả lời hoặc trích dẫn nguyên văn"
                )
            else:
                answer.answer += "\n\n" + made.summary
                answer.generated["summary"] = True
        answer.generated["note"] = "; ".join(refused) or None

    def _first_reference(self, text: str) -> Reference | None:
        """The first reference of ``text`` to a unit of a named document (an opening's basis), resolved; None
        when there is none."""
        ref = next(
            (
                r
                for r in find_references(text, self.names)
                if r.targets and r.doc is not None and not r.doc.this
            ),
            None,
        )
        return None if ref is None else self.resolver.resolve(ref, Context())

    def verify(self, opening: str, body: str, as_of: str | None = None) -> list[tuple[str, str]]:
        """Problems with one basis, as (kind, message): "unresolved" when its citation does not resolve to
        an existing unit, "not_verbatim" for each quoted line (bullets stripped) that is not in that unit's
        text (or its version at ``as_of``)."""
        ref = self._first_reference(opening)
        if ref is None:
            return [("unresolved", f"không đọc được trích dẫn trong «{opening}»")]
        if ref.status != "resolved":
            return [("unresolved", ref.message or f"trích dẫn «{ref.text}» không giải được")]
        t = ref.targets[0]
        address = t.address
        if address is not None and parse_address(address)[-1][0] == "diem":
            # a điểm is quoted after the lead of its khoản ("... không cần báo trước trong trường hợp sau đây:")
            address = address_of(parse_address(address)[:-1])
        unit = self.library.unit(t.doc, address) if t.doc is not None and address is not None else None
        source = unit.text if unit else ""
        if as_of and unit and unit.article and t.doc is not None:
            article_text = self.library.article_text_as_of(t.doc, unit.article, as_of)
            source = article_text
        hay = squash(source)
        problems = []
        for line in body.split("\n"):
            q = re.sub(r"^[-+]\s+", "", line.strip())
            if q and squash(q) not in hay:
                problems.append(
                    ("not_verbatim", f"đoạn trích không khớp nguyên văn {citation_of(t.path())}: «{q[:60]}»")
                )
        return problems

    def _article_text(self, hit: Hit, as_of: str | None) -> str:
        return self.library.article_text_as_of(hit.doc.doc_id, hit.article, as_of)

    def _basis(
        self,
        question: str,
        hit: Hit,
        terms: list[str],
        sums: list[int],
        wanted: AnswerType | None,
        as_of: str | None,
        first: bool,
        pq: ParsedQuery,
        text: str | None = None,
    ) -> tuple[str, str, str, Citation]:
        """One basis: (opening sentence, quoted lines, amendment notes, citation); ``sums``: the sums of money
        the question names (``money_in``); ``wanted``: what the question asks for (``asked_type``), which the
        khoản quoted states where one of them does; ``text``: the article's text, when the caller has read it."""
        doc = hit.doc
        text = self._article_text(hit, as_of) if text is None else text
        units = [u for u in parse_body(text) if u.kind in ("khoan", "section")]
        clause = None
        quote = text
        if units:
            # the khoản (or section) that holds the answer, as the searcher chooses it (choose.py): the trained
            # chooser, or the most of the question's words per length, those that tell the khoản apart weighing most
            words = set(terms)

            several = len(units) > 1
            if (
                wanted is not None
            ):  # "bị phạt bao nhiêu": the khoản that sets the fine, not the one naming the act
                units = [u for u in units if wanted.answers(u.text)] or units

            named = (
                next((u for u in units if u.kind == "khoan" and u.label == hit.clause), None)
                if hit.exact or hit.defines
                else None
            )
            # a sum in the question ("trị giá 3 triệu đồng") picks the one khoản whose range holds it
            holding = (
                {u.label: max(range_holds(u.text, v) for v in sums) for u in units if u.kind == "khoan"}
                if sums
                else {}
            )
            outright = [u for u in units if holding.get(u.label) == 2] if holding else []
            best = named or (
                outright[0]
                if len(outright) == 1
                else units[self.searcher.best_passage([u.text for u in units], words, pq)]
            )
            # (measured and not kept: quoting the whole article when the question is its heading and nothing more;
            # TVPL answers name a khoản even then: same khoản 0.768 -> 0.754)
            # quoted alone when it holds any of the question's words (its passage_score is then above 0)
            if several and words & set(WORD.findall(fold_same_length(best.text))):
                clause = best
                # a section's heading line is named in the opening sentence; quote what is under it
                quote = (
                    best.text.split("\n", 1)[1] if best.kind == "section" and "\n" in best.text else best.text
                )
        path = [("dieu", hit.article)]
        if clause is not None:
            path.append((clause.kind, clause.label))
        point = None
        if clause is not None and clause.kind == "khoan" and not hit.exact:
            # one điểm of the khoản answers ("nợ lương": điểm b of the reasons to quit without notice): the khoản's
            # lead and that điểm are quoted, the điểm cited
            points = [c for c in clause.children if c.kind == "diem"]
            at = clause.text.find(points[0].text) if points else -1
            chosen = (
                best_point(clause.text[:at], [c.text for c in points], terms, question) if at > 0 else None
            )
            if chosen is not None:
                point = points[chosen]
                quote = clause.text[:at].rstrip() + "\n" + point.text
                path.append(("diem", point.label))
        cite = citation_of(path)
        name = doc.name
        number = f" (số {doc.number})" if doc.number and doc.number not in name else ""
        section_heading = clause.heading if clause is not None and clause.kind == "section" else None
        topic = _topic(question, section_heading or hit.heading)
        lead = "Căn cứ" if first else "Ngoài ra, theo"
        opening = f"{lead} {cite} {name}{number} quy định về {topic} như sau:"
        body = layout_quote(quote)
        notes = self._amendment_notes(
            doc, hit.article, clause.label if clause is not None and clause.kind == "khoan" else None, as_of
        )
        version = self._version_of(doc.doc_id, hit.article, as_of)
        citation = Citation(
            doc=doc.number or doc.doc_id,
            doc_title=doc.name,
            article=hit.article,
            clause=clause.label if clause is not None and clause.kind == "khoan" else None,
            point=point.label if point is not None else None,
            section=clause.label if clause is not None and clause.kind == "section" else None,
            quote=quote,
            version=version[0],
            source=version[1],
        )
        return opening, body, notes, citation

    def _version_of(self, doc_id: str, article: str, as_of: str | None) -> tuple[str | None, str | None]:
        """Date and source of the text quoted: the current one, or the newest on or before ``as_of``."""
        return self.library.version_source(doc_id, article, as_of)

    def _in_force_first(
        self, hits: list[Hit], terms: list[str], on: str, as_of: str | None, question: str, pq: ParsedQuery
    ) -> list[Hit]:
        """Never a lapsed document as the basis when a provision in force answers: when the best match is not in
        force on ``on`` and one of the next matches is and answers as well (its coverage passes), it goes first."""
        first = hits[0]
        if first.exact or _in_force(first.doc, on):
            return hits
        if self._replaced_elsewhere(first.doc, on):
            return hits  # the law in force on the matter is not in the library: another law's provision is no answer
        for h in hits[1 : IN_FORCE_LOOKAHEAD + 1]:
            if not _in_force(h.doc, on):
                continue
            if (
                h.asked_about
                or coverage(terms, (h.heading or "") + " " + self._article_text(h, as_of)) >= MIN_COVERAGE
            ):
                return [h] + [x for x in hits if x is not h]
        successor = self._successor(first, question, pq, on, as_of)
        if successor is not None:
            return [successor] + [
                x for x in hits if (x.doc.doc_id, x.article) != (successor.doc.doc_id, successor.article)
            ]
        return hits

    def _matter_elsewhere(self, folded: str, text: str | None, on: str) -> str:
        """What :meth:`_replaced_elsewhere` says of the law whose matter the ``folded`` question speaks of (the
        record's subjects: "trợ cấp thất nghiệp" is Luật Việc làm's), when that law was replaced by ``on`` by one the
        library lacks and the best match's ``text`` does not speak of it (BLLĐ Điều 46 on severance names "bảo hiểm
        thất nghiệp" and answers; None: no match answers, whatever it names); "" otherwise."""
        held = fold(text) if text is not None else None
        for r, said in subjects_asked(folded):
            if on < r.since or (held is not None and said.search(held)):
                continue
            found = self.library.find_documents(number_key(r.lapsed))
            law = self.library.document(found[0]) if found else None
            said_elsewhere = self._replaced_elsewhere(law, on) if law is not None else ""
            if said_elsewhere:
                return said_elsewhere
        return ""

    def _replaced_elsewhere(self, doc: Document, on: str, depth: int = 0) -> str:
        """What to say when ``doc`` answers but was replaced by ``on`` by a document the library does not hold (Luật
        Nhà ở 2014 by Luật Nhà ở 27/2023/QH15), or is presumed lapsed with a law that was (a circular detailing Luật
        Việc làm 2013); "" otherwise."""
        status, end = doc.validity(on)
        if status == PRESUMED_LAPSED and end is not None and depth == 0:
            found = self.library.find_documents(number_key(end.by_number))
            law = self.library.document(found[0]) if found else None
            return self._replaced_elsewhere(law, on, depth + 1) if law is not None else ""
        if status != REPEALED or end is None or self.library.find_documents(number_key(end.by_number)):
            return ""
        name = next(
            (
                f"{r.name} (số {r.replaced_by})"
                for r in recorded_replacements()
                if r.replaced_by == end.by_number
            ),
            f"văn bản số {end.by_number}",
        )
        number = f" (số {doc.number})" if doc.number and doc.number not in doc.name else ""
        when = f" từ ngày {_vn_date(end.effective)}" if end.effective else ""
        return (
            f"Câu hỏi thuộc phạm vi {doc.name}{number}, văn bản đã {REPEAL_KINDS[end.kind]}{when} bởi {name}; văn "
            "bản đang có hiệu lực này chưa có trong thư viện, nên không thể trả lời theo quy định hiện hành. Các điều "
            "gần nhất (quy định cũ) được liệt kê để tham khảo. Để bổ sung, nạp toàn văn bằng lệnh: luat ingest "
            "ĐƯỜNG_DẪN_TỆP (.txt, .html hoặc .docx)."
        )

    def _successor(self, hit: Hit, question: str, pq: ParsedQuery, on: str, as_of: str | None) -> Hit | None:
        """The article of the document that replaced ``hit``'s which says the same thing: the best match for the
        question inside the replacing document (the one whose statement ended it), headed like the lapsed article
        ("Trợ cấp một lần khi sinh con hoặc nhận nuôi con nuôi" of 58/2014/QH13 → "Trợ cấp một lần khi sinh con, nhận
        nuôi con nuôi" of 41/2024/QH15)."""
        _status, end = hit.doc.validity(on)
        if end is None or end.kind == PRESUMED_LAPSED:
            return None
        replacing = self.library.find_documents(number_key(end.by_number))
        replacement = self.library.document(replacing[0]) if replacing else None
        if replacement is None or not _in_force(replacement, on):
            return None
        old = set(folded_syllables(hit.heading or ""))
        if not old:
            return None
        best, best_overlap = None, SUCCESSOR_HEADING_OVERLAP
        for h in self.searcher.search(
            question, k=SUCCESSOR_CANDIDATES, parsed=pq, filters=Filters(doc_id=replacing[0], as_of=as_of)
        ):
            new = set(folded_syllables(h.heading or ""))
            overlap = len(old & new) / len(old | new) if new else 0.0
            if overlap >= best_overlap:
                best, best_overlap = h, overlap
        return best

    def _general_rule_first(self, hits: list[Hit], terms: list[str], as_of: str | None) -> list[Hit]:
        """The provision that states the general rule goes first when several answer alike: a Luật before the Nghị
        định or Thông tư detailing it, and within one document the first of the articles headed alike (the chapter
        on compulsory insurance before the one on voluntary insurance), when its heading holds the best match's
        heading and it answers as well (its coverage passes)."""
        first = hits[0]
        if first.exact or first.defines:
            return hits
        head = set(folded_syllables(first.heading or ""))
        if not head:
            return hits
        rank = HIERARCHY.get(first.doc.doc_type or "", len(HIERARCHY))
        for h in hits[1 : GENERAL_RULE_LOOKAHEAD + 1]:
            if (
                not head <= set(folded_syllables(h.heading or ""))
                or h.doc.validity(as_of or time.strftime("%Y-%m-%d"))[0] != IN_FORCE
            ):
                continue
            same = fold(h.heading or "") == fold(first.heading or "")
            higher = "higher" in GENERAL_RULES and HIERARCHY.get(h.doc.doc_type or "", len(HIERARCHY)) < rank
            higher = higher or (
                "higher_same" in GENERAL_RULES
                and same
                and HIERARCHY.get(h.doc.doc_type or "", len(HIERARCHY)) < rank
            )
            earlier = (
                "earlier" in GENERAL_RULES
                and h.doc.doc_id == first.doc.doc_id
                and same
                and sort_key(article_address(h.article)) < sort_key(article_address(first.article))
            )
            if not (higher or earlier):
                continue
            # it answers at least as well: its coverage of the question is no lower than the best match's
            bar = coverage(terms, (first.heading or "") + " " + self._article_text(first, as_of))
            if coverage(terms, (h.heading or "") + " " + self._article_text(h, as_of)) >= max(
                MIN_COVERAGE, bar
            ):
                return [h] + [x for x in hits if x is not h]
        return hits

    def _conditions_first(self, hits: list[Hit], folded: str, as_of: str | None) -> list[Hit]:
        """Asked the conditions of a right ("đóng bao nhiêu năm thì đủ điều kiện hưởng lương hưu"), the article that
        sets them goes first when the best match only refers to it ("Mức lương hưu hằng tháng của đối tượng đủ điều
        kiện quy định tại Điều 64 của Luật này") and it is among the next matches."""
        first = hits[0]
        if first.exact or first.defines or not _ASKS_CONDITIONS.search(folded):
            return hits
        referred = _REFERS_CONDITIONS.search(fold(self._article_text(first, as_of)))
        if referred is None:
            return hits
        for h in hits[1 : GENERAL_RULE_LOOKAHEAD + 1]:
            if h.doc.doc_id == first.doc.doc_id and h.article == referred.group(1):
                return [h] + [x for x in hits if x is not h]
        return hits

    def _lapse_note(self, doc: Document, on: str, article: str | None = None) -> str:
        """ "Lưu ý: Luật Bảo hiểm xã hội 2014 (số 58/2014/QH13) đã hết hiệu lực từ ngày 01/07/2025 theo Điều 140 văn bản
        số 41/2024/QH15 ..." for a document not in force on ``on``; "" for one in force."""
        status, end = doc.validity(on)
        number = f" (số {doc.number})" if doc.number and doc.number not in doc.name else ""
        own = article_address(article) if article else None
        if status == NOT_YET_IN_FORCE and any(
            a.kind == EFFECTIVE_FROM and a.target == own and (a.effective or "") <= on for a in doc.amendments
        ):
            return ""  # the article took effect before its document ("Điều 190 ... có hiệu lực từ ngày 01/4/2024")
        if status == NOT_YET_IN_FORCE:
            since = f" (có hiệu lực từ ngày {_vn_date(doc.effective)})" if doc.effective else ""
            return f"Lưu ý: {doc.name}{number} chưa có hiệu lực vào ngày {_vn_date(on)}{since}."
        if end is None:
            return ""
        when = f" từ ngày {_vn_date(end.effective)}" if end.effective else ""
        if end.kind == PRESUMED_LAPSED:
            return (
                f"Lưu ý: {doc.name}{number} {PRESUMED_LAPSED}{when}, vì văn bản số {end.by_number} mà nó quy định chi "
                f"tiết đã hết hiệu lực ({end.by_units}); nội dung dưới đây chỉ để tham khảo."
            )
        return (
            f"Lưu ý: {doc.name}{number} đã {REPEAL_KINDS[end.kind]}{when} theo {_by(end.by_units)}văn bản số "
            f"{end.by_number}; nội dung dưới đây là quy định cũ, hãy đối chiếu với văn bản thay thế."
        )

    def _amendment_notes(
        self, doc: Document, article: str, clause: str | None = None, on: str | None = None
    ) -> str:
        """Notes on the changes the library knows of the quoted article (and its khoản ``clause``): what amended,
        added or ended it, by which provision, from when."""
        on = on or time.strftime("%Y-%m-%d")
        target = article_address(article)
        quoted = {target} | ({f"{target}-khoan-{clause}"} if clause else set())
        notes = []
        for a in doc.amendments:
            if a.repeals or not a.target:
                continue
            inside = a.target in quoted or (clause is None and a.target.startswith(target + "-"))
            inside = inside or bool(clause and a.target.startswith(f"{target}-khoan-{clause}-"))
            if not inside:
                continue
            when = f" từ ngày {_vn_date(a.effective)}" if a.effective else ""
            where = citation_of(parse_address(a.target))
            later = bool(a.effective and a.effective > on)
            if a.kind == EFFECTIVE_FROM:  # a unit with an entry into force of its own
                notes.append(
                    f"Lưu ý: {where} "
                    + (f"chưa có hiệu lực vào ngày {_vn_date(on)}; " if later else "")
                    + f"có hiệu lực{when} theo {a.by_units} văn bản số {a.by_number}."
                )
            elif later:
                notes.append(
                    f"Lưu ý: {where} được {a.kind} bởi {a.by_units} văn bản số {a.by_number}{when}, sau ngày "
                    f"{_vn_date(on)}."
                )
            else:
                notes.append(
                    f"Lưu ý: {where} đã được {a.kind} bởi {a.by_units} văn bản số {a.by_number}{when}; "
                    "nội dung trên là bản mới nhất mà thư viện có."
                    if on == time.strftime("%Y-%m-%d")
                    else f"Lưu ý: {where} đã được {a.kind} bởi {a.by_units} văn bản số {a.by_number}{when}."
                )
        return "\n".join(dict.fromkeys(notes))


_ORDINALS = ["thứ nhất", "thứ hai", "thứ ba", "thứ tư", "thứ năm"]


def _letter_answer(question: str, parts: list[str], answers: list[Answer]) -> Answer:
    """One answer to a letter of several questions: "Về câu hỏi thứ nhất (...):" and its answer, for each; answered
    when any of them is, its citations those of every answer in the order asked."""
    blocks, citations, bases, retrieved, seen = [], [], [], [], set()
    for i, (part, a) in enumerate(zip(parts, answers, strict=True)):
        blocks.append(f"Về câu hỏi {_ORDINALS[i]} ({part.rstrip('?').strip()}?):\n\n{a.answer}")
        for c in a.citations:
            key = (c.doc, c.article, c.clause, c.point)
            if key not in seen:
                seen.add(key)
                citations.append(c)
        bases += a.bases
        retrieved += [r for r in a.retrieved if r not in retrieved]
    shown = [a for a in answers if a.status == "answered"]
    status = (
        "answered"
        if shown
        else ("not_in_library" if all(a.status == "not_in_library" for a in answers) else "not_found")
    )
    lead = shown[0] if shown else answers[0]
    return Answer(
        question,
        status,
        "\n\n".join(blocks),
        citations,
        retrieved,
        coverage=lead.coverage,
        bases=bases,
        judged=lead.judged,
        confidence=lead.confidence,
    )


def _in_force(doc: Document, on: str) -> bool:
    return doc.validity(on)[0] == IN_FORCE


def _unit_of(ref: Reference | None) -> tuple[str | None, str, str | None] | None:
    """(doc_id, article, address) of a resolved reference's first target; None when it did not resolve."""
    if ref is None or ref.status != "resolved":
        return None
    t = ref.targets[0]
    return t.doc, t.article or "", t.address


def _vn_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"
