"""The law in force today: the 2024-2026 files read right, consolidated texts as versions of their base law, what
replaced what (stated, listed, per unit, presumed), answers from the law in force, and units that do not exist."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from luat import api
from luat.answer import Consultant
from luat.cite.repeal import find_amendments, find_repeals, find_unit_effects
from luat.index import build_index
from luat.ingest import data_dir, ingest
from luat.models import EFFECTIVE_FROM, IN_FORCE, NOT_YET_IN_FORCE, PRESUMED_LAPSED, REPEALED
from luat.readers.consolidated import amendment_of, clean
from luat.readers.official import read_official
from luat.store import Library

DATA = data_dir()

NEW = DATA / "laws-2024-2026"
MANIFEST = json.loads((NEW / "MANIFEST.json").read_text(encoding="utf-8")) if NEW.is_dir() else []
# a consolidated text is read as its base law: the manifest names the VBHN, the library the law it consolidates
BASE_OF_CONSOLIDATED = {
    "19/VBHN-VPQH": "41/2024/QH15",
    "40/VBHN-VPQH": "25/2008/QH12",
    "112/VBHN-VPQH": "109/2025/QH15",
}


def _expected_number(entry: dict) -> str:
    number = entry["number"].split(" ")[0]
    return BASE_OF_CONSOLIDATED.get(number, number)


@pytest.mark.data
@pytest.mark.parametrize("entry", MANIFEST, ids=[m["file"][:24] for m in MANIFEST])
def test_new_files_read_right(entry):
    """Number, type, title, issuer, dates and every article of each file, checked against the corpus's manifest."""
    ex = read_official(NEW / entry["file"])
    doc = ex.records[0].doc
    assert doc.number == _expected_number(entry)
    assert doc.doc_type == ("Luật" if "Luật" in entry["type"] else entry["type"])
    title = entry["title"].split(" (")[0]
    assert f"{doc.doc_type} {doc.title}".lower().startswith(title.lower()[:40]) or title.lower().startswith(
        f"{doc.doc_type} {doc.title}".lower()
    )
    assert doc.issuer == ("Quốc hội" if doc.number.endswith(("QH15", "QH12")) else "Chính phủ")
    if "hợp nhất" in entry["type"]:  # the base law's dates; the consolidation dates the version
        assert doc.issued[:4] == doc.number.split("/")[1] and ex.source.date[:4] == "2026"
        assert ex.source.label.startswith(f"Văn bản hợp nhất {entry['number'].split(' ')[0]} ngày 2026-")
    elif len(entry["issued"]) == 10:
        assert doc.issued == entry["issued"]
    if entry["effective"][:4].isdigit():
        assert doc.effective and doc.effective[:4] == entry["effective"][:4]
    numbered = [r.article for r in ex.records if r.article.isdigit()]
    assert numbered == [str(i) for i in range(1, entry["articles"] + 1)]


def test_consolidated_footnotes_become_notes():
    """A VBHN's markers go from the quoted text and its footnotes become amendments of the units they mark."""
    text = (
        "LUẬT\nBẢO HIỂM Y TẾ\nLuật Bảo hiểm y tế số 25/2008/QH12 ngày 14 tháng 11 năm 2008 của Quốc hội, có hiệu lực kể từ "
        "ngày 01 tháng 7 năm 2009, được sửa đổi, bổ sung bởi:\n1. Luật số 51/2024/QH15 ngày 27 tháng 11 năm 2024 ...\n"
        "Quốc hội ban hành Luật Bảo hiểm y tế1.\nĐiều 3. Nguyên tắc bảo hiểm y tế\n1. Bảo đảm chia sẻ rủi ro.\n"
        "2.2 Mức đóng bảo hiểm y tế được xác định theo tỷ lệ phần trăm của tiền lương tháng.\n"
        "3. Quỹ do cơ quan bảo hiểm xã hội3 quản lý.\nVĂN PHÒNG QUỐC HỘI\nSố: 40/VBHN-VPQH\nXÁC THỰC VĂN BẢN HỢP NHẤT\n"
        "Hà Nội, ngày 16 tháng 3 năm 2026\n===== CHÚ THÍCH =====\n1 Luật số 51/2024/QH15 có căn cứ ban hành như sau: ...\n"
        "2 Khoản này được sửa đổi, bổ sung theo quy định tại khoản 2 Điều 1 của Luật số 51/2024/QH15 sửa đổi, bổ sung "
        "một số điều của Luật Bảo hiểm y tế, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.\n"
        "3 Cụm từ “tổ chức bảo hiểm y tế” được thay thế bằng cụm từ “cơ quan bảo hiểm xã hội” theo quy định tại điểm a "
        "khoản 35 Điều 1 của Luật số 51/2024/QH15, có hiệu lực kể từ ngày 01 tháng 7 năm 2025.\n"
    )
    c = clean(text)
    assert c.number == "40/VBHN-VPQH" and c.date == "2026-03-16"
    assert "2. Mức đóng" in c.text and "xã hội quản lý" in c.text and "y tế1" not in c.text
    assert [f.number for f in c.footnotes] == [1, 2, 3]
    second = c.footnotes[1]
    assert c.text[second.at - 1 : second.at + 4].startswith("2.")
    a = amendment_of(second.text, [("dieu", "3"), ("khoan", "2")])
    assert (a.target, a.by_number, a.by_units, a.kind, a.effective) == (
        "dieu-3-khoan-2",
        "51/2024/QH15",
        "khoản 2 Điều 1",
        "sửa đổi",
        "2025-07-01",
    )
    assert amendment_of(c.footnotes[2].text, [("dieu", "3"), ("khoan", "3")]).kind == "thay thế"


