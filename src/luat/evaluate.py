"""``luat eval``: retrieval quality and speed on a benchmark file, side by side with a plain BM25 baseline; with
``--ask``, the consultant's answers scored (:func:`evaluate_ask`: first citation gold, abstentions, quotes verified).

A benchmark line is ``{"id", "question", "relevant": [{"doc", "article"}]}``. A hit is a result whose source
document and article equal a gold pair (numbers compared after normalisation). Metrics are at the level of
(document, article): Recall@1/5/10, MRR@10, nDCG@10 (binary gains), queries per second, p50/p95 latency.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cite import Context, Resolver, find_references, library_names
from .models import InputError, parse_address
from .readers.common import read_input
from .search import Filters, Searcher, key_of
from .sohieu import number_key

if TYPE_CHECKING:
    from .store import Library


def compact_reference(ref) -> tuple[str | None, list[str]]:
    """A found reference as labelled in the reference sets: (document mention, targets), the mention as
    "this", a number, or "name:<folded name>@<year>"; a target as "article/clause/point", "article/M.section"
    or "C.chapter"."""
    d = ref.doc
    doc = (
        None
        if d is None
        else ("this" if d.this else (d.number or f"name:{d.name}" + (f"@{d.year}" if d.year else "")))
    )
    targets = []
    for t in ref.targets:
        x = "/".join(v for v in [t.article or "", t.clause or "", t.point or ""]).rstrip("/")
        if t.section:
            x = f"{t.article}/M.{t.section}"
        if t.chapter and not t.article:
            x = f"C.{t.chapter}"
        targets.append(x)
    return doc, targets


@dataclass
class BenchQuestion:
    """A benchmark question: its id, its words, the relevant (document, Điều) keys, what the consultant should do
    ("not_in_library"), a human answer whose legal basis is its gold, and its split."""

    id: str
    question: str
    relevant: set[tuple[str, str]]
    expect: str | None = None
    answer: str | None = None
    split: str | None = None  # "dev" (tune on it) or "test" (report on it) where the set is split
    # the khoản that answer, per relevant (document, Điều) key, where the set names them
    clauses: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    # how it is written, where the set says ("plain", "story", "letter", "no-diacritics", "typo")
    style: str | None = None


def load_bench(path: Path) -> tuple[list[BenchQuestion], list[str]]:
    """Questions from a benchmark file; lines that are not valid are reported and skipped."""
    out, errors = [], []
    try:
        lines = read_input(path).decode("utf-8-sig").splitlines()  # a regular file within MAX_FILE_BYTES
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"cannot read ({e})") from e
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d, dict):
                raise TypeError(f"a JSON {type(d).__name__}, not an object with 'question' and 'relevant'")
            rel = {key_of(r["doc"], str(r["article"])) for r in d.get("relevant") or []}
            clauses: dict[tuple[str, str], set[str]] = {}
            for r in d.get("relevant") or []:
                if r.get("clause"):
                    clauses.setdefault(key_of(r["doc"], str(r["article"])), set()).add(str(r["clause"]))
            q = d["question"]
            if not isinstance(q, str) or not q.strip():
                raise ValueError("empty 'question'")
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            errors.append(f"{path}:{i}: {e}")
            continue
        out.append(
            BenchQuestion(
                str(d.get("id", i)),
                q,
                rel,
                # a question written as one the library cannot answer ("unanswerable": true) expects no answer
                d.get("expect") or ("not_in_library" if d.get("unanswerable") is True else None),
                d.get("answer"),
                d.get("split"),
                clauses,
                d.get("style") if isinstance(d.get("style"), str) else None,
            )
        )
    if not out:
        first = (
            f" (line {errors[0].split(':', 2)[1]}: {errors[0].split(':', 2)[2].strip()})" if errors else ""
        )
        raise InputError(str(path), f"no valid benchmark line{first}")
    return out, errors


@dataclass
class RunMetrics:
    """How a search run scored on a benchmark: recall at 1, 5 and 10, MRR@10, nDCG@10, questions per second and
    latency percentiles."""

    name: str
    recall: dict[int, float] = field(default_factory=dict)
    mrr10: float = 0.0
    ndcg10: float = 0.0
    qps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    questions: int = 0

    def as_dict(self) -> dict:
        """The scores as JSON, rounded ("recall@1", "mrr@10", "p95_ms", ...)."""
        return {
            "name": self.name,
            "questions": self.questions,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            "mrr@10": round(self.mrr10, 4),
            "ndcg@10": round(self.ndcg10, 4),
            "qps": round(self.qps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
        }


def latency_ms(latencies: list[float]) -> tuple[float, float]:
    """p50 and p95 of latencies in seconds, in milliseconds (median; nearest rank for p95). One definition for
    every figure luat reports."""
    if not latencies:
        return 0.0, 0.0
    s = sorted(latencies)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(0.95 * len(s)))] * 1000


def score_run(
    name: str,
    questions: list[BenchQuestion],
    ranked: list[list[tuple[str, str]]],
    latencies: list[float],
    ks: tuple[int, ...] = (1, 5, 10),
) -> RunMetrics:
    """Metrics of ranked (document, article) lists against the gold pairs (questions without gold skipped)."""
    m = RunMetrics(name)
    rows = [(q, r) for q, r in zip(questions, ranked, strict=True) if q.relevant]
    m.questions = len(rows)
    if not rows:
        return m
    for k in ks:
        m.recall[k] = sum(len(q.relevant & set(r[:k])) / len(q.relevant) for q, r in rows) / len(rows)
    mrr = ndcg = 0.0
    for q, r in rows:
        for i, key in enumerate(r[:10]):
            if key in q.relevant:
                mrr += 1 / (i + 1)
                break
        dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(r[:10]) if key in q.relevant)
        idcg = sum(1 / math.log2(i + 2) for i in range(min(10, len(q.relevant))))
        ndcg += dcg / idcg
    m.mrr10, m.ndcg10 = mrr / len(rows), ndcg / len(rows)
    if latencies:
        m.qps = len(latencies) / sum(latencies)
        m.p50_ms, m.p95_ms = latency_ms(latencies)
    return m


def run_search(
    searcher: Searcher,
    questions: list[BenchQuestion],
    k: int,
    plain: bool,
    progress: Callable[[], None] | None = None,
    as_of: str | None = None,
) -> tuple[list[list[tuple[str, str]]], list[float]]:
    """Each question's ranked (document, article) keys and its latency; ``as_of``: rank as on that day (a benchmark
    whose gold cites documents since replaced is asked as of a day before the replacements)."""
    ranked, lat = [], []
    filters = Filters(as_of=as_of)
    for q in questions:
        t0 = time.perf_counter()
        hits = searcher.search(q.question, k=k, plain=plain, filters=filters)
        lat.append(time.perf_counter() - t0)
        ranked.append([key_of(h.doc.number or h.doc.doc_id, h.article) for h in hits])
        if progress:
            progress()
    return ranked, lat


# ------------------------------------------------------------------------------------------- evaluation


def evaluate_ask(
    questions, library: str = "default", progress: bool = True, as_of: str | None = None
) -> dict:
    """Score ``luat ask``: first citation gold, any citation gold, answered share, abstentions on
    not-in-library questions, p50/p95 time, the counts of unresolved citations and non-verbatim quotes, and for
    answers in the TVPL style, how often a right first article is quoted at the human answer's khoản."""
    from . import api
    from .answer import Consultant
    from .progress import bar

    lib = api.open_library(library)
    consultant = Consultant(lib, api.searcher(library))
    first_gold = any_gold = answered = abstain_ok = expect_abstain = with_gold = 0
    unresolved = not_verbatim = with_clause = same_clause = 0
    times = []
    b = bar(len(questions), "Đánh giá ask", progress)
    details = []
    for q in questions:
        gold, gold_clause = set(q.relevant), None
        if not gold and q.answer:
            gold, gold_clause = gold_from_answer(q.answer, lib)
        t0 = time.perf_counter()
        a = consultant.ask(q.question, as_of=as_of)
        times.append(time.perf_counter() - t0)
        b.update(1)
        cited = [key_of(c.doc, c.article) for c in a.citations]
        if q.expect == "not_in_library":
            expect_abstain += 1
            abstain_ok += a.status != "answered"
        if a.status == "answered":
            answered += 1
            # audit what was shown, line by line, against the library
            for basis in a.bases:
                for kind, _message in consultant.verify(basis.opening, basis.body, as_of):
                    unresolved += kind == "unresolved"
                    not_verbatim += kind == "not_verbatim"
        if gold and q.expect != "not_in_library":
            with_gold += 1
            first_gold += bool(cited) and cited[0] in gold
            any_gold += any(c in gold for c in cited)
            if (
                gold_clause and cited and cited[0] in gold
            ):  # the human answer names a khoản of the same article
                with_clause += 1
                same_clause += a.citations[0].clause == gold_clause
        details.append({"id": q.id, "status": a.status, "cited": cited[:3]})
    b.close()
    p50, p95 = latency_ms(times)
    n = len(questions)
    out: dict[str, Any] = {
        "questions": n,
        "answered": round(answered / max(1, n), 4),
        "questions_with_gold": with_gold,
        "first_citation_gold": round(first_gold / max(1, with_gold), 4),
        "any_citation_gold": round(any_gold / max(1, with_gold), 4),
        "unresolved_citations": unresolved,
        "non_verbatim_quotes": not_verbatim,
        "p50_ms": round(p50, 1) if times else None,
        "p95_ms": round(p95, 1) if times else None,
    }
    if expect_abstain:
        out["abstained_when_not_in_library"] = round(abstain_ok / expect_abstain, 4)
    if with_clause:  # answers in the TVPL style: is the khoản quoted the one the human answer cites?
        out["first_citation_same_khoan"] = round(same_clause / with_clause, 4)
        out["first_citations_with_khoan"] = with_clause
    out["details"] = details
    return out


def gold_from_answer(answer: str, lib: Library) -> tuple[set[tuple[str, str]], str | None]:
    """The legal basis a human answer opens with ("căn cứ khoản 1 điều 25 nghị định 29/2024/nđ-cp"), as
    (document, article) pairs through the reference engine, only when the document is in the library; and the
    khoản its first target names, if any."""
    first = re.split(r"(?<=[.:])\s|\n", answer.strip(), maxsplit=1)[0]
    resolver = Resolver(lib)
    for ref in find_references(first, library_names(lib)):
        if ref.doc is None or ref.doc.this or not ref.targets:
            continue
        resolver.resolve(ref, Context())
        if ref.doc_id is None:
            return set(), None
        doc = lib.document(ref.doc_id)
        key = number_key(doc.number or doc.doc_id) if doc else number_key(ref.doc_id)
        clause = next(
            (label for kind, label in parse_address(ref.targets[0].address or "") if kind == "khoan"), None
        )
        return {(key, t.article.lower()) for t in ref.targets if t.article}, clause
    return set(), None
