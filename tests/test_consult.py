"""Published consultations on real records: the TVPL answers and the seed page."""

import json

import pytest
from conftest import DATA, FIXTURES

from luat.consult import ConsultationBase, read_consultations
from luat.ingest import ingest
from luat.store import Library

pytestmark = pytest.mark.data
TVPL = DATA / "qa" / "tvpl-privacy-dev.jsonl"
SEED = DATA.parent / "examples" / "seed-qa-bhxh.txt"


def _record(index: int) -> dict:
    with TVPL.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i == index:
                return json.loads(line)
    raise IndexError(index)


def test_all_tvpl_consultations_ingest_with_their_citations(bhxh_library, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"question": "", "answer": "x"}\nnot json\n' + json.dumps(_record(250), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    base = ConsultationBase(bhxh_library)
    report = base.ingest([TVPL, bad]).as_dict()
    assert report["records"] == 941  # 940 + the good line of bad.jsonl, which is record 250 again ...
    assert (
        bhxh_library.db.execute("SELECT COUNT(*) FROM consultations").fetchone()[0] == 940
    )  # ... stored once (same URL)
    assert len(report["rejected"]) == 2 and "needs non-empty 'question'" in report["rejected"][0]
    assert 0 < report["share_all_resolve"] < 1 and "văn bản chưa có trong thư viện" in report["top_reasons"]
    hits = base.search("", cites="Điều 38 Bộ luật Dân sự 2015", k=50)
    assert hits and all(any((c["address"] or "").startswith("dieu-38") for c in h["citations"]) for h in hits)
    similar = base.search("mua bán thông tin cá nhân của người khác bị xử lý thế nào", k=5)
    assert len({h["group"] for h in similar}) == len(similar)  # one per group of near-duplicates
    # "Câu hỏi tương tự": a question rephrased finds its original; one on another subject is shown none, though the
    # search always finds something
    rephrased = (
        "Muốn chuyển dữ liệu cá nhân ra nước ngoài thì hồ sơ đánh giá tác động cần có những giấy tờ nào?"
    )
    assert "nước ngoài" in base.similar(rephrased, k=1)[0]["question"]
    other = "Vợ chồng tôi ly hôn, con gái 2 tuổi thì ai được quyền nuôi con?"
    assert base.search(other, k=1) and base.similar(other, k=1) == []


def test_seed_page_citation_resolves_once_the_decision_is_ingested(luat_home):
    (seed,), bad = read_consultations(SEED)
    assert (
        not bad
        and seed.title.startswith("Nội dung đổi mới toàn diện")
        and seed.question.startswith("Cho tôi hỏi")
    )
    assert "Chúng tôi phản hồi" not in seed.answer
    lib = Library("test-consult-seed")
    base = ConsultationBase(lib)
    base.ingest([SEED])
    (ref,) = lib.db.execute("SELECT * FROM consultation_refs").fetchall()
    assert (
        ref["text"] == "Mục III Điều 1 Quyết định 1676/QĐ-TTg năm 2019" and ref["status"] == "not_in_library"
    )
    assert "1676/QĐ-TTg" in ref["message"]
    ingest([FIXTURES / "qd-1676-2019-trich.txt"], lib, progress=False, workers=1)
    (ref,) = lib.db.execute("SELECT * FROM consultation_refs").fetchall()
    assert (ref["status"], ref["target_doc"], ref["target_address"]) == (
        "resolved",
        "1676/QĐ-TTg",
        "dieu-1-section-iii",
    )


def test_check_finds_an_altered_quote_and_an_article_past_the_end(bhxh_library, tmp_path):
    good = _record(250)  # "căn cứ điều 38 bộ luật dân sự 2015 ... như sau:" then the article quoted
    altered = dict(
        good,
        original_url="test://altered",
        answer=good["answer"].replace("là bất khả xâm phạm", "là có thể xâm phạm", 1),
    )
    past_end = dict(
        good,
        original_url="test://past-end",
        answer=good["answer"].replace("điều 38 bộ luật", "điều 999 bộ luật", 1),
    )
    path = tmp_path / "edited.jsonl"
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in (good, altered, past_end)), encoding="utf-8"
    )
    lib = Library("test-consult-check")
    ingest([DATA / "vlc-2021" / "bo-luat-dan-su.txt"], lib, progress=False, workers=1)
    base = ConsultationBase(lib)
    base.ingest([path])
    stale = {s["url"]: s["reasons"] for s in base.check()}
    assert good["original_url"] not in stale
    assert any("không khớp nguyên văn" in r for r in stale["test://altered"])
    assert any("Điều 999 không có trong" in r for r in stale["test://past-end"])
