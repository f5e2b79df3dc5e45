"""A static embedding of this library's own words: questions and articles as vectors, near when they are about
the same thing even when they share few words ("lương thử việc thấp nhất bao nhiêu phần trăm" and "Tiền lương
thử việc ... ít nhất phải bằng 85%").

Each folded syllable and each frequent pair of syllables has a vector; a text's vector is the sum of its tokens'
vectors weighted by their rarity (idf), of unit length. The vectors are learned by ``luat train`` from the
library itself (each article's heading is a question its text answers) and from the training halves of the
labelled questions, contrastively: a text must be closer to its own article than to the other articles of the
batch. Plain numpy: sparse sums forward, their transposes backward, Adagrad on the rows a batch touches. The
model and the article vectors live under ``$LUAT_HOME/models/LIBRARY`` and are rebuilt, never downloaded.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .index import bigrams
from .text import folded_syllables

DIM = 128
# the vectors are this many independently learned blocks of DIM / BLOCKS each (seeds SEED, SEED + 1, ...), each of unit
# length: a cosine is the mean of the blocks' cosines, so one training's luck in where its descent lands weighs less
BLOCKS = 2
MIN_WORD_DF = 2  # a syllable in fewer articles has no vector of its own
MIN_PAIR_DF = 5
MAX_PAIRS = 120_000
ARTICLE_SYLLABLES = 160  # an article is read from its heading and its first syllables
TEMPERATURE = 0.05
BATCH = 256
EPOCHS = 4
LEARNING_RATE = 0.2
SEED = 7
# the vectors of this many passages (khoản) are kept, the least recently used dropped first: a search encodes every
# khoản of its hits to choose the one that answers, and the same articles come up again and again
PASSAGE_CACHE = 20_000


def tokens(text: str, limit: int | None = None) -> list[str]:
    """Folded syllables and adjacent pairs of them ("thu", "viec", "thu_viec")."""
    words = folded_syllables(text)
    if limit is not None:
        words = words[:limit]
    return words + bigrams(words)


@dataclass
class Vocabulary:
    """The tokens that have a vector (syllables and frequent pairs of them) with their rows and idf weights."""

    ids: dict[str, int]
    idf: np.ndarray

    @classmethod
    def build(cls, texts: Iterable[list[str]]) -> Vocabulary:
        """The vocabulary of ``texts`` (each a list of tokens): the syllables in at least MIN_WORD_DF texts and the
        MAX_PAIRS commonest pairs in at least MIN_PAIR_DF, each with its idf."""
        df: Counter[str] = Counter()
        n = 0
        for toks in texts:
            n += 1
            df.update(set(toks))
        words = [t for t, c in df.items() if "_" not in t and c >= MIN_WORD_DF]
        pairs = sorted(
            (t for t, c in df.items() if "_" in t and c >= MIN_PAIR_DF), key=lambda t: (-df[t], t)
        )[:MAX_PAIRS]
        vocab = sorted(words) + pairs
        idf = np.array([math.log((n + 1) / (df[t] + 1)) + 1.0 for t in vocab], dtype=np.float32)
        return cls({t: i for i, t in enumerate(vocab)}, idf)

    def rows(self, token_lists: list[list[str]]):
        """A sparse matrix (texts × vocabulary) of idf weights, each row of unit sum."""
        from scipy.sparse import csr_matrix

        indptr, indices, pieces = [0], [], []
        known = self.ids.get
        for toks in token_lists:
            # in the order first seen; tokens without a vector count as None
            counts: Counter[int | None] = Counter(map(known, toks))
            counts.pop(None, None)
            ids = [i for i in counts if i is not None]
            if ids:
                # the weights of a text at once: idf (float32) times 1 + log(count), each product in float32
                w = self.idf[ids] * np.array(
                    [_LOG_COUNT[c] if c < len(_LOG_COUNT) else 1 + math.log(c) for c in counts.values()],
                    dtype=np.float32,
                )
                w /= w.sum()
                pieces.append(w)
            indices += ids
            indptr.append(len(indices))
        data = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
        return csr_matrix(
            (data, np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(token_lists), len(self.ids)),
        )


_LOG_COUNT = [0.0] + [1 + math.log(c) for c in range(1, 64)]  # 1 + log(count) of the commonest counts


def _unit(m: np.ndarray, blocks: int = 1) -> np.ndarray:
    """Each row of ``m`` with each of its ``blocks`` equal parts of length 1 / sqrt(blocks): of unit length, and
    the dot product of two such rows is the mean of their blocks' cosines."""
    parts = np.split(m, blocks, axis=1) if blocks > 1 else [m]
    return np.hstack(
        [p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-8) / math.sqrt(blocks) for p in parts]
    )


