"""Published consultations ("hỏi đáp pháp luật"): a searchable base of answered questions, each linked to
the provisions its answer cites, with a staleness check.

Records come from JSON/JSONL (``question``, ``answer``, ``original_url``, optionally ``title``, ``topic``,
``date``) or from a text page in the seed's layout (title, question, answer, footer). Citations are found
and resolved by the reference engine; quotes are checked against the library by ``luat cite check``'s
checker. Near-duplicate questions are grouped so that search shows one per group.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from .cite import Context, Resolver, find_references, library_names
from .cite.check import check_text
from .index import bigrams, syllables
from .models import InputError, ReferenceStatus, Target, article_address, citation_of, parse_address
from .readers.common import read_input
from .store import ConsultationCitation, ConsultationStore, Library, luat_home
from .text import folded_syllables, nfc, normalize
from .vocabulary import STOP

_FOOTER = re.compile(
    r"^(chúng tôi phản hồi|trân trọng|đi đến trang|thư viện pháp luật|lượt xem|thông báo)", re.I
)
DUPLICATE_JACCARD = 0.8
# a consultation is shown as a similar question when its question holds this share of the asked one's content words:
# each of the 87 rephrased TVPL questions whose original is the first hit holds 0.59 of its words or more; the first
# hit of 547 everyday questions on other subjects held 0.5 or more for 51, 0.6 or more for 23 (2026-12-02)
SIMILAR_MIN_SHARE = 0.55
# why a citation in an answer did not resolve, as the import report puts it (keyed by a stored status, a str)
_UNRESOLVED_REASONS: dict[str, str] = {
    ReferenceStatus.NOT_IN_LIBRARY: "văn bản chưa có trong thư viện",
    ReferenceStatus.UNIT_NOT_FOUND: "điều, khoản không có trong văn bản",
    ReferenceStatus.UNRESOLVED: "không rõ văn bản",
    ReferenceStatus.AMBIGUOUS: "nhiều văn bản cùng tên",
}


@dataclass
class Consultation:
    """One published consultation: a reader's question and the lawyer's answer, with its title, topic, date, page URL
    and source."""

    question: str
    answer: str
    title: str | None = None
    topic: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None

    @property
    def key(self) -> str:
        """Identity for re-ingesting: one page may publish several questions, so the URL and the question."""
        digest = hashlib.sha1(normalize(self.question).encode()).hexdigest()[:16]
        return (
            f"{self.url}#{digest}"
            if self.url
            else hashlib.sha1((self.question + "\n" + self.answer).encode()).hexdigest()
        )


@dataclass
class ConsultReport:
    """What an import of consultations did: how many were read and rejected, their citations, how many have all
    citations resolving, why the others do not, and how many question groups there are."""

    records: int = 0
    rejected: list[str] = field(default_factory=list)
    citations: int = 0
    resolved_all: int = 0  # consultations whose citations all resolve
    reasons: dict[str, int] = field(default_factory=dict)
    groups: int = 0

    def as_dict(self) -> dict:
        """The report as JSON, with the share of consultations whose citations all resolve and the ten commonest
        reasons they do not."""
        return {
            "records": self.records,
            "rejected": self.rejected,
            "citations": self.citations,
            "all_citations_resolve": self.resolved_all,
            "share_all_resolve": round(self.resolved_all / max(1, self.records), 4),
            "top_reasons": dict(sorted(self.reasons.items(), key=lambda x: -x[1])[:10]),
            "groups": self.groups,
        }


def read_consultations(path: Path) -> tuple[list[Consultation], list[str]]:
    """Records of a file, and a message for each bad one (the file and line or index, and why)."""
    raw = read_input(path)
    try:
        text = nfc(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"not UTF-8 text (invalid byte at offset {e.start})") from e
    name = path.name.lower()
    if name.endswith((".jsonl", ".json")):
        items: list[tuple[str, object]] = []
        if name.endswith(".jsonl"):
            for i, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        items.append((f"{path}:{i}", json.loads(line)))
                    except json.JSONDecodeError as e:
                        items.append((f"{path}:{i}", e))
        else:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as e:
                raise InputError(str(path), f"invalid JSON at line {e.lineno}: {e.msg}") from e
            items = [(f"{path}[{i}]", d) for i, d in enumerate(data if isinstance(data, list) else [data])]
        out, bad = [], []
        for where, d in items:
            if isinstance(d, Exception):
                bad.append(f"{where}: invalid JSON ({d})")
                continue
            if (
                not isinstance(d, dict)
                or not str(d.get("question") or "").strip()
                or not str(d.get("answer") or "").strip()
            ):
                bad.append(f"{where}: needs non-empty 'question' and 'answer'")
                continue
            out.append(
                Consultation(
                    question=str(d["question"]).strip(),
                    answer=str(d["answer"]).strip(),
                    title=d.get("title"),
                    topic=d.get("topic"),
                    date=d.get("date"),
                    url=d.get("original_url") or d.get("url"),
                    source=str(path),
                )
            )
        return out, bad
    return [_read_page(path, text)], []


def _read_page(path: Path, text: str) -> Consultation:
    """A page in the seed's layout: a title, the question, the answer, then a footer."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    if len(paras) < 3:
        raise InputError(str(path), "expected a title, a question and an answer separated by blank lines")
    title, question = paras[0], paras[1]
    answer = []
    for p in paras[2:]:
        if _FOOTER.match(p):
            break
        answer.append(p)
    if not answer:
        raise InputError(str(path), "no answer after the question")
    return Consultation(question=question, answer="\n\n".join(answer), title=title, source=str(path))


