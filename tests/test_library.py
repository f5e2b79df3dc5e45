import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import BHXH_DEMUC, DATA, FIXTURES

from luat import api
from luat.ingest import ingest
from luat.store import Library


@pytest.mark.data
def test_show_clause_with_points_and_metadata(bhxh_library):
    out = api.show("khoản 1 Điều 60 Luật 58/2014/QH13", library="test-bhxh")
    doc, unit = out["document"], out["unit"]
    assert (doc["number"], doc["doc_type"], doc["title"], doc["issuer"]) == (
        "58/2014/QH13",
        "Luật",
        "Bảo hiểm xã hội",
        "Quốc hội",
    )
    assert (doc["issued"], doc["effective"]) == ("2014-11-20", "2016-01-01")
    assert doc["name"] == "Luật Bảo hiểm xã hội 2014"
    kinds = {s.split(":")[0] for s in doc["sources"]}
    assert {"Pháp điển 2025-02", "Văn bản gốc", "law_dict"} <= kinds
    assert unit["citation"] == "khoản 1 Điều 60" and unit["address"] == "dieu-60-khoan-1"
    assert [c["label"] for c in unit["children"]] == ["a", "b", "c", "d"]
    assert unit["text"].startswith("1. Người lao động quy định tại khoản 1 Điều 2 của Luật này mà có yêu cầu")
    assert "\nb) Ra nước ngoài để định cư;" in unit["text"]
    assert unit["text"].endswith("mà không đủ điều kiện để hưởng lương hưu.")
    # the same unit by name and year, abbreviated, and diacritic-free
    for q in ("khoản 1 Điều 60 Luật BHXH 2014", "khoan 1 dieu 60 luat bao hiem xa hoi 2014"):
        assert api.show(q, library="test-bhxh")["unit"]["text"] == unit["text"]


@pytest.mark.data
def test_versions_by_source_newest_first(bhxh_library):
    out = api.show("Điều 60 Luật 58/2014/QH13", library="test-bhxh")
    versions = out["versions"]
    assert versions[0]["newest"] and versions[0]["kind"] == "phapdien" and versions[0]["code"] == "2.1.LQ.60"
    assert {v["kind"] for v in versions} == {"phapdien", "official", "lawdict"}
    assert "Điều 60 Luật số 58/2014/QH13" in versions[0]["note"]


@pytest.mark.data
def test_partial_article_keeps_what_the_source_holds(bhxh_library):
    """Pháp điển 2025-02 quotes only khoản 2 of Điều 15 TT 59/2015 under đề mục 2.1; law_dict has all of it.
    The newest source's khoản 2 is kept, and khoản 1 comes from law_dict: a partial quote is not a repeal."""
    units = bhxh_library.article_units("59/2015/TT-BLĐTBXH", "15")
    khoan = {u.label: u.text for u in units if u.kind == "khoan"}
    assert khoan["2"].startswith("2. Việc xác định thời gian làm nghề")
    assert "1" in khoan
    pd = next(v for v in bhxh_library.versions("59/2015/TT-BLĐTBXH", "15") if v["kind"] == "phapdien")
    assert khoan["2"] in pd["body"]  # verbatim from Pháp điển


def _v(vid, date, kind, body):
    from luat.structure import parse_body

    clauses = [u.label for u in parse_body(body) if u.kind == "khoan"]
    return {
        "id": vid,
        "date": date,
        "skind": kind,
        "body": body,
        "heading": "H",
        "context": None,
        "clauses": json.dumps(clauses),
        "body_hash": str(vid),
    }


MERGES = [
    # versions, expected text, composed?
    (
        [
            _v(1, "2025-02-01", "phapdien", "1. A mới.\n2. B mới."),
            _v(2, "2014-11-20", "official", "1. A cũ.\n2. B cũ.\n3. C cũ."),
        ],
        "1. A mới.\n2. B mới.",
        0,
    ),  # the newest full text wins; khoản 3 was repealed, not resurrected
    (
        [_v(1, "2025-02-01", "phapdien", "1. A.\n2. B."), _v(2, "2025-02-01", "phapdien", "3. C.")],
        "1. A.\n2. B.\n3. C.",
        1,
    ),  # one edition split across đề mục: merged per khoản
    (
        [
            _v(1, "2025-02-01", "phapdien", "2. B mới."),
            _v(2, None, "lawdict", "Mở đầu:\n1. A.\n2. B cũ.\n3. C."),
        ],
        "Mở đầu:\n1. A.\n2. B mới.",
        1,
    ),  # partial quote: what comes before it from the older text
    ([_v(1, "2025-02-01", "phapdien", "2. B mới.")], "2. B mới.", 0),
]