def train_vectors(
    vocab: Vocabulary, Q, T, progress: Callable[[], None] | None = None, seed: int = SEED, dim: int = DIM
) -> np.ndarray:
    """Token vectors (``dim`` each) such that each query (a row of the sparse ``Q``, :meth:`Vocabulary.rows`) is
    nearer to its own target (the same row of ``T``) than to the batch's other targets."""
    rng = np.random.default_rng(seed)
    E = (rng.standard_normal((len(vocab.ids), dim)) * 0.1).astype(np.float32)
    G = np.full(len(vocab.ids), 1e-3, dtype=np.float32)  # Adagrad's sum of squares, one per row
    n = Q.shape[0]
    for _epoch in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n - 1, BATCH):
            idx = order[start : start + BATCH]
            if len(idx) < 2:
                continue
            q, t = Q[idx], T[idx]
            sq, st = q @ E, t @ E
            nq = np.maximum(np.linalg.norm(sq, axis=1, keepdims=True), 1e-8)
            nt = np.maximum(np.linalg.norm(st, axis=1, keepdims=True), 1e-8)
            uq, ut = sq / nq, st / nt
            logits = uq @ ut.T / TEMPERATURE
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(idx)), np.arange(len(idx))] -= 1.0
            p /= len(idx) * TEMPERATURE
            duq, dut = p @ ut, p.T @ uq
            dsq = (duq - uq * (duq * uq).sum(axis=1, keepdims=True)) / nq
            dst = (dut - ut * (dut * ut).sum(axis=1, keepdims=True)) / nt
            rows = np.union1d(q.indices, t.indices)
            grad = (q[:, rows].T @ dsq) + (t[:, rows].T @ dst)
            G[rows] += (grad * grad).mean(axis=1)
            E[rows] -= (LEARNING_RATE / np.sqrt(G[rows]))[:, None] * grad
            if progress is not None:
                progress()
    return E


