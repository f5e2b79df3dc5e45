"""``luat train``: learn the ranker and the judge (rank.py) and the khoản chooser (choose.py) from the labelled
questions, on their training halves.

The labelled sets are the zalo Pháp điển questions (and those about documents outside the library), the TVPL
answers (their legal basis read by the reference engine), and the everyday questions of ``bench/``. Each set is
split in two by a hash of the question's id (or by the split the set gives, "dev" / "test"): the models learn on
the first half only, so that ``luat eval`` on the second half (``--split test``) measures questions they never
saw. Training is deterministic (fixed seeds, one model per run) and takes a few minutes on 2 cores.
"""

from __future__ import annotations

import json
import shutil
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .choose import CLAUSE_FEATURES, clause_features
from .rank import FEATURES, JUDGE_FEATURES, Ensemble, Models, models_dir

# the questions of each set, the day its gold is the law of (None: today)
TRAINING_SETS = [
    ("bench/zalo-phapdien-dev.jsonl", "2021-07-01"),
    ("bench/zalo-not-in-library-dev.jsonl", "2021-07-01"),
    ("qa/tvpl-privacy-dev.jsonl", "2025-06-30"),
    ("everyday-dev.jsonl", None),
    ("everyday-train.jsonl", None),  # written to learn from only: all of it "dev"
    ("everyday-train2.jsonl", None),
    ("everyday-train3.jsonl", None),
    ("everyday-train4.jsonl", None),
    ("everyday-train5.jsonl", None),
    ("everyday-train6.jsonl", None),
    ("everyday-train7.jsonl", None),
    ("everyday-train8.jsonl", None),
    ("everyday-train9.jsonl", None),
]

SEED = 7
# the ranker and the judge are each the mean of this many models, seeds SEED, SEED + 1, ... (rank.Ensemble)
ENSEMBLE = 3
# what both models share: small trees, bagging, one seed, deterministic on 2 threads
_COMMON = dict(
    learning_rate=0.05,
    min_data_in_leaf=20,
    bagging_fraction=0.8,
    bagging_freq=1,
    feature_fraction=0.8,
    seed=SEED,
    deterministic=True,
    num_threads=2,
    verbose=-1,
)
RANKER_PARAMS = dict(_COMMON, objective="lambdarank", num_leaves=15, lambdarank_truncation_level=10)
RANKER_ROUNDS = 300
JUDGE_PARAMS = dict(_COMMON, objective="binary", num_leaves=7)
JUDGE_ROUNDS = 200
CHOOSER_PARAMS = dict(_COMMON, objective="lambdarank", num_leaves=7, min_data_in_leaf=10)
CHOOSER_ROUNDS = 150
# fewer training questions with their gold among the candidates than this, and nothing is learned: a ranker for
# the alqac2022 library (311 of them) lowered ALQAC 2022's nDCG@10 0.933 → 0.913, every one of its questions unseen
MIN_QUESTIONS = 500
# every candidate the ranker reorders: the lexical ones and the semantic ones
CANDIDATES = 50
# a wrong answer costs this many right ones: the judge's bars are where right minus this times wrong is highest. A
# refusal of what the library answers is a failure too, and the coverage threshold already refuses most weak
# matches: at 0.5 the bars vetoed a tenth of zalo's right answers (first citation gold 0.686 → 0.615 on the held-out
# half), at 0.15 they cost it 0.007 and gave everyday questions +0.155
WRONG_COST = 0.15


def split_of(question_id: str, given: str | None = None) -> str:
    """ "dev" (learn and tune on it) or "test" (report on it): the split a set gives, else half by a hash of the id."""
    if given in ("dev", "test"):
        return given
    return "test" if zlib.crc32(question_id.encode()) % 2 else "dev"


@dataclass
class Labelled:
    """A question the models learn from: its id, its words, its gold (document, Điều) keys, the day it is asked on,
    whether the library cannot answer it, and its split (dev or test)."""

    id: str
    question: str
    gold: set[tuple[str, str]]
    as_of: str | None
    unanswerable: bool
    split: str
    # the khoản that answer, per gold (document, Điều) key, where the set names them
    clauses: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    style: str | None = None  # how it is written, where the set says ("letter", "story", ...)


