"""Choose the unit: which khoản (or numbered section) of an article answers a question.

An article found for a question answers it in one of its khoản: "con dưới 36 tháng tuổi được giao cho mẹ trực
tiếp nuôi" is khoản 3 of Điều 81 Luật Hôn nhân và gia đình, not khoản 2 that names the same parents and children.
Each passage is described by what a reader would look at (:data:`CLAUSE_FEATURES`): how many of the question's
words it holds (those that tell the passages apart weighing most, its first line apart), how close it is to the
question in the library's static embedding, where it stands in the article, how long it is, and whether it states
an amount when the question asks for one. With a trained chooser (``luat train``, the khoản the labelled
questions' gold names) a LightGBM model orders them; without one the lexical :func:`passage_score` does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet

from .index import bigrams
from .text import WORD, fold, fold_same_length, folded_syllables
from .vocabulary import ASKS_AMOUNT, OPENS_WITH_EXCEPTION, STATES_AMOUNT

CLAUSE_FEATURES = [
    "lexical",
    "lexical_share",
    "lexical_rank",
    "lead_words",
    "telling_words",
    "semantic",
    "semantic_gap",
    "semantic_rank",
    "position",
    "position_share",
    "passages",
    "length",
    "asks_amount",
    "states_amount",
    "exception",
]


def telling_weights(candidates: Sequence[AbstractSet[str]], terms: Iterable[str]) -> dict[str, float]:
    """Weights of the query's terms for choosing among candidates (``candidates``: the folded syllables each
    holds): a term every candidate holds says little about which one answers, a rarer one says more:
    log((n + 1) / (candidates holding it + 0.5)). Among the top 30 articles of a search, the long name of a
    council every article of its circular repeats weighs little, "tiêu chuẩn" or "cấp Bộ" much; among the khoản
    of one article, its subject ("dữ liệu cá nhân" throughout) weighs little, "hồ sơ" or "thời hạn" much (TVPL
    answers whose first article is right name the human answer's khoản 105 times of 136 with these weights, 92
    without)."""
    n = len(candidates)
    return {t: math.log((n + 1) / (sum(1 for c in candidates if t in c) + 0.5)) for t in terms}


def passage_score(
    text: str,
    terms: set[str],
    folded: str | None = None,
    weights: dict[str, float] | None = None,
    words: list[str] | None = None,
) -> float:
    """How well a khoản (or section) answers the query's folded terms: its first line (a khoản's lead, a
    section's heading) says what it is about; the rest counts, damped by length. ``folded`` is the text
    already folded (``fold_same_length``) and ``words`` its syllables, when the caller has them; ``weights``:
    each term's weight among the passages compared (``telling_weights``), 1 without."""
    folded = fold_same_length(text) if folded is None else folded
    words = WORD.findall(folded) if words is None else words
    line_end = folded.find("\n")
    lead = set(WORD.findall(folded if line_end < 0 else folded[:line_end]))

    def mass(found: set[str]) -> float:
        """The weight of ``found`` terms: the sum of their weights, or how many they are without weights."""
        return math.fsum(weights.get(t, 1.0) for t in found) if weights is not None else len(found)

    return mass(lead & terms) / (1 + len(lead) ** 0.5) + mass(set(words) & terms) / (1 + len(words) ** 0.35)