def _shingles(text: str) -> set[str]:
    words = folded_syllables(text)
    return set(bigrams(words)) or set(words)


class ConsultationBase:
    """Consultations stored beside a library, with their own search index."""

    def __init__(self, library: Library):
        self.library = library
        self.store = ConsultationStore(library)
        self.index_path = luat_home() / "indexes" / f"{library.name}.consult"

    # ------------------------------------------------------------------ ingest

    def ingest(self, paths: list[Path]) -> ConsultReport:
        """Read consultations from ``paths`` (JSON, JSONL or text pages), store them with their citations resolved,
        group near-duplicate questions and rebuild their index; files that cannot be read are named in the report."""
        report = ConsultReport()
        records: list[Consultation] = []
        for p in paths:
            try:
                recs, bad = read_consultations(p)
            except InputError as e:
                report.rejected.append(str(e))
                continue
            records += recs
            report.rejected += bad
        with self.library.writer_lock():  # one writer at a time, the consultations' index included
            self._write(records, report)
            self.build_index()
        return report

    def _write(self, records: list[Consultation], report: ConsultReport) -> None:
        names = library_names(self.library)
        resolver = Resolver(self.library)
        with self.library.transaction():
            for c in records:
                rows, ok = self._citations(c.answer, names, resolver)
                self.store.replace(c, rows)
                report.records += 1
                report.citations += len(rows)
                report.resolved_all += ok
                for r in rows:
                    if r.status != ReferenceStatus.RESOLVED:
                        reason = _UNRESOLVED_REASONS.get(r.status, r.status)
                        report.reasons[reason] = report.reasons.get(reason, 0) + 1
            report.groups = self._group()

    def _citations(self, answer: str, names, resolver: Resolver) -> tuple[list[ConsultationCitation], bool]:
        """The answer's own citations (not those inside the provisions it quotes), resolved."""
        rows = []
        quoted = [(c.start, c.end) for chk in check_text(answer, self.library) for c in chk.quotes]
        for ref in find_references(answer, names):
            if any(a <= ref.start < b for a, b in quoted) or ref.doc is None or ref.doc.this:
                continue
            resolver.resolve(ref, Context())
            targets: list[Target | None] = [*ref.targets] or [None]  # None: the whole document
            for t in targets:
                rows.append(
                    ConsultationCitation(
                        ref.text,
                        ref.start,
                        ref.end,
                        ref.doc_id,
                        t.address if t else None,
                        ref.status,
                        ref.message,
                    )
                )
        return rows, bool(rows) and all(
            r.status in (ReferenceStatus.RESOLVED, ReferenceStatus.AMBIGUOUS) for r in rows
        )

    def _group(self) -> int:
        """Group near-duplicate questions (Jaccard of syllable bigrams ≥ DUPLICATE_JACCARD)."""
        rows = self.store.questions()
        parent = {cid: cid for cid, _q in rows}
        by_word: dict[str, list[int]] = {}
        sh = {cid: _shingles(question) for cid, question in rows}
        for cid, s in sh.items():
            for w in s:
                by_word.setdefault(w, []).append(cid)

        def find(x: int) -> int:
            """The consultation that stands for ``x``'s group (union-find, paths halved on the way)."""
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for cid, s in sh.items():
            cands: dict[int, int] = {}
            for w in s:
                lst = by_word[w]
                if len(lst) > 200:
                    continue
                for o in lst:
                    if o < cid:
                        cands[o] = cands.get(o, 0) + 1
            for o, inter in cands.items():
                if inter / len(s | sh[o]) >= DUPLICATE_JACCARD:
                    parent[find(cid)] = find(o)
        self.store.set_groups([(find(c), c) for c in parent])
        return len({find(c) for c in parent})

    def build_index(self) -> None:
        """Rebuild the search index of the stored consultations (their titles and questions, folded, as pairs and
        with marks, and the start of their answers), swapping it in whole."""
        sb = tantivy.SchemaBuilder()
        sb.add_integer_field("id", stored=True, indexed=True)
        for name in ("q_f", "q_bi", "q_a", "a_f"):
            sb.add_text_field(name, tokenizer_name="whitespace")
        schema = sb.build()
        tmp = self.index_path.with_name(self.index_path.name + ".building")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        idx = tantivy.Index(schema, str(tmp))
        w = idx.writer(heap_size=64_000_000, num_threads=1)
        for r in self.store.all():
            q = f"{r.title or ''} {r.question}"
            qf = folded_syllables(q)
            w.add_document(
                tantivy.Document(
                    id=r.id,
                    q_f=" ".join(qf),
                    q_bi=" ".join(bigrams(qf)),
                    q_a=" ".join(syllables(q)),
                    a_f=" ".join(folded_syllables(r.answer[:4000])),
                )
            )
        w.commit()
        w.wait_merging_threads()
        shutil.rmtree(self.index_path, ignore_errors=True)
        tmp.rename(self.index_path)

    # ------------------------------------------------------------------ search

    def search(
        self, query: str, k: int = 10, cites: str | None = None, one_per_group: bool = True
    ) -> list[dict]:
        """By question similarity and text; or every consultation citing a provision (``cites``)."""
        if cites:
            ref = next(
                (r for r in find_references(cites, library_names(self.library)) if r.doc is not None), None
            )
            if ref is None:
                raise LookupError(f"không đọc được trích dẫn {cites!r}")
            Resolver(self.library).resolve(ref, Context())
            if ref.doc_id is None:
                raise LookupError(ref.message or f"không giải được {cites!r}")
            address = ref.targets[0].address if ref.targets else None
            ids = self.store.citing_ids(ref.doc_id, address)
            return [self._record(i, None) for i in ids[:k]]
        if not (self.index_path / "meta.json").exists():
            return []
        idx = tantivy.Index.open(str(self.index_path))
        idx.reload()
        schema = idx.schema
        terms = folded_syllables(normalize(query))
        should = []
        for t in dict.fromkeys(terms):
            should.append((tantivy.Occur.Should, tantivy.Query.term_query(schema, "q_f", t)))
            should.append(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(schema, "a_f", t), 0.2),
                )
            )
        for b in dict.fromkeys(bigrams(terms)):
            should.append(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(schema, "q_bi", b), 1.5),
                )
            )
        for a in dict.fromkeys(syllables(query)):
            should.append(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(tantivy.Query.term_query(schema, "q_a", a), 0.5),
                )
            )
        if not should:
            return []
        searcher = idx.searcher()
        out, groups = [], set()
        for score, addr in searcher.search(tantivy.Query.boolean_query(should), k * 4).hits:
            cid = searcher.doc(addr)["id"][0]
            rec = self._record(cid, score)
            if one_per_group and rec["group"] in groups:
                continue
            groups.add(rec["group"])
            out.append(rec)
            if len(out) >= k:
                break
        return out

    def similar(self, question: str, k: int = 3) -> list[dict]:
        """The consultations whose question is like ``question`` ("Câu hỏi tương tự đã được trả lời"): the best of
        :meth:`search` that share at least :data:`SIMILAR_MIN_SHARE` of its content words (none rather than an
        unrelated one)."""
        words = {w for w in folded_syllables(normalize(question)) if w not in STOP}
        if not words:
            return []
        return [
            rec
            for rec in self.search(question, k=k)
            if len(words & set(folded_syllables(rec["question"] or ""))) >= SIMILAR_MIN_SHARE * len(words)
        ]

    def _record(self, cid: int, score: float | None) -> dict:
        r = self.store.get(cid)
        refs = self.store.citations(cid)
        return {
            "id": cid,
            "title": r.title,
            "question": r.question,
            "url": r.url,
            "date": r.date,
            "group": r.grp,
            "score": None if score is None else round(score, 3),
            "citations": [
                {"text": x.text, "doc": x.target_doc, "address": x.target_address, "status": x.status}
                for x in refs
            ],
        }

    def citing(self, doc_id: str) -> dict[str, list[dict]]:
        """Consultations citing each unit of a document: address → [{id, question}]."""
        out: dict[str, list[dict]] = {}
        for r in self.store.citing_units(doc_id):
            out.setdefault(r.target_address, []).append({"id": r.id, "question": r.question})
        return out

    # ------------------------------------------------------------------ staleness

    def check(self) -> list[dict]:
        """Consultations that may be stale, each with its reasons: a cited provision not in the library; a
        provision amended or replaced after the answer's date; a quote that no longer matches."""
        out = []
        for c in self.store.all(ordered=True):
            reasons = []
            for r in self.store.citations(c.id):
                if r.status in (ReferenceStatus.NOT_IN_LIBRARY, ReferenceStatus.UNIT_NOT_FOUND):
                    reasons.append(f"«{r.text}»: {r.message}")
                elif r.target_doc:
                    doc = self.library.document(r.target_doc)
                    art = next(
                        (
                            article_address(lab)
                            for k, lab in parse_address(r.target_address or "")
                            if k == "dieu"
                        ),
                        None,
                    )
                    for a in doc.amendments if doc else []:
                        if (
                            (a.target == art or not a.target)
                            and a.effective
                            and (not c.date or a.effective > c.date)
                        ):
                            assert doc is not None  # the loop runs over doc's amendments
                            what = citation_of(parse_address(a.target)) if a.target else doc.name
                            reasons.append(
                                f"«{r.text}»: {what} đã được {a.kind} bởi {a.by_number} từ {a.effective}"
                            )
            for chk in check_text(c.answer, self.library):
                for q in chk.quotes:
                    if q.ok is False:
                        reasons.append(f"«{chk.reference.text}»: {q.message}")
            if reasons:
                out.append(
                    {
                        "id": c.id,
                        "question": c.question,
                        "url": c.url,
                        "reasons": list(dict.fromkeys(reasons)),
                    }
                )
        return out