def test_a_provision_citing_another_with_quy_dinh_tai_is_no_footnote():
    """ "quy định tại khoản 1 Điều này mà ... được hưởng ... theo quy định tại khoản 3 Điều 45" is the law's text (Luật
    BHXH 2024 Điều 43 khoản 2): a note says a unit was amended, replaced or repealed, and only that is taken out."""
    provision = (
        "2. Hết thời hạn hưởng chế độ ốm đau quy định tại khoản 1 Điều này mà vẫn tiếp tục điều trị thì người lao động "
        "nghỉ việc do mắc bệnh thuộc danh mục bệnh cần chữa trị dài ngày do Bộ trưởng Bộ Y tế ban hành được hưởng tiếp "
        "chế độ ốm đau với mức theo quy định tại khoản 3 Điều 45 của Luật này."
    )
    text = (
        "LUẬT\nBẢO HIỂM XÃ HỘI\nLuật Bảo hiểm xã hội số 41/2024/QH15 ngày 29 tháng 6 năm 2024 của Quốc hội, có hiệu lực "
        "kể từ ngày 01 tháng 7 năm 2025, được sửa đổi, bổ sung bởi:\n1. Luật số 84/2025/QH15 ...\n"
        "Điều 43. Thời gian hưởng chế độ ốm đau\n" + provision + "\n3. Thanh tra1 bảo hiểm xã hội.\n"
        "Khoản này được sửa đổi, bổ sung theo quy định tại khoản 2 Điều 1 của Luật số 84/2025/QH15, có hiệu lực kể "
        "từ ngày 01 tháng 7 năm 2025.\n===== CHÚ THÍCH =====\n1 Cụm từ “thanh tra,” được bỏ theo quy định tại điểm s "
        "khoản 1 Điều 62 của Luật Thanh tra số 84/2025/QH15.\n"
    )
    c = clean(text)
    assert provision in c.text
    assert "Khoản này được sửa đổi" not in c.text and "Thanh tra bảo hiểm" in c.text
    assert sorted(f.number for f in c.footnotes) == [0, 1]  # the note on its line, the marked footnote
    # a note inlined in the middle of a sentence (Điều 53 khoản 3): the sentence goes on after its day of effect
    c = clean(
        text.replace(
            "3. Thanh tra1 bảo hiểm xã hội.",
            "3. Ngày bắt đầu nghỉ việc quy định tại khoản 2 Điều này phải trong khoảng thời gian 60 ngày, trường hợp "
            "người 5 Điểm này được sửa đổi, bổ sung theo quy định tại khoản 2 Điều 29 của Luật Dân số số 113/2025/QH15, có "
            "hiệu lực kể từ ngày 01 tháng 7 năm 2026. lao động nghỉ nhiều lần thì tính lần cuối cùng.",
        )
    )
    assert (
        "trong khoảng thời gian 60 ngày, trường hợp người lao động nghỉ nhiều lần thì tính lần cuối cùng."
        in c.text
    )
    assert any("Điểm này được sửa đổi" in f.text for f in c.footnotes)