class Embedding:
    """A trained static embedding and the vectors of the library's articles."""

    def __init__(
        self,
        vocab: Vocabulary,
        vectors: np.ndarray,
        articles: np.ndarray,
        keys: list[tuple[str, str]],
        blocks: int = 1,
    ):
        self.vocab = vocab
        self.blocks = blocks  # the vectors' independently learned parts (:data:`BLOCKS`)
        self.vectors = vectors
        self.articles = articles  # one unit row per article of ``keys``
        self.keys = keys
        self.row_of = {k: i for i, k in enumerate(keys)}
        self._rows_of_document: dict[str, np.ndarray] | None = None
        self._passages: OrderedDict[str, np.ndarray] = OrderedDict()
        self._passages_lock = threading.Lock()

    def encode(self, texts: list[str], limit: int | None = None) -> np.ndarray:
        """The vectors of ``texts`` (each read to its first ``limit`` syllables), of unit length."""
        m = self.vocab.rows([tokens(t, limit) for t in texts]) @ self.vectors
        return _unit(np.asarray(m, dtype=np.float32), self.blocks)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """:meth:`encode` of passages, each encoded once while it is among the :data:`PASSAGE_CACHE` last used."""
        with self._passages_lock:
            known = {t: self._passages[t] for t in texts if t in self._passages}
            for t in known:
                self._passages.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            for t, v in zip(missing, self.encode(missing), strict=True):
                known[t] = v
            with self._passages_lock:
                for t in missing:
                    self._passages[t] = known[t]
                while len(self._passages) > PASSAGE_CACHE:
                    self._passages.popitem(last=False)
        if not texts:
            return np.zeros((0, self.vectors.shape[1]), dtype=np.float32)
        return np.vstack([known[t] for t in texts])

    def similar(self, question: str, k: int) -> list[tuple[tuple[str, str], float]]:
        """The ``k`` articles nearest the question, with their cosine."""
        return self.nearest(self.encode([question])[0], k)

    def nearest(
        self, vector: np.ndarray, k: int, doc_id: str | None = None
    ) -> list[tuple[tuple[str, str], float]]:
        """The ``k`` articles nearest a question's vector (:meth:`encode`), nearest first, with their cosine; only
        those of ``doc_id`` when given."""
        if doc_id is None:
            rows = None
            sims = self.articles @ vector
        else:
            rows = self.rows_of_document(doc_id)
            sims = self.articles[rows] @ vector
        k = min(k, len(sims))
        if k == 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        order = top[np.argsort(-sims[top])]
        return [(self.keys[i if rows is None else rows[i]], float(sims[i])) for i in order]

    def rows_of_document(self, doc_id: str) -> np.ndarray:
        """The rows of a document's articles (indexed once, on first use)."""
        if self._rows_of_document is None:
            by_document: dict[str, list[int]] = {}
            for i, (d, _a) in enumerate(self.keys):
                by_document.setdefault(d, []).append(i)
            self._rows_of_document = {d: np.array(r, dtype=np.int64) for d, r in by_document.items()}
        return self._rows_of_document.get(doc_id, np.zeros(0, dtype=np.int64))

    def similarity(self, question_vector: np.ndarray, key: tuple[str, str]) -> float:
        """How near a question's vector is to an article's (cosine), 0 for an article the embedding lacks; ``key`` is
        (doc_id, article)."""
        i = self.row_of.get(key)
        return float(self.articles[i] @ question_vector) if i is not None else 0.0

    def add_articles(
        self, articles: list[tuple[str, str, str | None, str]], gone: set[tuple[str, str]]
    ) -> None:
        """Vectors for ``articles`` ((doc_id, article, heading, text) each) read with the learned token vectors, in
        place of any they had; the articles ``gone`` dropped."""
        replaced = {(d, a) for d, a, _h, _t in articles} | gone
        keep = [i for i, k in enumerate(self.keys) if k not in replaced]
        rows = (
            [
                np.asarray(
                    self.vocab.rows([article_tokens(h, t) for _d, _a, h, t in articles]) @ self.vectors,
                    dtype=np.float32,
                )
            ]
            if articles
            else []
        )
        self.articles = np.vstack([self.articles[keep], *[_unit(r, self.blocks) for r in rows]])
        self.keys = [self.keys[i] for i in keep] + [(d, a) for d, a, _h, _t in articles]
        self.row_of = {k: i for i, k in enumerate(self.keys)}
        self._rows_of_document = None

    def save(self, folder: Path) -> None:
        """Write the embedding under ``folder``, each file whole or not at all (written aside, then renamed)."""
        folder.mkdir(parents=True, exist_ok=True)
        vocab = sorted(self.vocab.ids, key=self.vocab.ids.__getitem__)
        meta = json.dumps(
            {
                "vocabulary": vocab,
                "idf": self.vocab.idf.tolist(),
                "articles": self.keys,
                "blocks": self.blocks,
            },
            ensure_ascii=False,
        )
        for name, write in (
            ("vectors.npy", lambda f: np.save(f, self.vectors.astype(np.float16))),
            ("articles.npy", lambda f: np.save(f, self.articles.astype(np.float16))),
            ("embedding.json", lambda f: f.write(meta.encode("utf-8"))),
        ):
            tmp = folder / f".{name}.tmp"
            with open(tmp, "wb") as f:
                write(f)
            tmp.replace(folder / name)

    @classmethod
    def load(cls, folder: Path) -> Embedding | None:
        """The embedding saved in ``folder`` by ``luat train``, or None when it is missing or unreadable."""
        try:
            meta = json.loads((folder / "embedding.json").read_text())
            vectors = np.load(folder / "vectors.npy").astype(np.float32)
            articles = np.load(folder / "articles.npy").astype(np.float32)
        except (OSError, ValueError):
            return None
        vocab = Vocabulary(
            {t: i for i, t in enumerate(meta["vocabulary"])}, np.array(meta["idf"], dtype=np.float32)
        )
        return cls(vocab, vectors, articles, [tuple(k) for k in meta["articles"]], meta.get("blocks", 1))