def labelled_questions(data: Path, bench: Path, library) -> list[Labelled]:
    """Every labelled question of :data:`TRAINING_SETS` found under ``data`` (the corpora) or ``bench`` (the
    project's own sets), with its gold (document, article) pairs and split."""
    from .evaluate import gold_from_answer, load_bench

    out = []
    for name, as_of in TRAINING_SETS:
        path = next((p for p in (data / name, bench / Path(name).name) if p.exists()), None)
        if path is None:
            continue
        questions, _errors = load_bench(path)
        for q in questions:
            gold, clauses = set(q.relevant), dict(q.clauses)
            if not gold and q.answer:
                gold, clause = gold_from_answer(q.answer, library)
                if clause and len(gold) == 1:
                    clauses = {next(iter(gold)): {clause}}
            unanswerable = q.expect == "not_in_library" or "not-in-library" in name
            if not gold and not unanswerable:
                continue
            out.append(
                Labelled(
                    f"{path.stem}:{q.id}",
                    q.question,
                    gold,
                    as_of,
                    unanswerable,
                    split_of(q.id, q.split),
                    clauses,
                    q.style,
                )
            )
    return out


def train(
    library: str = "default", data: Path | None = None, bench: Path | None = None, progress: bool = True
) -> dict:
    """:func:`learn`, its half-built files removed when it fails or is interrupted."""
    building = models_dir(library).parent / f".{library}.new"
    try:
        return learn(library, data, bench, progress)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def learn(
    library: str = "default", data: Path | None = None, bench: Path | None = None, progress: bool = True
) -> dict:
    """Train the ranker, then the judge over the ranker's answers, on the "dev" halves; write them under
    ``$LUAT_HOME/models/LIBRARY`` and return what was learned (counts, the judge's bar, seconds)."""
    import lightgbm
    import numpy as np

    from .answer import MIN_COVERAGE, Bars, Consultant
    from .embed import build, read_articles
    from .ingest import data_dir
    from .progress import bar
    from .search import Filters, Searcher, key_of
    from .store import Library

    t0 = time.perf_counter()
    data = data or data_dir()
    bench = bench or Path(__file__).resolve().parents[2] / "bench"
    lib = Library(library)
    questions = [q for q in labelled_questions(data, bench, lib) if q.split == "dev"]
    # built aside and put in place whole at the end: a failed or interrupted training leaves the models as they were
    final = models_dir(library)
    out_dir = final.parent / f".{final.name}.new"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)

    # 1. the static embedding: the library's headings and texts, and the training questions with their articles.
    # The ranker and the judge learn how far to trust it from questions it has not learned (an embedding of the
    # other half of them): on its own questions it is surer than it will be on new ones, and they would learn that.
    articles = lib.all_heading_texts()
    by_key: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for doc_id, article, _heading, _text in articles:
        doc = lib.document(doc_id)
        by_key.setdefault(key_of(doc.number if doc and doc.number else doc_id, article), []).append(
            (doc_id, article)
        )

    def pairs_of(chosen: list[Labelled]) -> list[tuple[str, tuple[str, str]]]:
        """The (question, article) pairs the embedding learns from: each answerable question with each library
        article its gold names."""
        return [
            (q.question, k)
            for q in chosen
            if not q.unanswerable
            for g in sorted(q.gold)
            for k in by_key.get(g, [])
        ]

    ticks: list = []

    def progress_of(steps: int, desc: str):
        """A new progress bar of ``steps`` and the callable that advances it by one."""
        ticks.append(bar(steps, desc, progress))
        return lambda: ticks[-1].update(1)

    reading = read_articles(articles)
    embedding = build(reading, pairs_of(questions), progress_of)
    embedding.save(out_dir)
    halves = {
        h: build(reading, pairs_of([q for i, q in enumerate(questions) if i % 2 != h]), progress_of)
        for h in (0, 1)
    }
    for b in ticks:
        b.close()
    phases = {"embedding": round(time.perf_counter() - t0, 1)}

    # 2. the ranker: every candidate of the lexical and semantic search, gold or not, grouped by question
    searcher = Searcher(lib, learned=False)
    searcher.keep_features = True
    searcher.snippets = False
    per_question: dict[int, tuple[list[list[float]], list[int]]] = {}
    b = bar(len(questions), "Học thứ hạng", progress)
    for i, q in enumerate(questions):
        b.update(1)
        if q.unanswerable:
            continue
        searcher.embedding = halves[i % 2]
        hits = [
            h for h in searcher.search(q.question, k=CANDIDATES, filters=Filters(as_of=q.as_of)) if h.features
        ]
        relevant = [int(key_of(h.doc.number or h.doc.doc_id, h.article) in q.gold) for h in hits]
        if any(relevant):
            per_question[i] = ([h.features for h in hits if h.features is not None], relevant)
    b.close()
    if len(per_question) < MIN_QUESTIONS:
        raise ValueError(
            f"library {library!r}: {len(per_question)} labelled questions have their gold among its candidates "
            f"(at least {MIN_QUESTIONS} needed): nothing to learn from; its search keeps the hand-written order"
        )

    def fit_ranker(keep) -> Ensemble:
        """The ranker (LightGBM lambdarank, :data:`ENSEMBLE` seeds) fitted on the candidates of the questions
        ``keep`` chooses, grouped by question."""
        chosen = [v for i, v in per_question.items() if keep(i)]
        x = np.array([row for rows, _y in chosen for row in rows])
        labels = np.array([label for _rows, y in chosen for label in y])
        data = lightgbm.Dataset(x, labels, group=[len(y) for _r, y in chosen], free_raw_data=False)
        return Ensemble(
            [lightgbm.train(dict(RANKER_PARAMS, seed=SEED + i), data, RANKER_ROUNDS) for i in range(ENSEMBLE)]
        )

    ranker = fit_ranker(lambda i: True)
    phases["ranker"] = round(time.perf_counter() - t0 - sum(phases.values()), 1)
    ranker.save(out_dir, "ranker")
    info = {
        "ensemble": ENSEMBLE,
        "features": FEATURES,
        "judge_features": JUDGE_FEATURES,
        "clause_features": CLAUSE_FEATURES,
        "threshold": 0.0,
        "generation": lib.generation(),
        "embedding": {
            "vocabulary": len(embedding.vocab.ids),
            "articles": len(embedding.keys),
            "pairs": len(pairs_of(questions)),
        },
        "ranker": {"questions": len(per_question), "rows": sum(len(y) for _r, y in per_question.values())},
    }
    (out_dir / "models.json").write_text(json.dumps(info, ensure_ascii=False, indent=1))

    # 3. the khoản chooser, from the khoản each gold article's question names (choose.py)
    info["chooser"] = fit_chooser(clause_groups(lib, questions, by_key, searcher, halves), out_dir)
    phases["chooser"] = round(time.perf_counter() - t0 - sum(phases.values()), 1)
    (out_dir / "models.json").write_text(json.dumps(info, ensure_ascii=False, indent=1))

    # 4. the judge: the first article of each answer, right or not (every question answered, the bar at 0), as a
    # ranker that never saw the question orders them (two halves, each answered by the ranker of the other: a
    # ranker's scores on its own training questions are surer than on new ones, and the judge would learn that)
    jrows, jlabels, jsets = [], [], []
    b = bar(len(questions), "Học phán đoán", progress)
    for half in (0, 1):
        held = Searcher(lib, learned=False)
        held.snippets = False  # the answers' khoản are chosen by the consultant; the hits' are not read
        held.embedding = halves[half]
        held.models = Models(fit_ranker(lambda i, h=half: i % 2 != h), None, 0.0, info)
        consultant = Consultant(lib, held)
        consultant.open_bars = Bars(min_coverage=0.0, min_confidence=0.0, rescue=2.0)
        for i, q in enumerate(questions):
            if i % 2 != half:
                continue
            b.update(1)
            a = consultant.ask(q.question, as_of=q.as_of)
            if a.judged is None:
                continue
            right = bool(a.citations) and key_of(a.citations[0].doc, a.citations[0].article) in q.gold
            jrows.append(a.judged)
            jlabels.append(int(right and not q.unanswerable))
            jsets.append(q.id.split(":", 1)[0])
    b.close()
    X, y = np.array(jrows), np.array(jlabels)
    # each kind of question counts the same, however many of it there are (zalo's thousand would else decide
    # how sure the judge must be about an everyday question)
    sizes = {name: jsets.count(name) for name in set(jsets)}
    w = np.array([len(jsets) / (len(sizes) * sizes[name]) for name in jsets])
    folds = np.arange(len(y)) % 5

    def fit_judge(rows: np.ndarray) -> Ensemble:
        """The judge (LightGBM binary, :data:`ENSEMBLE` seeds) fitted on the answers ``rows`` selects."""
        data = lightgbm.Dataset(X[rows], y[rows], weight=w[rows], free_raw_data=False)
        return Ensemble(
            [lightgbm.train(dict(JUDGE_PARAMS, seed=SEED + i), data, JUDGE_ROUNDS) for i in range(ENSEMBLE)]
        )

    oof = np.zeros(len(y))
    for f in range(5):
        oof[folds == f] = fit_judge(folds != f).predict(X[folds == f])
    # the bars: an answer holds enough of the question (MIN_COVERAGE, or is what it asks about) unless the judge is
    # sure it answers (``rescue``: "lương thử việc thấp nhất bao nhiêu phần trăm" and "ít nhất phải bằng 85%" share
    # few words), and the judge is not sure it does not (``threshold``); chosen where right answers minus
    # WRONG_COST times wrong ones (answers to what the library does not hold among them) are most
    coverage = X[:, JUDGE_FEATURES.index("coverage")]
    asked_about = X[:, JUDGE_FEATURES.index("asked_about")] > 0
    (threshold, rescue), best = (0.0, 1.01), -1e9
    for t in np.linspace(0.0, 0.3, 16):
        for r in [*np.linspace(0.3, 0.9, 13), 1.01]:
            shown = ((coverage >= MIN_COVERAGE) | asked_about | (oof >= r)) & (oof >= t)
            gain = float((w * (shown & (y == 1))).sum() - WRONG_COST * (w * (shown & (y == 0))).sum())
            if gain > best + 1e-9:
                (threshold, rescue), best = (float(t), float(r)), gain
    (out_dir / "judged.json").write_text(
        json.dumps(
            {
                "sets": jsets,
                "right": y.tolist(),
                "oof": oof.round(4).tolist(),
                "coverage": coverage.round(4).tolist(),
                "asked_about": asked_about.tolist(),
            }
        )
    )
    fit_judge(np.ones(len(y), dtype=bool)).save(out_dir, "judge")
    info.update(
        threshold=round(threshold, 3),
        rescue=round(rescue, 3),
        judge={"answers": len(y), "right": int(y.sum()), "oof_auc": round(_auc(oof, y), 4)},
        seconds=round(time.perf_counter() - t0, 1),
        phases={**phases, "judge": round(time.perf_counter() - t0 - sum(phases.values()), 1)},
    )
    (out_dir / "models.json").write_text(json.dumps(info, ensure_ascii=False, indent=1))
    old = final.parent / f".{final.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    out_dir.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return info