def ranks(values: Sequence[float]) -> list[int]:
    """Each value's place when they are sorted highest first (0 for the highest; equals in their order)."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0] * len(values)
    for r, i in enumerate(order):
        ranks[i] = r
    return ranks


def clause_features(
    passages: Sequence[str], terms: set[str], question: str, similarity: Sequence[float] | None = None
) -> list[list[float]]:
    """One row of :data:`CLAUSE_FEATURES` per passage (the khoản or sections of one article, in order) for a
    question of folded content syllables ``terms``; ``similarity``: each passage's cosine with the question in the
    library's embedding (0 without one)."""
    folded = [fold_same_length(p) for p in passages]
    words = [WORD.findall(f) for f in folded]
    weights = telling_weights([set(w) for w in words], terms)
    total = math.fsum(weights.values()) or 1.0
    lexical = [
        passage_score(p, terms, f, weights, w) for p, f, w in zip(passages, folded, words, strict=True)
    ]
    top = max(lexical, default=0.0) or 1.0
    sims = list(similarity) if similarity is not None else [0.0] * len(passages)
    best_sim = max(sims, default=0.0)
    lexical_rank, sim_rank = ranks(lexical), ranks(sims)
    asks = float(bool(ASKS_AMOUNT.search(fold(question))))
    n = len(passages)
    rows = []
    for i, f in enumerate(folded):
        end = f.find("\n")
        lead = set(WORD.findall(f if end < 0 else f[:end]))
        held = set(words[i])
        rows.append(
            [
                lexical[i],
                lexical[i] / top,
                lexical_rank[i],
                len(lead & terms) / len(terms) if terms else 0.0,
                math.fsum(w for t, w in weights.items() if t in held) / total,
                sims[i],
                sims[i] - best_sim,
                sim_rank[i],
                i,
                i / (n - 1) if n > 1 else 0.0,
                n,
                math.log1p(len(words[i])),
                asks,
                float(bool(STATES_AMOUNT.search(f))),
                float(bool(OPENS_WITH_EXCEPTION.search(f[:200]))),
            ]
        )
    return rows


def best_passage(
    passages: Sequence[str],
    terms: set[str],
    question: str,
    similarity: Sequence[float] | None = None,
    model: Callable[[list[list[float]]], list[float]] | None = None,
) -> int:
    """The index of the passage that answers the question: the trained chooser's best (``model``: a row of
    :data:`CLAUSE_FEATURES` per passage → a score each) or, without one, the best :func:`passage_score` (the first
    of equals)."""
    return best_passages([passages], terms, question, [similarity], model)[0]


def best_passages(
    articles: Sequence[Sequence[str]],
    terms: set[str],
    question: str,
    similarities: Sequence[Sequence[float] | None],
    model: Callable[[list[list[float]]], list[float]] | None = None,
) -> list[int]:
    """:func:`best_passage` of each article's passages (``similarities``: theirs, or None), the model asked once for
    all of them (a search's ten hits: one prediction instead of ten)."""
    rows = [
        clause_features(passages, terms, question, similarity)
        for passages, similarity in zip(articles, similarities, strict=True)
    ]
    flat = [row for article in rows for row in article]
    scores = model(flat) if model is not None and flat else [row[0] for row in flat]
    chosen, start = [], 0
    for article in rows:
        n = len(article)
        chosen.append(max(range(n), key=lambda i: scores[start + i]) if n else 0)
        start += n
    return chosen


# a question that asks for the whole list ("trong những trường hợp nào", "gồm những gì"): every điểm answers (folded)
ASKS_LIST = re.compile(
    r"\b(?:nhung|cac) (?:truong hop|dieu kien|giay to|ho so|hanh vi|noi dung|quyen|loai|doi tuong|ai|gi)\b"
    r"|\btruong hop nao\b|\bgom (?:nhung )?(?:gi|ai)\b|\bbao gom\b|\bnhung ai\b|\bnhung gi\b"
)
# the question's word pairs that one điểm alone holds: fewer than this, and no điểm stands out
POINT_TELLING_PAIRS = 2


def best_point(lead: str, points: Sequence[str], terms: Sequence[str], question: str) -> int | None:
    """The index of the one điểm of a khoản that answers (Bộ luật Lao động Điều 35 khoản 2 lists seven reasons to
    quit without notice; "công ty nợ lương" is its điểm b), or None: where the question asks for the list, or no
    điểm holds at least :data:`POINT_TELLING_PAIRS` of the question's word pairs (``terms``: its folded content
    words, in order; single syllables, "giáo viên trường" against "trách nhiệm giao", tell nothing) that neither
    the khoản's ``lead`` nor any other điểm holds, and three times as many as any other."""
    if len(points) < 2 or ASKS_LIST.search(fold(question)):
        return None
    asked = set(bigrams(list(terms))) - set(bigrams(folded_syllables(lead)))
    held = [set(bigrams(folded_syllables(p))) for p in points]
    telling = [sum(1 for t in asked if t in h and not any(t in o for o in held if o is not h)) for h in held]
    order = sorted(range(len(points)), key=lambda i: -telling[i])
    best, second = telling[order[0]], telling[order[1]]
    if best >= POINT_TELLING_PAIRS and best >= 3 * second:
        return order[0]
    return None