@pytest.mark.parametrize("versions,text,composed", MERGES)
def test_merge_versions(versions, text, composed):
    from luat.store import merge_versions

    body, heading, version_id, was_composed, _context = merge_versions(versions)
    assert (body, was_composed, version_id, heading) == (text, composed, 1, "H")


@pytest.mark.data
def test_amendments_known_to_the_library(bhxh_library):
    doc = bhxh_library.document("58/2014/QH13")
    repealed = {a.target for a in doc.amendments if "bãi bỏ" in a.kind}
    assert {"dieu-42", "dieu-43"} <= repealed  # repealed by Luật An toàn, vệ sinh lao động 84/2015/QH13
    assert all(a.by_number for a in doc.amendments)


@pytest.mark.data
def test_toc_follows_the_official_outline(bhxh_library):
    toc = api.show("58/2014/QH13", library="test-bhxh", toc=True)["toc"]
    assert toc[0] == {
        "kind": "chuong",
        "label": "I",
        "heading": "NHỮNG QUY ĐỊNH CHUNG",
        "address": "chuong-i",
        "depth": 0,
    }
    assert toc[1]["kind"] == "dieu" and toc[1]["label"] == "1" and toc[1]["depth"] == 1
    articles = [e["label"] for e in toc if e["kind"] == "dieu"]
    assert articles[:3] == ["1", "2", "3"] and articles[-1] == "125" and len(articles) == 125


@pytest.mark.data
def test_reingest_is_idempotent(bhxh_library):
    before = bhxh_library.stats()
    ingest([DATA / BHXH_DEMUC, DATA / "bhxh"], bhxh_library, progress=False, workers=1)
    after = bhxh_library.stats()
    assert before == after


@pytest.mark.data
def test_bad_files_are_rejected_and_the_rest_ingested(luat_home, tmp_path):
    (tmp_path / "empty.txt").write_text("")
    good_gz = (DATA / BHXH_DEMUC).read_bytes()
    (tmp_path / "truncated.html.gz").write_bytes(good_gz[:5000])
    (tmp_path / "latin1.txt").write_bytes("Điều 1. Phạm vi".encode("utf-16"))
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    (tmp_path / "notes.txt").write_text("Chỉ là ghi chú, không có điều khoản nào.\n", encoding="utf-8")
    (tmp_path / "qd.txt").write_text(
        (FIXTURES / "qd-1676-2019-trich.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    lib = Library("test-bad")
    report = ingest([tmp_path], lib, progress=False, workers=1)
    reasons = {r.split(":")[0].rsplit("/", 1)[-1]: r for r in report.rejected}
    assert set(reasons) == {"empty.txt", "truncated.html.gz", "latin1.txt", "scan.pdf", "notes.txt"}
    assert "empty file" in reasons["empty.txt"]
    assert "gzip" in reasons["truncated.html.gz"] or "truncated" in reasons["truncated.html.gz"].lower()
    assert "not UTF-8" in reasons["latin1.txt"]
    assert "unrecognised file type '.pdf'" in reasons["scan.pdf"]
    assert "no 'Điều N.' article" in reasons["notes.txt"]
    assert lib.document("1676/QĐ-TTg") is not None


@pytest.mark.data
def test_failed_ingest_leaves_the_library_as_it_was(bhxh_library):
    before = bhxh_library.stats()

    def boom(library, touched):
        raise RuntimeError("simulated crash after writing")

    with pytest.raises(RuntimeError):
        ingest(
            [FIXTURES / "qd-1676-2019-trich.txt"], bhxh_library, progress=False, workers=1, after_write=boom
        )
    assert bhxh_library.stats() == before
    assert bhxh_library.document("1676/QĐ-TTg") is None


@pytest.mark.data
def test_killed_ingest_process_leaves_the_library_as_it_was(bhxh_library):
    before = bhxh_library.stats()
    env = {**os.environ, "LUAT_HOME": os.environ["LUAT_HOME"]}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "luat.cli",
            "ingest",
            "--quiet",
            "--library",
            "test-bhxh",
            str(DATA / "phapdien" / "2025-02"),
        ],
        env=env,
        start_new_session=True,
    )
    time.sleep(4)  # well into writing: reading and writing a đề mục takes a fraction of a second
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    lib = Library("test-bhxh")
    assert lib.stats() == before
    lib.close()


