"""Rank and judge: a learned order of the candidate articles of a question, and whether the first one answers it.

The lexical search (search.py) finds candidates; this stage describes each (question, article) pair by what a
reader would look at, in numbers (:data:`FEATURES`): how much of the question its text and heading hold, how
BM25 and the hand-written rerank placed it, what kind of document it belongs to (a Luật before the Nghị định and
Thông tư that detail it), whether it is in force, whether it is the armed forces' own rule asked by a civilian,
and how close the question and the article are in the library's own static embedding (embed.py) when one is
built. Two LightGBM models read them, both trained by ``luat train`` on the labelled questions (train.py):

- the **ranker** (lambdarank) orders the candidates;
- the **judge** (binary) says how likely the article the answer would open with is one a lawyer would cite;
  below :data:`Models.threshold` the consultant abstains.

Without trained models (a new library, the tests' small libraries) nothing changes: the hand-written order and
the coverage threshold stand.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .choose import CLAUSE_FEATURES, ranks
from .store import luat_home
from .vocabulary import FINAL_PROVISIONS_HEADING, GLOSSARY_HEADING, SCOPE_HEADING

# kinds of document, the higher rule first (a Luật is what a Nghị định and a Thông tư detail)
DOC_RANK = {
    "Hiến pháp": 0,
    "Bộ luật": 0,
    "Luật": 0,
    "Nghị quyết": 1,
    "Pháp lệnh": 1,
    "Nghị định": 2,
    "Quyết định": 3,
    "Thông tư": 3,
    "Thông tư liên tịch": 3,
}
OTHER_DOC = 4

FEATURES = [
    "bm25",
    "bm25_share",
    "bm25_rank",
    "rule_share",
    "rule_rank",
    "held",
    "text_words",
    "text_bigrams",
    "asked_words",
    "asked_bigrams",
    "heading_recall",
    "heading_precision",
    "heading_words",
    "telling_text",
    "telling_heading",
    "text_length",
    "doc_rank",
    "in_force",
    "armed_to_civilian",
    "scope",
    "glossary",
    "effect",
    "question_words",
    "semantic",
    "semantic_rank",
    "semantic_share",
    "title_in_question",
    "title_words",
    "repeats_heading",
    "document_cited",
    "article_cited",
]
JUDGE_FEATURES = FEATURES + [
    "rank_score",
    "rank_margin",
    "first_rank",
    "exact",
    "defines",
    "asked_about",
    "coverage",
]


@dataclass
class Candidate:
    """One article the lexical search found for a question, with what the features read."""

    doc_id: str
    article: str
    bm25: float  # the index's score (at the repealed documents' weight)
    score: float  # after the hand-written rerank
    text: str  # folded syllables of the article, one space apart
    heading: str  # folded syllables of its heading
    held: bool = False  # the question holds its heading as a phrase
    doc_type: str | None = None
    in_force: bool = True
    armed: bool = False  # the armed forces' or police's own document
    semantic: float = 0.0  # cosine of question and article in the static embedding (0 without one)
    title: str = (
        ""  # folded syllables of its document's title ("lao dong"; a sector's own rules name the sector)
    )
    # an earlier article of its document has the same heading: the rule for a special group or scheme after the
    # general one (Điều 98 "Đối tượng và điều kiện hưởng lương hưu" of the voluntary scheme after Điều 64's)
    repeats_heading: bool = False
    # how many references of the library's other documents reach its document, and the article itself: what the
    # rest of the law leans on (the Bộ luật Lao động, its Điều 169) is what people ask about more often
    document_cited: int = 0
    article_cited: int = 0
    # the question's content words its text holds, where the search's rerank found them already
    holds: frozenset[str] | None = None


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


def _share(part: set, whole: set) -> float:
    return len(part & whole) / len(whole) if whole else 0.0


def features(
    terms: list[str], asked: list[str] | None, candidates: list[Candidate], asks_armed: bool = False
) -> list[list[float]]:
    """One row of :data:`FEATURES` per candidate, for a question of folded content syllables ``terms`` (``asked``:
    those of the sentence that asks, when the question has a story around it)."""
    if not candidates:
        return []
    q = set(terms)
    qb = _bigrams(terms)
    a = set(asked or terms)
    ab = _bigrams(list(asked or terms))
    best_bm25 = max(c.bm25 for c in candidates) or 1.0
    best_rule = max(c.score for c in candidates) or 1.0
    best_sem = max(c.semantic for c in candidates)
    bm25_rank = ranks([c.bm25 for c in candidates])
    rule_rank = ranks([c.score for c in candidates])
    sem_rank = ranks([c.semantic for c in candidates])
    # which of the question's words and word pairs each text holds, by a padded substring test on the folded
    # syllables one space apart (splitting the long texts into sets of words and pairs cost a search 10 ms)
    padded = [f" {c.text} " for c in candidates]
    asked_words = q | a
    asked_pairs = qb | ab
    sets = [
        {t for t in asked_words if f" {t} " in text}
        if c.holds is None
        else set(c.holds) | {t for t in a - q if f" {t} " in text}
        for c, text in zip(candidates, padded, strict=True)
    ]
    # a pair only where the text holds both its words (a set lookup spares most substring tests)
    pair_sets = [
        {p for p in asked_pairs if p[0] in words and p[1] in words and f" {p[0]} {p[1]} " in text}
        for text, words in zip(padded, sets, strict=True)
    ]
    heads = [c.heading.split() for c in candidates]
    # the question's words that tell the candidates apart weigh more (those that every candidate holds, less)
    n = len(candidates)
    weight = {t: math.log((n + 1) / (1 + sum(t in s for s in sets))) for t in q}
    total = math.fsum(weight.values()) or 1.0  # fsum: the same sum whatever the set's order (hash seed)
    rows = []
    for i, c in enumerate(candidates):
        s, h = sets[i], set(heads[i])
        pairs = pair_sets[i]
        rows.append(
            [
                c.bm25,
                c.bm25 / best_bm25,
                bm25_rank[i],
                c.score / best_rule,
                rule_rank[i],
                float(c.held),
                _share(s, q),
                _share(pairs, qb) if qb else 0.0,
                _share(s, a),
                _share(pairs, ab) if ab else 0.0,
                _share(h, q),
                len(h & q) / len(h) if h else 0.0,
                len(heads[i]),
                math.fsum(w for t, w in weight.items() if t in s) / total,
                math.fsum(w for t, w in weight.items() if t in h) / total,
                math.log1p(c.text.count(" ") + 1 if c.text else 0),
                DOC_RANK.get(c.doc_type or "", OTHER_DOC),
                float(c.in_force),
                float(c.armed and not asks_armed),
                float(bool(SCOPE_HEADING.match(c.heading))),
                float(bool(GLOSSARY_HEADING.search(c.heading))),
                float(bool(FINAL_PROVISIONS_HEADING.match(c.heading))),
                len(q),
                c.semantic,
                sem_rank[i],
                c.semantic - best_sem,
                _share(q, set(c.title.split())),
                len(c.title.split()),
                float(c.repeats_heading),
                math.log1p(c.document_cited),
                math.log1p(c.article_cited),
            ]
        )
    return rows


def models_dir(library: str) -> Path:
    """The folder of the models ``luat train`` learned for ``library`` (``$LUAT_HOME/models/LIBRARY``)."""
    return luat_home() / "models" / library


@dataclass
class Ensemble:
    """LightGBM models of one task, trained alike but for their seed, whose scores are averaged: one model's order of
    close candidates, and so the held-out figures, moved by ±0.02 between trainings from one changed question; the
    mean of a few moves less (docs/BENCHMARKS.md, learned)."""

    boosters: list

    def predict(self, rows, num_threads: int = 1):
        """The mean of the models' scores of ``rows``."""
        import numpy as np

        return np.mean([b.predict(rows, num_threads=num_threads) for b in self.boosters], axis=0)

    @staticmethod
    def file(folder: Path, name: str, i: int) -> Path:
        """Where the ``i``-th model is kept: ``NAME.txt`` (a single model's file, as before ensembles), ``NAME.1.txt``, ..."""
        return folder / (f"{name}.txt" if i == 0 else f"{name}.{i}.txt")

    def save(self, folder: Path, name: str) -> None:
        """Write the models (:meth:`file`)."""
        for i, b in enumerate(self.boosters):
            b.save_model(str(self.file(folder, name, i)))

    @classmethod
    def load(cls, folder: Path, name: str, count: int) -> Ensemble:
        """The ``count`` models :meth:`save` wrote."""
        import lightgbm

        return cls(
            [lightgbm.Booster(model_file=str(cls.file(folder, name, i))) for i in range(max(1, count))]
        )


