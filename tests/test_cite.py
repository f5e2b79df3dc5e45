"""The reference engine on real text: 320 sentences from the official laws, Pháp điển (articles and
notes) and the TVPL answers, each with its references checked by hand (tests/data/cite_cases.jsonl)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luat import api
from luat.cite import Context, NameIndex, Resolver, find_references
from luat.cite.check import check_text
from luat.cite.repeal import find_repeals
from luat.evaluate import compact_reference
from luat.sohieu import number_key

CASES = [
    json.loads(line) for line in (Path(__file__).parent / "data" / "cite_cases.jsonl").open(encoding="utf-8")
]


def compact(ref) -> dict:
    doc, targets = compact_reference(ref)
    return {"text": ref.text, "start": ref.start, "targets": targets, "doc": doc}


def test_enough_cases():
    assert len(CASES) >= 300
    assert sum(len(c["refs"]) for c in CASES) >= 200


@pytest.mark.parametrize("case", CASES, ids=[f"{c['src']}:{i}" for i, c in enumerate(CASES)])
def test_find(case):
    found = [compact(r) for r in find_references(case["text"])]
    assert found == case["refs"]
    for r in find_references(case["text"]):
        assert case["text"][r.start : r.end] == r.text


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("Điều khoản điểm 0123456789 .,;/-“”Luật này Nghị định số NĐ-CP QH aăâđ\n")
        ),
        max_size=300,
    )
)
def test_finder_never_crashes_on_legal_looking_text(text):
    for r in find_references(text):
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start : r.end] == r.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_finder_never_crashes_on_any_text(text):
    for r in find_references(text):
        assert text[r.start : r.end] == r.text


class Resolution(NamedTuple):
    """What a reference should resolve to: its status, document and first target's address, and words its message
    holds."""

    text: str
    status: str
    doc: str | None
    address: str | None = None
    message: str | None = None


def resolved(text: str, doc: str, address: str | None = None) -> Resolution:
    """A reference the library resolves to ``address`` (if given) in ``doc``."""
    return Resolution(text, "resolved", doc, address)


def unit_not_found(text: str, doc: str, address: str, message: str) -> Resolution:
    """A reference to a unit ``doc`` does not have, said so in ``message``."""
    return Resolution(text, "unit_not_found", doc, address, message)


def not_in_library(text: str, message: str, address: str | None = None) -> Resolution:
    """A reference to a document the library lacks, named in ``message``."""
    return Resolution(text, "not_in_library", None, address, message)


RESOLUTIONS = [
    resolved("khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014", "58/2014/QH13", "dieu-60-khoan-1"),
    resolved("điểm đ khoản 1 Điều 2 Luật số 58/2014/QH13", "58/2014/QH13", "dieu-2-khoan-1-diem-dd"),
    resolved("khoan 1 dieu 60 luat bhxh 2014", "58/2014/QH13", "dieu-60-khoan-1"),
    resolved("Điều 8 Nghị định 115/2015/nd-cp", "115/2015/NĐ-CP", "dieu-8"),
    unit_not_found(
        "Điều 300 Luật Bảo hiểm xã hội 2014", "58/2014/QH13", "dieu-300", "Điều 300 không có trong"
    ),
    not_in_library("Điều 5 Luật Bảo hiểm xã hội 2024", "Luật Bảo hiểm xã hội 2024", address="dieu-5"),
    not_in_library(
        "Mục III Điều 1 Quyết định 1676/QĐ-TTg năm 2019", "1676/QĐ-TTg", address="dieu-1-section-iii"
    ),
    resolved("Điều 38 Bộ luật Dân sự 2015", "91/2015/QH13", "dieu-38"),
    # numbered points and their tiết (the consolidated QĐ 595/QĐ-BHXH)
    resolved(
        "Điểm 1.6 Khoản 1 Điều 4 Văn bản hợp nhất 2089/VBHN-BHXH", "2089/VBHN-BHXH", "dieu-4-khoan-1-diem-1.6"
    ),
    resolved(
        "Tiết b Điểm 1.7 Khoản 1 Điều 4 Văn bản hợp nhất 2089/VBHN-BHXH",
        "2089/VBHN-BHXH",
        "dieu-4-khoan-1-diem-1.7",
    ),
    unit_not_found(
        "Điểm 1.12 Khoản 1 Điều 4 Văn bản hợp nhất 2089/VBHN-BHXH",
        "2089/VBHN-BHXH",
        "dieu-4-khoan-1-diem-1.12",
        "điểm 1.12 khoản 1 Điều 4 không có",
    ),
]


@pytest.mark.data
@pytest.mark.parametrize("case", RESOLUTIONS, ids=[c.text for c in RESOLUTIONS])
def test_resolve(bhxh_library, case):
    ref = find_references(case.text)[0]
    Resolver(bhxh_library).resolve(ref, Context())
    assert ref.status == case.status, ref.message
    assert ref.doc_id == case.doc
    assert ref.targets[0].address == case.address
    if case.message:
        assert case.message in ref.message


@pytest.mark.parametrize(
    "text,name",
    [
        # a known name may hold a comma (Pháp điển, Luật 58/2020/QH14)
        (
            "chi phí hòa giải, đối thoại tại Tòa án theo quy định tại khoản 2 Điều 9 Luật Hòa giải, đối thoại tại Tòa án;",
            "hoa giai doi thoai tai toa an",
        ),
        # a short known name may go on ("Luật Đầu tư công"), but not into the sentence after a long one
        (
            "Hội đồng quản lý bảo hiểm xã hội Việt Nam theo quy định của Luật bảo hiểm xã hội chịu trách nhiệm quản lý quỹ",
            "bao hiem xa hoi",
        ),
        (
            "do cơ quan có trách nhiệm bồi thường theo quy định của Luật Trách nhiệm bồi thường của Nhà nước đảm bảo;",
            "trach nhiem boi thuong cua nha nuoc",
        ),
    ],
)
def test_known_names_end_where_the_name_ends(text, name):
    names = NameIndex(
        [("Luật", "Hòa giải, đối thoại tại Tòa án"), ("Luật", "Trách nhiệm bồi thường của Nhà nước")]
    )
    refs = [r for r in find_references(text, names) if r.doc is not None]
    assert [r.doc.name for r in refs] == [name]


@pytest.mark.data
def test_relative_reference_resolves_in_its_article(bhxh_library):
    ref = find_references("trừ trường hợp quy định tại điểm c khoản 1 Điều này")[0]
    Resolver(bhxh_library).resolve(ref, Context(doc_id="58/2014/QH13", article="60"))
    assert ref.status == "resolved" and ref.targets[0].address == "dieu-60-khoan-1-diem-c"
    bare = find_references("theo quy định tại khoản 2")[0]
    Resolver(bhxh_library).resolve(bare, Context(doc_id="58/2014/QH13", article="60", clause="3"))
    assert bare.targets[0].address == "dieu-60-khoan-2" and bare.status == "resolved"


@pytest.mark.data
def test_links_stored_at_ingest(bhxh_library):
    out = api.show("Điều 60 Luật 58/2014/QH13", library="test-bhxh")
    cites = {(c["text"], c["address"]) for c in out["cites"]}
    assert ("các khoản 1, 2 và 4 Điều 54 của Luật này", "dieu-54-khoan-4") in cites
    assert ("điểm đ và điểm e khoản 1 Điều 2 của Luật này", "dieu-2-khoan-1-diem-dd") in cites
    cited_by = {(c["doc"], c["address"]) for c in out["cited_by"]}
    assert ("58/2014/QH13", "dieu-61") in cited_by  # "Điều 60 của Luật này" in Điều 61
    assert any(doc == "59/2015/TT-BLĐTBXH" for doc, _ in cited_by)  # a Thông tư citing Luật BHXH


ANSWER = """Căn cứ khoản 1 Điều 60 Luật Bảo hiểm xã hội 2014 quy định như sau:
- Người lao động quy định tại khoản 1 Điều 2 của Luật này mà có yêu cầu thì được hưởng bảo hiểm xã hội một lần nếu thuộc một trong các trường hợp sau đây:
+ Ra nước ngoài để định cư;
"""


@pytest.mark.data
def test_check_accepts_a_faithful_answer(bhxh_library):
    checks = check_text(ANSWER, bhxh_library, today="2026-01-01")
    assert len(checks) == 1 and checks[0].ok
    assert [q.ok for q in checks[0].quotes] == [True, True]


@pytest.mark.data
def test_check_flags_each_fault_with_its_own_message(bhxh_library):
    altered = ANSWER.replace("Ra nước ngoài để định cư", "Ra nước ngoài để lao động")
    fabricated = "Theo Điều 300 Luật Bảo hiểm xã hội 2014, người lao động được rút ngay."
    missing = "Căn cứ Điều 5 Luật Bảo hiểm xã hội 2024 thì người lao động được rút ngay."
    (c1,) = check_text(altered, bhxh_library)
    assert not c1.ok and c1.quotes[1].ok is False
    assert (
        "không khớp nguyên văn khoản 1 Điều 60" in c1.quotes[1].message and "lao động" in c1.quotes[1].message
    )
    (c2,) = check_text(fabricated, bhxh_library)
    assert (
        c2.reference.status == "unit_not_found"
        and "Điều 300 không có trong Luật Bảo hiểm xã hội 2014" in c2.reference.message
    )
    (c3,) = check_text(missing, bhxh_library)
    assert c3.reference.status == "not_in_library" and "Luật Bảo hiểm xã hội 2024" in c3.reference.message


@pytest.mark.data
def test_cli_check_exit_status(bhxh_library, tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ANSWER, encoding="utf-8")
    bad.write_text(ANSWER.replace("định cư", "du lịch"), encoding="utf-8")
    cmd = [sys.executable, "-m", "luat.cli", "cite", "check", "--library", "test-bhxh", "--json"]
    ok = subprocess.run(cmd + [str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["ok"] is True
    ko = subprocess.run(cmd + [str(bad)], capture_output=True, text=True)
    assert ko.returncode == 1 and json.loads(ko.stdout)["ok"] is False


@pytest.mark.data
def test_cli_cite_json_shape(bhxh_library):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "luat.cli",
            "cite",
            "căn cứ khoản 1 điều 60 luật bhxh 2014",
            "--json",
            "--library",
            "test-bhxh",
        ],
        capture_output=True,
        text=True,
    )
    (ref,) = json.loads(run.stdout)
    assert (
        ref["text"] == "khoản 1 điều 60 luật bhxh 2014" and ref["start"] == 7 and ref["status"] == "resolved"
    )
    assert ref["targets"] == [
        {"doc": "58/2014/QH13", "article": "60", "clause": "1", "point": None, "section": None}
    ]


REPEALS = [
    # (sentence from the library's texts, [(repealed document as cited, kind, date)])
    (
        "3. Luật Kinh doanh bảo hiểm số 24/2000/QH10 đã được sửa đổi, bổ sung một số điều theo Luật số 61/2010/QH12 và Luật số "
        "42/2019/QH14 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành, trừ trường hợp sau đây:",
        [("Luật Kinh doanh bảo hiểm số 24/2000/QH10", "hết hiệu lực", None)],
    ),
    (
        "Thông tư này thay thế Thông tư số 20/2015/TT-BTP ngày 29 tháng 12 năm 2015 của Bộ trưởng Bộ Tư pháp quy định chi tiết và "
        "hướng dẫn thi hành một số điều của Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015",
        [("Thông tư số 20/2015/TT-BTP ngày 29 tháng 12 năm 2015", "thay thế", None)],
    ),
    (
        "Bãi bỏ Thông tư số 24/2015/TT-BGDĐT ngày 23 tháng 9 năm 2015 của Bộ trưởng Bộ Giáo dục và Đào tạo quy định chuẩn quốc "
        "gia đối với cơ sở giáo dục đại học.",
        [("Thông tư số 24/2015/TT-BGDĐT ngày 23 tháng 9 năm 2015", "bãi bỏ", None)],
    ),
    (
        "2. Thông tư số 06/2015/TT-BTP ngày 15 tháng 6 năm 2015 của Bộ trưởng Bộ Tư pháp quy định chi tiết và hướng dẫn thi hành "
        "một số điều của Luật Công chứng hết hiệu lực thi hành kể từ ngày 01 tháng 7 năm 2021.",
        [("Thông tư số 06/2015/TT-BTP ngày 15 tháng 6 năm 2015", "hết hiệu lực", "2021-07-01")],
    ),
    # conditional, a unit, an annex's forms, a document named only in a description: nothing
    ("Quyết định này được thực hiện cho đến khi Nghị quyết số 55/2022/QH15 hết hiệu lực.", []),
    ("Bãi bỏ Mục 6 Phần I Thông tư số 26/2014/TT-BTNMT ngày 28 tháng 5 năm 2014.", []),
    (
        "Các biểu mẫu từ Mẫu số 15-DS đến Mẫu số 22-DS ban hành kèm theo Nghị quyết số 01/2017/NQ-HĐTP ngày 13 tháng 01 năm 2017 "
        "hết hiệu lực kể từ ngày Nghị quyết này có hiệu lực thi hành.",
        [],
    ),
    (
        "Trường hợp có sự sửa đổi, bổ sung hoặc thay thế Thông tư số 05/2016/TT-BTTTT thì thực hiện theo quy định mới.",
        [],
    ),
    # 165/2003/NĐ-CP Điều 19: an old số hiệu ("86/HĐBT") is not the number 86 of the newest Nghị định 86/...
    (
        "Nghị định này có hiệu lực thi hành sau 15 ngày, kể từ ngày đăng Công báo và thay thế Nghị định số 86/HĐBT ngày 11 "
        "tháng 5 năm 1982 của Hội đồng Bộ trưởng về chế độ biệt phái sĩ quan Quân đội nhân dân Việt Nam.",
        [],
    ),
    # a number written alone names no document precisely enough to repeal it
    ("Bãi bỏ Nghị định số 86 ngày 11 tháng 5 năm 1982 của Hội đồng Bộ trưởng.", []),
]


@pytest.mark.parametrize("text,expected", REPEALS)
def test_find_repeals(text, expected):
    got = [(r.reference.text, r.kind, r.date) for r in find_repeals(text)]
    assert got == expected
    for r in find_repeals(text):
        assert text[r.reference.start : r.reference.end] == r.reference.text


@pytest.mark.data
def test_repealed_code_recorded_and_ranked_after_its_successor(bhxh_library):
    """Bộ luật Lao động 2019 Điều 220 says the 2012 code is no longer in force from 2021-01-01: the library
    records it, search ranks the 2019 code's article first, the document says so."""
    assert bhxh_library.repealed_documents().get("10/2012/QH13") == "2021-01-01"
    doc = bhxh_library.document("10/2012/QH13")
    assert doc.status == "hết hiệu lực"
    assert any(
        a.target == "" and a.by_number == "45/2019/QH14" and a.by_units == "Điều 220" for a in doc.amendments
    )
    hits = api.searcher("test-bhxh").search("thời giờ làm việc bình thường", k=5)
    assert (hits[0].doc.number, hits[0].article) == ("45/2019/QH14", "105")
    assert ("10/2012/QH13", "104") in [(h.doc.number, h.article) for h in hits]  # still found, after