def clause_groups(lib, questions: list[Labelled], by_key: dict, searcher, halves: dict) -> list[tuple]:
    """(question's index, feature rows, labels) per gold article whose khoản the question's set names: the article's
    khoản and sections as an answer quotes them (at the day the question is asked), 1 for the named khoản; the
    similarities from the embedding that did not learn the question (``halves``: one per parity of the index)."""
    from .search import QueryError
    from .structure import parse_body

    groups = []
    for i, q in enumerate(questions):
        if not q.clauses or q.unanswerable:
            continue
        try:
            pq = searcher.parse(q.question)
        except QueryError:
            continue
        embedding = halves[i % 2]
        vector = embedding.encode([pq.text])[0]
        terms = set(pq.asked or pq.terms)
        for key, named in sorted(q.clauses.items()):
            for doc_id, article in by_key.get(key, [])[:1]:
                text = lib.article_text_as_of(doc_id, article, q.as_of)
                units = [u for u in parse_body(text) if u.kind in ("khoan", "section")]
                labels = [int(u.kind == "khoan" and u.label in named) for u in units]
                if len(units) < 2 or not any(labels):
                    continue
                passages = [u.text for u in units]
                similarity = [float(x) for x in embedding.encode(passages) @ vector]
                groups.append((i, clause_features(passages, terms, pq.text, similarity), labels))
    return groups