def test_user_quyet_dinh_sections_are_addressable(luat_home):
    lib = Library("test-qd")
    report = ingest([FIXTURES / "qd-1676-2019-trich.txt"], lib, progress=False, workers=1)
    assert not report.rejected
    out = api.show("Mục III Điều 1 Quyết định 1676/QĐ-TTg năm 2019", library="test-qd")
    unit = out["unit"]
    assert unit["kind"] == "section" and unit["label"] == "III" and unit["citation"] == "Mục III Điều 1"
    assert unit["heading"].startswith("NỘI DUNG ĐỔI MỚI TOÀN DIỆN")
    assert [c["label"] for c in unit["children"]] == ["1", "2", "3", "4"]
    assert unit["children"][2]["text"].startswith("3. Đổi mới về hình thức tuyên truyền")
    item = api.show("điểm b khoản 1 Mục III Điều 1 Quyết định 1676/QĐ-TTg", library="test-qd")["unit"]
    assert item["text"].startswith("b) Cơ quan tổ chức thực hiện chính sách BHXH")
    assert out["document"]["issuer"] == "Thủ tướng Chính phủ"


def _luat(*args: str) -> subprocess.CompletedProcess:
    """``luat ARGS`` in a child process (the environment, LUAT_HOME included, passed on)."""
    return subprocess.run(
        [sys.executable, "-m", "luat.cli", *args], capture_output=True, text=True, env={**os.environ}
    )


@pytest.mark.data
def test_cli_json(bhxh_library):
    run = _luat("show", "khoản 1 Điều 60 Luật 58/2014/QH13", "--json", "--library", "test-bhxh")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["unit"]["address"] == "dieu-60-khoan-1"
    run = _luat("show", "Điều 999 Luật 58/2014/QH13", "--json", "--library", "test-bhxh")
    assert run.returncode == 1 and "Điều 999" in json.loads(run.stdout)["error"]
    run = _luat("stats", "--json", "--library", "test-bhxh")
    assert json.loads(run.stdout)["articles"] == bhxh_library.stats()["articles"]


@pytest.mark.data
def test_alqac_law_file_is_its_own_library(luat_home):
    lib = Library("test-alqac")
    report = ingest([DATA / "alqac" / "2024" / "law" / "law.json"], lib, progress=False, workers=1)
    assert report.documents == 17 and not report.rejected
    assert lib.article_text("Luật Phòng, chống ma túy", "32") is not None
    doc = lib.document("Luật Phòng, chống ma túy")
    assert doc.doc_type == "Luật" and doc.title == "Phòng, chống ma túy"


def _fixture_paragraphs() -> list[str]:
    return [
        line
        for line in (FIXTURES / "qd-1676-2019-trich.txt").read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_users_docx_and_html_in_the_official_layout(luat_home, tmp_path, suffix):
    path = tmp_path / f"quyet-dinh{suffix}"
    if suffix == ".docx":
        import docx

        d = docx.Document()
        for p in _fixture_paragraphs():
            d.add_paragraph(p)
        d.save(str(path))
    else:
        body = "".join(f"<p>{p}</p>" for p in _fixture_paragraphs())
        path.write_text(
            f"<html><head><script>alert(1)</script></head><body>{body}</body></html>", encoding="utf-8"
        )
    lib = Library(f"test-user{suffix[1:]}")
    report = ingest([path], lib, progress=False, workers=1)
    assert not report.rejected
    unit = lib.unit("1676/QĐ-TTg", "dieu-1-section-iii-khoan-3")
    assert unit is not None and unit.text.startswith("3. Đổi mới về hình thức tuyên truyền")
    assert lib.document("1676/QĐ-TTg").issuer == "Thủ tướng Chính phủ"
