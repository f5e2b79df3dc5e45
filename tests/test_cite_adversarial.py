"""The reference finder on adversarial text (issue 14): each pattern ``scripts/cite_speed.py`` times, at 100 KB,
returns sane spans, and the finder's shortcuts (tokenising only from where a parse can start, the reads shared
along a run) give what a parse of every token of every window gives."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luat.cite import find_references
from luat.cite.find import DEFAULT_NAMES, _Parser, _share_documents, _windows, reference_to_json
from luat.text import fold_same_length

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from cite_speed import patterns  # noqa: E402  (the inputs the timing script measures)

SIZE = 100_000  # bytes of each pattern
HANG = 30.0  # seconds: a loose guard against a hang, not a speed test (1 MB takes about a second)
NEEDS_DATA = {"decomposed accents (NFD real text)", "real text (vlc-2021, first MB)"}


@pytest.mark.parametrize("name", list(patterns(SIZE)))
def test_adversarial_pattern_completes(name):
    if name in NEEDS_DATA and not (Path(os.environ.get("LUAT_DATA", "")) / "vlc-2021").is_dir():
        pytest.skip("needs LUAT_DATA with vlc-2021")
    text = patterns(SIZE)[name]()
    t0 = time.process_time()
    refs = find_references(text)
    assert time.process_time() - t0 < HANG
    last = 0
    for r in refs:
        assert last <= r.start < r.end <= len(text) and r.text == text[r.start : r.end]
        last = r.end


def _eager(text: str) -> list:
    """The finder as it was before it read lazily: every token of every window, each tried as a start."""
    out = []
    folded = fold_same_length(text)
    budget = [10_000 + len(text) // 16]
    for a, b in _windows(text, folded):
        p = _Parser(text, DEFAULT_NAMES, a, b, folded, budget=budget)
        i = 0
        while i < p.n or p._more(i):
            got = p.parse_at(i)
            if got is None:
                i += 1
                continue
            ref, j = got
            if not (out and ref.start < out[-1].end):
                out.append(ref)
            i = max(j, i + 1)
    _share_documents(text, out)
    return [reference_to_json(r) for r in out]


PIECES = [
    "Điều",
    "điều",
    "khoản",
    "Khoản",
    "điểm",
    "tiết",
    "Mục",
    "tiểu mục",
    "Chương",
    "Phần",
    "các",
    "từ",
    "đến",
    "và",
    ",",
    ".",
    ";",
    "(",
    ")",
    "1",
    "12",
    "1.5",
    "1.15",
    "a",
    "đ",
    "III",
    "này",
    "của",
    "tại",
    "Luật",
    "luật",
    "Bộ luật",
    "Nghị định",
    "số",
    "15/2020/NĐ-CP",
    "15/2020/NĐ - CP",
    "58/2014/QH13",
    "1/",
    "/",
    "NĐ",
    "nd",
    "blds",
    "Dân sự",
    "bảo hiểm xã hội",
    "năm",
    "2015",
    "ngày",
    "3/4/2020",
    "Chính phủ",
    "Quy chế",
    "Hiến pháp",
    "pháp luật",
    "chi tiết",
    "luật sư",
    "\x00",
    "\ufffd",
    "_",
    "1.5dieu",
    "a" * 70,
]
SEPS = [" ", " ", "", "\n", "  ", "\t"]
pieces_text = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPS)), max_size=300).map(
    lambda xs: "".join(p + s for p, s in xs)
)


@settings(max_examples=300, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(pieces_text, st.booleans())
def test_lazy_finder_reads_as_the_eager_one(text, lower):
    text = text.lower() if lower else text
    assert [reference_to_json(r) for r in find_references(text)] == _eager(text)


@settings(max_examples=40, deadline=20_000, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PIECES), st.sampled_from(SEPS), st.integers(1, 3000))
def test_runs_of_one_piece(piece, sep, n):
    text = (piece + (sep or " ")) * n
    assert [reference_to_json(r) for r in find_references(text)] == _eager(text)


def test_ranges_expand_within_a_budget():
    refs = find_references("từ Điều 10 đến Điều 15 của Luật này")
    assert [t.article for t in refs[0].targets] == ["10", "11", "12", "13", "14", "15"]
    text = "từ Điều 1 đến Điều 300 " * 4000  # 96 KB; expanded whole, 1.2 million targets
    targets = sum(len(r.targets) for r in find_references(text))
    assert targets <= 10_000 + len(text) // 16 + 2 * 4000


def test_the_cycle_collector_is_left_as_found():
    """The finder holds Python's cycle collector off while it runs (it makes no cycles) and leaves it as the
    caller had it, on or off."""
    import gc

    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            assert find_references("khoản 2 Điều 60 Luật 58/2014/QH13")
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()