def fit_chooser(groups: list[tuple], out_dir: Path) -> dict:
    """Train the khoản chooser (LightGBM lambdarank over :data:`choose.CLAUSE_FEATURES`) on ``groups`` (those of
    :func:`clause_groups`) and save it as ``chooser.txt``; return how often it and the lexical score pick a named
    khoản on questions they did not learn from (each half chosen by a model of the other)."""
    import lightgbm
    import numpy as np

    def fit(chosen: list[tuple]) -> lightgbm.Booster:
        """The chooser fitted on ``chosen`` groups."""
        x = np.array([row for _i, rows, _y in chosen for row in rows])
        y = np.array([label for _i, _rows, labels in chosen for label in labels])
        data = lightgbm.Dataset(x, y, group=[len(labels) for _i, _r, labels in chosen])
        return lightgbm.train(CHOOSER_PARAMS, data, CHOOSER_ROUNDS)

    def right(rows: list[list[float]], labels: list[int], scores: list[float]) -> int:
        """Whether the best-scored passage is a named khoản."""
        return labels[max(range(len(rows)), key=lambda j: scores[j])]

    learned = lexical = 0
    for half in (0, 1):
        model = fit([g for g in groups if g[0] % 2 != half])
        for i, rows, labels in groups:
            if i % 2 == half:
                learned += right(rows, labels, [float(s) for s in model.predict(rows)])
                lexical += right(rows, labels, [r[0] for r in rows])
    fit(groups).save_model(str(out_dir / "chooser.txt"))
    n = max(1, len(groups))
    return {
        "articles": len(groups),
        "named_khoan_learned": round(learned / n, 4),
        "named_khoan_lexical": round(lexical / n, 4),
    }