REPEAL_LISTS = [
    # NĐ 158/2025/NĐ-CP Điều 44: a list of whole documents and units
    (
        "2. Kể từ ngày Nghị định này có hiệu lực thi hành, các Nghị định của Chính phủ và các điều khoản sau đây hết hiệu lực "
        "thi hành:\na) Nghị định số 115/2015/NĐ-CP ngày 11 tháng 11 năm 2015 của Chính phủ quy định chi tiết một số điều của "
        "Luật Bảo hiểm xã hội về bảo hiểm xã hội bắt buộc;\nc) Khoản 2 Điều 3; các khoản 1, 3 Điều 7 và khoản 2 Điều 8 của Nghị "
        "định số 135/2020/NĐ-CP ngày 18 tháng 11 năm 2020 của Chính phủ quy định về tuổi nghỉ hưu.",
        [
            ("115/2015/NĐ-CP", []),
            ("135/2020/NĐ-CP", [("3", "2")]),
            ("135/2020/NĐ-CP", [("7", "1"), ("7", "3")]),
            ("135/2020/NĐ-CP", [("8", "2")]),
        ],
    ),
    # Luật 41/2024/QH15 Điều 140: two documents in one sentence, not the amending laws named between them
    (
        "2. Luật Bảo hiểm xã hội số 58/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2015/QH13, Luật số "
        "35/2018/QH14, Bộ luật số 45/2019/QH14 (sau đây gọi chung là Luật số 58/2014/QH13) và Nghị quyết số 93/2015/QH13 ngày "
        "22 tháng 6 năm 2015 của Quốc hội về việc thực hiện chính sách hưởng bảo hiểm xã hội một lần đối với người lao động "
        "hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành.",
        [("58/2014/QH13", []), ("93/2015/QH13", [])],
    ),
    # Luật 29/2023/QH15 Điều 82 as the Công báo text wraps it: the statement runs over four lines
    (
        "2. Luật Kinh doanh bất động sản số 66/2014/QH13 đã được sửa đổi, bổ sung\nmột  số  điều  theo  Luật  số  "
        "61/2020/QH14  (sau  đây  gọi  là  Luật  số  66/2014/QH13)\nhết hiệu lực thi hành kể từ ngày Luật này có hiệu lực "
        "thi hành, trừ trường hợp quy\nđịnh tại các khoản 2, 3, 5, 6, 7, 9, 12 và 13 Điều 83 của Luật này.",
        [("66/2014/QH13", [])],
    ),
    # a resolution on the laws it postpones does not repeal them
    (
        "Nghị quyết số 144/2016/QH13 ngày 29 tháng 6 năm 2016 của Quốc hội về việc lùi hiệu lực thi hành của Bộ luật Hình "
        "sự số 100/2015/QH13, Bộ luật Tố tụng hình sự số 101/2015/QH13 hết hiệu lực kể từ ngày Nghị quyết này có hiệu lực.",
        [("144/2016/QH13", [])],
    ),
]


@pytest.mark.parametrize("text,expected", REPEAL_LISTS)
def test_repeal_lists_several_documents_and_units(text, expected):
    got = [
        (r.reference.doc.number, [(t.article, t.clause) for t in r.reference.targets])
        for r in find_repeals(text)
    ]
    assert got == expected
    assert all(r.kind == "hết hiệu lực" for r in find_repeals(text))


@pytest.fixture(scope="session")
def law_today(luat_home) -> Library:
    """The 2024-2026 laws beside the social-insurance texts they replace (58/2014/QH13, 115/2015/NĐ-CP ...)."""
    lib = Library("test-today")
    report = ingest(
        [NEW, DATA / "bhxh", DATA / "vlc-2021" / "luat-bao-hiem-xa-hoi.txt"], lib, progress=False, workers=2
    )
    assert not [r for r in report.rejected if "MANIFEST" not in r], report.rejected
    build_index(lib, progress=False)
    return lib


@pytest.mark.data
def test_what_replaced_what(law_today):
    old = law_today.document("58/2014/QH13")
    status, end = old.validity("2026-12-01")
    assert (status, end.by_number, end.by_units, end.effective) == (
        REPEALED,
        "41/2024/QH15",
        "Điều 140",
        "2025-07-01",
    )
    assert old.validity("2020-01-01")[0] == IN_FORCE
    status, end = law_today.document("115/2015/NĐ-CP").validity("2026-12-01")
    assert (status, end.by_number, end.by_units) == (REPEALED, "158/2025/NĐ-CP", "Điều 44")
    assert law_today.document("41/2024/QH15").validity("2026-12-01")[0] == IN_FORCE
    assert law_today.document("41/2024/QH15").validity("2024-12-31")[0] == NOT_YET_IN_FORCE
    # a Nghị quyết 93/2015/QH13 is not the Luật that may share its number: only a document of the type named lapses
    assert law_today.document("45/2019/QH14").validity("2026-12-01")[0] == IN_FORCE


