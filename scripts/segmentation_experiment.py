"""Phrase signal for the lexical index: syllable bigrams (what luat ships) against underthesea's word
segmentation, measured on one benchmark over the same library (issue 4 asks which wins).

    pip install underthesea
    python scripts/segmentation_experiment.py ../shared/data/bench/zalo-phapdien-dev.jsonl [--library default] [-n 400]

Segments every article of the library with ``underthesea.word_tokenize`` (cached in
``$LUAT_HOME/experiments/segmented-<library>.jsonl``; the time it took is printed, since it decides
whether segmentation fits the ingest budget), builds a side index with one more field, ``wd_f``: the
folded multi-syllable words ("bao_hiem_xa_hoi"), and ranks the benchmark's questions under each variant:

- ``bigram``: the shipped ranking (syllables + syllable bigrams);
- ``words``: the bigram clause replaced by the query's segmented words, at several weights;
- ``both``: bigrams and words together.

Nothing here is used by luat at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import tantivy

from luat.evaluate import load_bench, score_run
from luat.index import build_schema, doc_meta, prepare_fields
from luat.search import STOP, Searcher, key_of
from luat.store import Library, luat_home
from luat.text import fold, folded_syllables


def words_of(text: str) -> list[str]:
    """Folded multi-syllable words of a text, as underthesea segments it (accents needed: it runs on the
    original text)."""
    from underthesea import word_tokenize

    out = []
    for w in word_tokenize(text):
        syl = folded_syllables(w)
        if len(syl) > 1:
            out.append("_".join(syl))
    return out


def segment_batch(batch: list[tuple[str, str, str]]) -> list[tuple[str, str, list[str]]]:
    return [(d, a, words_of(t)) for d, a, t in batch]


def segment_library(library: Library, cache: Path) -> dict[tuple[str, str], list[str]]:
    if cache.exists():
        out = {}
        for line in cache.open(encoding="utf-8"):
            d = json.loads(line)
            out[(d["d"], d["a"])] = d["w"]
        return out
    rows = [
        (r["doc_id"], r["article"], f"{r['heading'] or ''}\n{r['text']}")
        for r in library.db.execute("SELECT doc_id, article, heading, text FROM articles")
    ]
    batches = [rows[i : i + 200] for i in range(0, len(rows), 200)]
    t0 = time.time()
    out = {}
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    with (
        ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool,
        tmp.open("w", encoding="utf-8") as f,
    ):
        for i, res in enumerate(pool.map(segment_batch, batches)):
            for d, a, w in res:
                out[(d, a)] = w
                f.write(json.dumps({"d": d, "a": a, "w": w}, ensure_ascii=False) + "\n")
            if i % 50 == 0:
                print(
                    f"  segmented {min(len(rows), (i + 1) * 200)}/{len(rows)} in {time.time() - t0:.0f}s",
                    file=sys.stderr,
                )
    tmp.rename(cache)
    print(
        f"segmentation of {len(rows)} articles: {time.time() - t0:.0f}s wall on {min(2, os.cpu_count() or 1)} processes",
        file=sys.stderr,
    )
    return out


def schema_with_words() -> tantivy.Schema:
    return build_schema(extra_fields=("wd_f",))


def build_side_index(library: Library, words: dict, path: Path) -> None:
    if (path / "done").exists():
        return
    path.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema_with_words(), str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    metas = {d.doc_id: doc_meta(d) for d in library.documents_metadata()}
    batch = []
    for row in library.db.execute("SELECT doc_id, article, heading, text FROM articles"):
        name, title, doc_type, year, issuer = metas[row["doc_id"]]
        batch.append(
            (
                row["doc_id"],
                row["article"],
                name,
                title,
                row["heading"],
                row["text"],
                doc_type,
                year,
                issuer,
                "",
            )
        )
    for fields in prepare_fields(batch):
        fields["wd_f"] = " ".join(words.get((fields["doc_id"], fields["article"]), []))
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    (path / "done").write_text("1")


class VariantSearcher(Searcher):
    """The shipped searcher over the side index, with the phrase clause chosen by ``variant``."""

    def __init__(self, library: Library, path: Path):
        super().__init__(library)
        self.index = tantivy.Index(schema_with_words(), str(path))
        self.index.reload()
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.variant, self.word_weight = "bigram", 0.0
        self._qwords: list[str] = []

    def parse(self, text: str):
        pq = super().parse(text)
        self._qwords = [w for w in words_of(text) if fold(w.replace("_", " ")) not in STOP]
        return pq

    def build_query(self, pq, filters, plain=False):
        if self.variant == "words":
            saved = dict(self.weights)
            self.weights = {**saved, "bigram": 0.0}
        q = super().build_query(pq, filters, plain)
        if self.variant == "words":
            self.weights = saved
        if plain or self.variant == "bigram" or not self._qwords or q is None:
            return q
        extra = [
            (tantivy.Occur.Should, self._term("wd_f", w, self.word_weight))
            for w in dict.fromkeys(self._qwords)
        ]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q)] + extra)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("bench", type=Path)
    ap.add_argument("--library", default="default")
    ap.add_argument("-n", type=int, default=0, help="first N questions only")
    args = ap.parse_args()
    library = Library(args.library, readonly=True)
    words = segment_library(library, luat_home() / "experiments" / f"segmented-{args.library}.jsonl")
    side = luat_home() / "experiments" / f"index-words-{args.library}"
    build_side_index(library, words, side)
    questions, _ = load_bench(args.bench)
    if args.n:
        questions = questions[: args.n]
    s = VariantSearcher(library, side)
    variants = [("bigram", 0.0), ("words", 1.0), ("words", 1.6), ("words", 2.5), ("both", 0.5), ("both", 1.0)]
    rows = []
    for variant, weight in variants:
        s.variant, s.word_weight = variant, weight
        ranked, lat = [], []
        for q in questions:
            t0 = time.perf_counter()
            hits = s.search(q.question, k=10)
            lat.append(time.perf_counter() - t0)
            ranked.append([key_of(h.doc.number or h.doc.doc_id, h.article) for h in hits])
        m = score_run(f"{variant}@{weight}", questions, ranked, lat)
        rows.append(m.as_dict())
        print(json.dumps(m.as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