def article_tokens(heading: str | None, text: str) -> list[str]:
    """What the embedding reads of an article: its heading and its first syllables."""
    return tokens(f"{heading or ''} {text}", ARTICLE_SYLLABLES)


@dataclass
class ArticleReading:
    """What every embedding of one library reads of its articles, read once for all of them: their keys, the
    vocabulary, each article's token row, and the headings that are questions their article answers (each heading's
    row and its article's index)."""

    keys: list[tuple[str, str]]
    vocab: Vocabulary
    rows: Any  # sparse, one row per article
    headings: Any  # sparse, one row per heading of two words or more
    heading_articles: list[int]


def read_articles(articles: list[tuple[str, str, str | None, str]]) -> ArticleReading:
    """The :class:`ArticleReading` of ``articles`` ((doc_id, article, heading, text) each)."""
    arts = [article_tokens(h, t) for _d, _a, h, t in articles]
    vocab = Vocabulary.build(arts)
    asked = [(i, h) for i, (_d, _a, h, _t) in enumerate(articles) if h and len(h.split()) >= 2]
    return ArticleReading(
        [(d, a) for d, a, _h, _t in articles],
        vocab,
        vocab.rows(arts),
        vocab.rows([tokens(h) for _i, h in asked]),
        [i for i, _h in asked],
    )


def build(
    reading: ArticleReading,
    pairs: list[tuple[str, tuple[str, str]]],
    progress: Callable[[int, str], Callable[[], None]] | None = None,
) -> Embedding:
    """Learn an embedding from a library's articles (``reading``: each heading is a question its text answers) and
    labelled ``pairs`` (question, (doc_id, article)); every article's vector is computed with it."""
    from scipy.sparse import vstack

    row_of = {k: i for i, k in enumerate(reading.keys)}
    asked = [(question, row_of[key]) for question, key in pairs if key in row_of]
    # the people's questions weigh more than the headings: each is seen three times
    questions = [tokens(question) for question, _i in asked for _ in range(3)]
    Q = vstack([reading.headings, reading.vocab.rows(questions)], format="csr")
    T = reading.rows[reading.heading_articles + [i for _q, i in asked for _ in range(3)]]
    steps = EPOCHS * math.ceil(Q.shape[0] / BATCH) * BLOCKS
    tick = progress(steps, "Học vectơ") if progress is not None else None
    vectors = np.hstack(
        [train_vectors(reading.vocab, Q, T, tick, SEED + b, DIM // BLOCKS) for b in range(BLOCKS)]
    )
    emb = Embedding(reading.vocab, vectors, np.zeros((0, DIM), dtype=np.float32), list(reading.keys), BLOCKS)
    chunks = [
        np.asarray(reading.rows[i : i + 4096] @ vectors, dtype=np.float32)
        for i in range(0, len(reading.keys), 4096)
    ]
    emb.articles = _unit(np.vstack(chunks), BLOCKS) if chunks else np.zeros((0, DIM), dtype=np.float32)
    return emb