def _auc(scores, labels) -> float:
    """Area under the ROC curve (ties counted half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return 0.5
    import numpy as np

    neg_sorted = np.sort(np.array(neg))
    wins = sum(
        np.searchsorted(neg_sorted, p, "left")
        + 0.5 * (np.searchsorted(neg_sorted, p, "right") - np.searchsorted(neg_sorted, p, "left"))
        for p in pos
    )
    return float(wins / (len(pos) * len(neg)))


def refresh_embedding(library) -> int | None:
    """After an ingest: vectors for the articles of ``library`` (a Library) that its embedding does not have yet,
    and none for those it no longer holds, so that the semantic search sees what was ingested without a
    ``luat train``. Returns how many were added (None: the library has no trained embedding)."""
    from .embed import Embedding

    folder = models_dir(library.name)
    embedding = Embedding.load(folder)
    if embedding is None:
        return None
    now = set(library.article_keys())
    known = set(embedding.keys)
    added = [(d, a) for d, a in now - known]
    gone = known - now
    if not added and not gone:
        return 0
    rows = []
    for doc_id, article in sorted(added):
        found = library.heading_and_text(doc_id, article)
        if found is not None:
            rows.append((doc_id, article, found[0], found[1]))
    embedding.add_articles(rows, gone)
    embedding.save(folder)
    return len(rows)