WRITTEN_ALONE = [
    resolved("theo Nghị định 115 năm 2015", "115/2015/NĐ-CP"),
    resolved("nd 115 quy định", "115/2015/NĐ-CP"),
    not_in_library("bị phạt bao nhiêu theo nghị định 100?", "Nghị định số 100 chưa có trong thư viện"),
]


@pytest.mark.data
@pytest.mark.parametrize("case", WRITTEN_ALONE, ids=[c.text for c in WRITTEN_ALONE])
def test_number_written_alone(bhxh_library, case):
    """People write "nghị định 115" for 115/2015/NĐ-CP: the documents of that type whose number starts so."""
    ref = find_references(case.text)[0]
    Resolver(bhxh_library).resolve(ref, Context())
    assert (ref.status, ref.doc_id) == (case.status, case.doc), ref.message
    if case.message:
        assert case.message in ref.message


@pytest.mark.parametrize(
    "text",
    [
        "Quyết định 5 năm một lần",
        "quyết định 100 triệu đồng",
        "Nghị quyết 2019",
        "Thông tư 35/2017",
        "Nghị định số 86/HĐBT ngày 11 tháng 5 năm 1982",
    ],
)
def test_quantities_are_not_numbers_written_alone(text):
    assert all(r.doc is None or r.doc.number is None for r in find_references(text))