@pytest.mark.data
def test_document_detailing_a_lapsed_law_is_presumed_lapsed(law_today):
    rows = law_today.db.execute(
        "SELECT doc_id, by_number, by_units FROM amendments WHERE kind=?", (PRESUMED_LAPSED,)
    ).fetchall()
    presumed = {r[0]: (r[1], r[2]) for r in rows}
    # 59/2015/TT-BLĐTBXH details Luật BHXH 2014 and no text of the library ends it: it lapses with the law
    doc = law_today.document("59/2015/TT-BLĐTBXH")
    if doc is not None and doc.title:
        assert presumed["59/2015/TT-BLĐTBXH"][0] == "58/2014/QH13"
        assert "khoản 3 Điều 154" in presumed["59/2015/TT-BLĐTBXH"][1]
    # 115/2015/NĐ-CP is ended by a statement (NĐ 158/2025 Điều 44): stated, not presumed
    assert "115/2015/NĐ-CP" not in presumed
    # 158/2025/NĐ-CP details the law in force (41/2024/QH15, the newest of the name before it): not presumed
    assert "158/2025/NĐ-CP" not in presumed


class _LawsAndDecrees:
    """The two questions presume_lapsed asks a library: its laws' names, and the documents below them with their scope."""

    def __init__(self, aliases, below):
        self.aliases, self.below = aliases, below

    def law_aliases(self):
        return self.aliases

    def documents_below_laws(self):
        return self.below


@pytest.mark.parametrize(
    "title,presumed",
    [
        # the law's name holds "và": read whole, not cut at it ("luật phòng cháy" names no law)
        (
            "Quy định chi tiết một số điều và biện pháp thi hành Luật Phòng cháy và chữa cháy và Luật sửa đổi, bổ "
            "sung một số điều của Luật Phòng cháy và chữa cháy",
            True,
        ),
        ("Quy định chi tiết Luật Giao thông đường bộ về kết cấu hạ tầng", True),
        ("Quy định chi tiết Luật Trật tự, an toàn giao thông đường bộ", False),
        ("Về đăng ký doanh nghiệp", False),
    ],
)
def test_presumed_lapsed_with_the_law_its_title_names(title, presumed):
    from luat.cite.link import presume_lapsed
    from luat.models import Document
    from luat.store import LawAlias

    laws = {"27/2001/QH10": "2001-06-29", "23/2008/QH12": "2008-11-13", "36/2024/QH15": "2024-06-27"}
    aliases = [
        LawAlias("luat phong chay va chua chay", "27/2001/QH10", laws["27/2001/QH10"]),
        LawAlias("luat giao thong duong bo", "23/2008/QH12", laws["23/2008/QH12"]),
        LawAlias("luat trat tu an toan giao thong duong bo", "36/2024/QH15", laws["36/2024/QH15"]),
    ]
    decree = Document(doc_id="1/2020/NĐ-CP", title=title, doc_type="Nghị định", issued="2020-11-24")
    docs = {d: Document(doc_id=d, number=d, doc_type="Luật", issued=i) for d, i in laws.items()}
    rows = presume_lapsed(
        _LawsAndDecrees(aliases, [(decree, title)]),
        {"27/2001/QH10": "2025-07-01", "23/2008/QH12": "2025-01-01"},
        docs,
    )
    assert bool(rows) is presumed
    if presumed:
        assert rows[0][0] == "1/2020/NĐ-CP" and rows[0][2] in ("27/2001/QH10", "23/2008/QH12")


@pytest.mark.data
def test_consolidated_text_is_the_current_version_of_its_base_law(law_today):
    shown = api.show("Điều 66 Luật 41/2024/QH15", library="test-today")
    assert shown["document"]["number"] == "41/2024/QH15"
    assert shown["versions"][0]["source"].startswith("Văn bản hợp nhất 19/VBHN-VPQH")
    notes = [a["note"] for a in shown["unit"]["amendments"]]
    assert any("73/2025/QH15" in n for n in notes), notes
    # the earlier text stays reachable: before the consolidation, the text of the law as passed
    earlier = api.show("Điều 66 Luật 41/2024/QH15", library="test-today", as_of="2025-12-31")
    assert earlier["unit"]["as_of"] == "2025-12-31"
    original = (NEW / "41-2024-QH15_Luat-Bao-hiem-xa-hoi.txt").read_text(encoding="utf-8")
    assert earlier["unit"]["text"] in original
    # the BHYT law is shown as amended by Luật 51/2024/QH15, with the note of what changed it
    bhyt = api.show("khoản 2 Điều 3 Luật Bảo hiểm y tế", library="test-today")
    assert bhyt["document"]["number"] == "25/2008/QH12"
    assert "tiền lương làm căn cứ đóng bảo hiểm xã hội bắt buộc" in bhyt["unit"]["text"]
    assert any(a["by_number"] == "51/2024/QH15" for a in bhyt["unit"]["amendments"])