@dataclass
class Models:
    """The trained ranker and judge of a library (``luat train``), with the judge's abstention threshold, and the
    chooser of the khoản that answers (choose.py)."""

    ranker: object
    judge: object | None
    threshold: float
    info: dict
    chooser: object | None = None

    @classmethod
    def load(cls, library: str) -> Models | None:
        """The library's trained models, or None when ``luat train`` has not built them (or they are from
        another feature set)."""
        d = models_dir(library)
        meta = d / "models.json"
        if not meta.exists():
            return None
        try:
            info = json.loads(meta.read_text())
            if (
                info.get("features") != FEATURES
                or info.get("judge_features") != JUDGE_FEATURES
                or info.get("clause_features", CLAUSE_FEATURES) != CLAUSE_FEATURES
            ):
                return None
            import lightgbm

            ranker = Ensemble.load(d, "ranker", int(info.get("ensemble", 1)))
            judge = (
                Ensemble.load(d, "judge", int(info.get("ensemble", 1)))
                if Ensemble.file(d, "judge", 0).exists()
                else None
            )
            chooser = (
                lightgbm.Booster(model_file=str(d / "chooser.txt")) if (d / "chooser.txt").exists() else None
            )
        except (OSError, ValueError, ImportError):
            return None
        return cls(ranker, judge, float(info.get("threshold", 0.5)), info, chooser)

    # each prediction on one thread: on a handful of rows, LightGBM's OpenMP threads waiting on numpy's after the
    # embedding's product made a search 69 ms instead of 33 (2026-12-02)
    def order(self, rows: list[list[float]]) -> list[float]:
        """The ranker's score of each candidate row (higher first)."""
        if not rows:
            return []
        return [float(x) for x in self.ranker.predict(rows, num_threads=1)]  # type: ignore[attr-defined]

    def choose(self, rows: list[list[float]]) -> list[float]:
        """The khoản chooser's score of each passage row of :data:`choose.CLAUSE_FEATURES` (higher: it answers)."""
        assert self.chooser is not None
        return [float(x) for x in self.chooser.predict(rows, num_threads=1)]  # type: ignore[attr-defined]

    def confidence(self, row: list[float]) -> float:
        """The judge's probability that the first article answers (1.0 without a judge)."""
        if self.judge is None:
            return 1.0
        return float(self.judge.predict([row], num_threads=1)[0])  # type: ignore[attr-defined]