@pytest.mark.data
def test_repeals_need_a_full_number_and_an_earlier_document(bhxh_library):
    """A document issued after the one that would repeal it is a misreading (before the guard, a bare "Nghị
    định số 86" made a 2003 decree repeal one of 2025): no recorded repeal has its document repealed by an
    older one."""
    repealed = bhxh_library.repealed_documents()
    assert "10/2012/QH13" in repealed
    for doc_id in repealed:
        rows = bhxh_library.db.execute(
            "SELECT by_number, by_units FROM amendments WHERE doc_id=? AND target='' AND source_id IS NULL",
            (doc_id,),
        ).fetchall()
        for by_number, by_units in rows:
            if not by_units:
                continue  # a recorded replacement (replacements.py): the replacing law is not in the library
            by = bhxh_library.document(bhxh_library.find_documents(number_key(by_number))[0])
            old = bhxh_library.document(doc_id)
            assert not (by.issued and old.issued) or old.issued <= by.issued


@pytest.mark.data
def test_check_says_once_that_a_cited_document_was_repealed(bhxh_library):
    [check] = check_text("Căn cứ Điều 104 Bộ luật Lao động số 10/2012/QH13 quy định như sau:", bhxh_library)
    name = bhxh_library.document("10/2012/QH13").name
    assert [n for n in check.notes if "hiệu lực" in n] == [
        f"{name}: Văn bản đã hết hiệu lực từ 2021-01-01 theo Điều 220 văn bản 45/2019/QH14"
    ]