@pytest.mark.data
@pytest.mark.parametrize(
    "query,text",
    [
        (
            "điểm c khoản 7 Điều 7 Nghị định 168/2024/NĐ-CP",
            "Không chấp hành hiệu lệnh của đèn tín hiệu giao thông",
        ),
        ("Điều 70 Luật BHXH 2024", "Hưởng bảo hiểm xã hội một lần"),
    ],
)
def test_show_new_units(law_today, query, text):
    shown = api.show(query, library="test-today")
    unit = shown["unit"]
    assert text in (unit["text"] + (unit["heading"] or ""))


@pytest.mark.data
@pytest.mark.parametrize(
    "query,missing",
    [
        ("Điều 99999 Luật 58/2014/QH13", "Điều 99999"),
        ("khoản 1000 Điều 60 Luật 58/2014/QH13", "khoản 1000"),
        ("điểm zz khoản 1 Điều 60 Luật 58/2014/QH13", "điểm zz"),
    ],
)
def test_a_provision_that_does_not_exist_is_an_error(law_today, query, missing):
    with pytest.raises(LookupError, match=missing):
        api.show(query, library="test-today")
    run = subprocess.run(
        [sys.executable, "-m", "luat.cli", "show", query, "--library", "test-today"],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and missing in run.stderr and run.stdout == ""
    from luat.web import create_app

    resp = TestClient(create_app("test-today")).get("/api/units", params={"ref": query})
    assert resp.status_code == 404 and missing in resp.json()["error"]
    checked = api.check(f"Căn cứ {query} quy định như sau:\n- Nội dung.", library="test-today")
    assert not checked[0]["ok"] and missing in checked[0]["message"]
    asked = api.ask(f"{query} quy định gì?", library="test-today")
    assert asked["status"] == "not_found" and missing in asked["answer"] and not asked["citations"]


def _first(answer: dict) -> tuple[str, str, str | None]:
    c = answer["citations"][0]
    return c["doc"], c["article"], c["clause"]


@pytest.mark.data
def test_answers_come_from_the_law_in_force(law_today):
    a = api.ask(
        "Theo luật BHXH mới thì phải đóng bao nhiêu năm mới được hưởng lương hưu?", library="test-today"
    )
    assert a["status"] == "answered"
    assert all(c["doc"] != "58/2014/QH13" for c in a["citations"])
    # the conditions (Điều 64: "từ đủ 15 năm trở lên"), not the amount of Điều 66 that refers to them (which khoản:
    # the trained chooser's, khoản 1 on the default library; this library has no models)
    assert _first(a)[:2] == ("41/2024/QH15", "64"), a["answer"][:300]
    # "rút BHXH" is asked in the law's words ("hưởng bảo hiểm xã hội một lần"): Điều 70 of the law in force, and
    # nothing from the 2014 law or NĐ 115/2015 it replaced
    a = api.ask("Tôi nghỉ việc thì có được rút BHXH một lần không?", library="test-today")
    assert _first(a)[:2] in {
        ("41/2024/QH15", "70"),
        ("158/2025/NĐ-CP", "14"),
    }  # the law in force, or its decree
    assert not {c["doc"] for c in a["citations"]} & {"58/2014/QH13", "115/2015/NĐ-CP"}
    # a sum asked: the law in force states it as "02 lần mức tham chiếu"; the 2014 law's "lương cơ sở" must not answer
    a = api.ask("Sinh con thì được BHXH trợ cấp một lần bao nhiêu tiền?", library="test-today")
    assert _first(a)[:2] == ("41/2024/QH15", "58") and "mức tham chiếu" in a["answer"]
    assert "58/2014/QH13" not in {c["doc"] for c in a["citations"]}
    a = api.ask("Đi xe máy vượt đèn đỏ bị phạt bao nhiêu tiền?", library="test-today")
    assert _first(a)[0] == "168/2024/NĐ-CP"
    # as of 2020 the 2014 law was in force, and the 2024 one was not yet
    a = api.ask("Điều kiện hưởng lương hưu", library="test-today", as_of="2020-01-01")
    assert _first(a)[0] == "58/2014/QH13"
    assert "hết hiệu lực" not in a["answer"]


@pytest.mark.data
def test_a_lapsed_basis_says_so_first(law_today):
    consultant = Consultant(law_today, api.searcher("test-today"))
    note = consultant._lapse_note(law_today.document("58/2014/QH13"), "2026-12-01")
    assert note.startswith(
        "Lưu ý: Luật Bảo hiểm xã hội 2014 (số 58/2014/QH13) đã hết hiệu lực từ ngày 01/07/2025 "
        "theo Điều 140 văn bản số 41/2024/QH15"
    )
    assert consultant._lapse_note(law_today.document("41/2024/QH15"), "2026-12-01") == ""
    # asked about the old law by its number, the answer quotes it, and says first that it is no longer in force
    a = api.ask("Khoản 1 Điều 60 Luật 58/2014/QH13 quy định gì?", library="test-today")
    assert a["status"] == "answered" and a["answer"].startswith("Lưu ý: Luật Bảo hiểm xã hội 2014")
    assert a["retrieved"][0]["validity"]["status"] == REPEALED


@pytest.mark.data
def test_pages_say_what_is_no_longer_in_force(law_today):
    from luat.web import create_app

    client = TestClient(create_app("test-today"))
    page = client.get("/van-ban/58/2014/QH13").text
    assert 'id="validity">hết hiệu lực<' in page and "Điều 140 văn bản 41/2024/QH15" in page
    assert 'id="validity">còn hiệu lực<' in client.get("/van-ban/41/2024/QH15").text
    results = client.get("/tim-kiem", params={"q": "bảo hiểm xã hội một lần"}).text
    assert "Hết hiệu lực từ 2025-07-01 (Điều 140 41/2024/QH15)" in results


UNIT_EFFECTS = [
    # Luật Đất đai 31/2024/QH15 Điều 252: two articles before the rest
    (
        "2. Điều 190 và Điều 248 của Luật này có hiệu lực thi hành từ ngày 01 tháng 4 năm 2024.",
        [("2024-04-01", ["190", "248"])],
    ),
    # NĐ 188/2025/NĐ-CP Điều 70: ranges and lists of articles
    (
        "2. Các điều từ Điều 1 đến Điều 3, các điều 14, 15 và khoản 8 Điều 69 của Nghị định này có hiệu lực từ ngày 01 tháng "
        "7 năm 2025.",
        [("2025-07-01", ["1", "2", "3"]), ("2025-07-01", ["14", "15"]), ("2025-07-01", ["69"])],
    ),
    # the document's own date, with the units excepted named after it: no unit of its own
    (
        "1. Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2025, trừ trường hợp quy định tại khoản 2 và khoản 3 Điều "
        "này.",
        [],
    ),
    # a date that depends on another document: none to record
    (
        "Khoản 9 Điều 60 của Luật này có hiệu lực thi hành từ ngày Nghị quyết số 61/2022/QH15 hết hiệu lực.",
        [],
    ),
]


@pytest.mark.parametrize("text,expected", UNIT_EFFECTS)
def test_units_with_their_own_entry_into_force(text, expected):
    got = [(e.date, [t.article for t in e.reference.targets]) for e in find_unit_effects(text)]
    assert got == expected


@pytest.mark.data
def test_unit_effects_recorded(law_today):
    land = law_today.document("31/2024/QH15")
    own = {(a.target, a.effective) for a in land.amendments if a.kind == EFFECTIVE_FROM}
    assert own == {("dieu-190", "2024-04-01"), ("dieu-248", "2024-04-01")}
    a = api.ask("Điều 190 Luật Đất đai 2024 quy định gì?", library="test-today", as_of="2024-06-01")
    assert "Điều 190 có hiệu lực từ ngày 01/04/2024 theo Điều 252 văn bản số 31/2024/QH15" in a["answer"]


def test_amending_instructions():
    """An amending article's instructions: the units changed, items under "một số khoản của Điều 6", a khoản added
    "vào sau khoản 8 Điều 2", the units after "tại" where a phrase is replaced, another document named by its
    instruction; the quoted new text is not read as instructions."""
    text = (
        "1. Bổ sung khoản 9 vào sau khoản 8 Điều 2 như sau:\n“9. Mức tham chiếu là mức tiền do Chính phủ quyết định.”.\n"
        "2. Sửa đổi, bổ sung khoản 2 Điều 3 như sau:\n“2. Mức đóng bảo hiểm y tế ...\n"
        "3. Bãi bỏ khoản 5 Điều 9 của Luật này.”.\n"
        "3. Sửa đổi, bổ sung một số khoản của Điều 6 như sau:\na) Sửa đổi, bổ sung khoản 1 như sau:\n“1. ...”;\n"
        "b) Sửa đổi, bổ sung khoản 3 và khoản 4 như sau:\n“3. ...\n4. ...”.\n"
        "4. Bổ sung Điều 48a và Điều 48b vào sau Điều 48 như sau:\n“Điều 48a. ...”.\n"
        "5. Thay thế cụm từ tại một số điểm, khoản sau đây:\na) Thay cụm từ “tổ chức bảo hiểm y tế” bằng cụm từ “cơ quan bảo "
        "hiểm xã hội” tại khoản 3 Điều 2, khoản 1 Điều 34.\n"
        "6. Sửa đổi, bổ sung một số điều của Nghị định số 88/2020/NĐ-CP ngày 28 tháng 7 năm 2020 như sau:\n"
        "a) Sửa đổi, bổ sung khoản 1 Điều 2 như sau:\n“1. ...”.\n"
    )
    got = [
        (a.path, a.kind, a.by_units, a.document.doc.number if a.document else None)
        for a in find_amendments(text)
    ]
    assert got == [
        ([("dieu", "2"), ("khoan", "9")], "bổ sung", "khoản 1", None),
        ([("dieu", "3"), ("khoan", "2")], "sửa đổi", "khoản 2", None),
        ([("dieu", "6"), ("khoan", "1")], "sửa đổi", "điểm a khoản 3", None),
        ([("dieu", "6"), ("khoan", "3")], "sửa đổi", "điểm b khoản 3", None),
        ([("dieu", "6"), ("khoan", "4")], "sửa đổi", "điểm b khoản 3", None),
        ([("dieu", "48a")], "bổ sung", "khoản 4", None),
        ([("dieu", "48b")], "bổ sung", "khoản 4", None),
        ([("dieu", "2"), ("khoan", "3")], "thay thế", "điểm a khoản 5", None),
        ([("dieu", "34"), ("khoan", "1")], "thay thế", "điểm a khoản 5", None),
        ([("dieu", "2"), ("khoan", "1")], "sửa đổi", "điểm a khoản 6", "88/2020/NĐ-CP"),
    ]


@pytest.mark.data
def test_amendments_by_an_amending_law_recorded(law_today):
    bhyt = {
        (a.target, a.by_number, a.by_units, a.kind) for a in law_today.document("25/2008/QH12").amendments
    }
    assert ("dieu-3-khoan-2", "51/2024/QH15", "khoản 2 Điều 1", "sửa đổi") in bhyt
    assert ("dieu-48a", "51/2024/QH15", "khoản 33 Điều 1", "bổ sung") in bhyt
    # a Nghị định amends no Luật: NĐ 158/2025 Điều 43 changes NĐ 88/2020, not the law its title names
    assert not [a for a in law_today.document("41/2024/QH15").amendments if a.by_number == "158/2025/NĐ-CP"]


@pytest.mark.data
def test_users_own_files_in_these_layouts(luat_home, tmp_path):
    """A user's copy of a decree in the Công báo layout and of a consolidated text reads as the corpus's do."""
    import shutil

    for name in (
        "168-2024-ND-CP_Xu-phat-giao-thong-duong-bo.txt",
        "19-VBHN-VPQH-2026_Luat-Bao-hiem-xa-hoi-hop-nhat.txt",
    ):
        shutil.copy(NEW / name, tmp_path / name)
    lib = Library("test-mine")
    report = ingest([tmp_path], lib, progress=False, workers=1)
    assert not report.rejected and report.documents == 2
    shown = api.show("điểm c khoản 7 Điều 7 Nghị định 168/2024/NĐ-CP", library="test-mine")
    assert shown["unit"]["text"].startswith("c) Không chấp hành hiệu lệnh của đèn tín hiệu giao thông")
    law = api.show("Điều 70 Luật 41/2024/QH15", library="test-mine")
    assert law["versions"][0]["source"].startswith("Văn bản hợp nhất 19/VBHN-VPQH")
    assert law["versions"][0]["kind"] == "user"


@pytest.mark.data
def test_what_the_ranker_reads_of_a_law_s_structure_and_citations(law_today):
    # the voluntary scheme (Chương V of 41/2024/QH15) repeats the compulsory scheme's headings: Điều 98 "Đối tượng và
    # điều kiện hưởng lương hưu" after Điều 64, Điều 102 "Bảo hiểm xã hội một lần" after Điều 70
    repeated = api.searcher("test-today").repeated_headings("41/2024/QH15")
    assert {"98", "102"} <= repeated and not {"64", "70"} & repeated
    # the decree that details the law cites it, and its articles; the law's own references to itself do not count
    documents, articles = law_today.citation_counts()
    assert documents["41/2024/QH15"] > 20 and articles[("41/2024/QH15", "2")] > 0
    assert (
        sum(n for (doc, _article), n in articles.items() if doc == "41/2024/QH15")
        <= documents["41/2024/QH15"]
    )


@pytest.fixture(scope="session")
def housing_2014(luat_home) -> Library:
    """Luật Nhà ở 2014 alone: the law that replaced it (27/2023/QH15) is not in the library."""
    lib = Library("test-housing")
    report = ingest([DATA / "vlc-2021" / "luat-nha-o.txt"], lib, progress=False, workers=1)
    assert not report.rejected, report.rejected
    build_index(lib, progress=False)
    return lib


@pytest.mark.data
def test_a_law_replaced_by_one_the_library_lacks(housing_2014):
    from luat.replacements import recorded_replacements

    # the record: each row a distinct law, replaced by another on a real date
    rows = recorded_replacements()
    assert len({r.lapsed for r in rows}) == len(rows) and all(r.lapsed != r.replaced_by for r in rows)
    assert all(len(r.since) == 10 and r.since[4] == "-" for r in rows)
    status, end = housing_2014.document("65/2014/QH13").validity("2026-12-02")
    assert (status, end.by_number, end.effective) == (REPEALED, "27/2023/QH15", "2024-08-01")
    assert housing_2014.document("65/2014/QH13").validity("2020-01-01")[0] == IN_FORCE
    # today the old law is listed, not quoted as the answer; the answer names the law in force and how to add it
    a = api.ask("Mua nhà ở xã hội rồi thì sau bao lâu được bán lại?", library="test-housing")
    assert a["status"] == "not_in_library" and not a["citations"]
    assert "27/2023/QH15" in a["answer"] and "01/08/2024" in a["answer"]
    assert a["retrieved"] and a["retrieved"][0]["doc"] == "65/2014/QH13"
    # in 2020 it was the law in force: answered from it
    a = api.ask(
        "Mua nhà ở xã hội rồi thì sau bao lâu được bán lại?", library="test-housing", as_of="2020-01-01"
    )
    assert a["status"] == "answered" and a["citations"][0]["doc"] == "65/2014/QH13"


@pytest.mark.parametrize(
    "question, lapsed",
    [
        ("Trợ cấp thất nghiệp được hưởng tối đa mấy tháng?", "38/2013/QH13"),
        ("dong bhtn bao lau thi duoc huong", "38/2013/QH13"),
        ("Điều kiện mua nhà ở xã hội là gì?", "65/2014/QH13"),
        ("Chữ ký điện tử có giá trị như chữ ký tay không?", "51/2005/QH11"),
        # words that only contain a subject's syllables: none
        ("Tôi nghỉ việc thì có được rút BHXH một lần không?", None),
    ],
)
def test_the_matter_of_a_law_replaced_by_one_the_library_lacks(question, lapsed):
    from luat.replacements import subjects_asked
    from luat.text import fold

    found = [r.lapsed for r, _said in subjects_asked(fold(question))]
    assert found == ([lapsed] if lapsed else [])


@pytest.mark.data
def test_asked_about_that_matter_no_other_law_answers(housing_2014):
    """A question on social housing is Luật Nhà ở's, whose law in force the library lacks: whatever article of another
    law shares its other words is no answer, unless that article speaks of the matter itself."""
    from luat.search import Searcher
    from luat.text import fold

    consultant = Consultant(housing_2014, Searcher(housing_2014))
    asked = fold("Vợ chồng công nhân lương 9 triệu có được mua nhà ở xã hội không?")
    elsewhere = consultant._matter_elsewhere(asked, "Điều 5. Thu nhập chịu thuế từ tiền lương", "2026-12-02")
    assert "27/2023/QH15" in elsewhere and "01/08/2024" in elsewhere
    assert consultant._matter_elsewhere(asked, "Người thuê nhà ở xã hội ...", "2026-12-02") == ""
    assert (
        consultant._matter_elsewhere(asked, "Điều 5. Thu nhập chịu thuế", "2020-01-01") == ""
    )  # then in force


@pytest.mark.data
def test_the_conditions_before_the_article_that_refers_to_them(law_today, monkeypatch):
    """Asked how long one must pay to draw a pension, the best match may be Điều 66 (the amount, "của đối tượng đủ
    điều kiện quy định tại Điều 64"): the article it refers to for the conditions answers, when among the matches."""
    searcher = api.searcher("test-today")
    question = "Theo luật BHXH mới thì phải đóng bao nhiêu năm mới được hưởng lương hưu?"
    pq = searcher.parse(question)
    doc = law_today.find_documents("41/2024/QH15")[0]
    amount, voluntary, conditions = (searcher._hit(doc, a, 10.0, pq) for a in ("66", "98", "64"))
    monkeypatch.setattr(searcher, "search", lambda *a, **k: [amount, voluntary, conditions])
    a = Consultant(law_today, searcher).ask(question)
    assert (a.citations[0].doc, a.citations[0].article) == ("41/2024/QH15", "64"), a.answer[:300]
    # a question on the amount keeps the amount
    a = Consultant(law_today, searcher).ask("Mức lương hưu hằng tháng được tính thế nào?")
    assert a.citations[0].article == "66", a.answer[:300]
