from pathlib import Path

import pytest
from conftest import BHXH_DEMUC, DATA

from luat.readers.phapdien import parse_note, read_phapdien

NOTES = [
    (
        "(Điều 60 Luật số 58/2014/QH13 Bảo hiểm xã hội ngày 20/11/2014 của Quốc hội, có hiệu lực thi hành kể từ ngày 01/01/2016)",
        {
            "article": "60",
            "number": "58/2014/QH13",
            "doc_type": "Luật",
            "title": "Bảo hiểm xã hội",
            "issued": "2014-11-20",
            "issuer": "Quốc hội",
            "effective": "2016-01-01",
        },
        [],
    ),
    (
        "(Điều 15 Thông tư số 59/2015/TT-BLĐTBXH, có hiệu lực thi hành kể từ ngày 15/02/2016, có nội dung được sửa đổi, có nội dung "
        "được bổ sung, có nội dung bị bãi bỏ bởi Điều 1, Điều 2 Thông tư số 06/2021/TT-BLĐTBXH có hiệu lực thi hành kể từ ngày 01/09/2021)",
        {"article": "15", "number": "59/2015/TT-BLĐTBXH", "doc_type": "Thông tư", "effective": "2016-02-15"},
        [("06/2021/TT-BLĐTBXH", "Điều 1, Điều 2", "sửa đổi, bổ sung, bãi bỏ", "2021-09-01")],
    ),
    (
        "( Điều 5 Luật số 23/2004/QH11, có hiệu lực thi hành kể từ ngày 01/01/2005, có nội dung được sửa đổi bởi Điều 4 Luật số "
        "35/2018/QH14 có hiệu lực thi hành kể từ ngày 01/01/2019)",
        {"article": "5", "number": "23/2004/QH11", "effective": "2005-01-01"},
        [("35/2018/QH14", "Điều 4", "sửa đổi", "2019-01-01")],
    ),
    (
        "( Điều 7 Luật số 23/2004/QH11, có hiệu lực thi hành kể từ ngày 01/01/2005, bị bãi bỏ bởi Điều 2 Luật số 48/2014/QH13 có "
        "hiệu lực thi hành kể từ ngày 01/01/2015)",
        {"article": "7", "number": "23/2004/QH11"},
        [("48/2014/QH13", "Điều 2", "bãi bỏ", "2015-01-01")],
    ),
    (
        "(Điều 2 Thông tư liên tịch số 104/2007/TTLT/BTC-BVHTTDL, có hiệu lực thi hành kể từ ngày 20/09/2007)",
        {"article": "2", "number": "104/2007/TTLT-BTC-BVHTTDL", "doc_type": "Thông tư liên tịch"},
        [],
    ),
    (
        "(Điều 3 Thông tư số liên tịch 22/2011/TT-BVHTTDL, có hiệu lực thi hành kể từ ngày 01/05/2011)",
        {"article": "3", "number": "22/2011/TT-BVHTTDL", "doc_type": "Thông tư"},
        [],
    ),
    (
        "(Điều 1 Quyết định số Số: 12/2018/QĐ-TTg về tiêu chí lựa chọn, công nhận người có uy tín ngày 06/03/2018 của Thủ tướng "
        "Chính phủ, có hiệu lực thi hành kể từ ngày 24/04/2018)",
        {"article": "1", "number": "12/2018/QĐ-TTg", "issued": "2018-03-06", "issuer": "Thủ tướng Chính phủ"},
        [],
    ),
    (
        "(Điều 6a Nghị định số 115/2015/NĐ-CP, có hiệu lực thi hành kể từ ngày 01/01/2016)",
        {"article": "6a"},
        [],
    ),
    # editors' slips: a doubled parenthesis, quotes before the number, "Bộ Luật", "NĐ_CP", the type twice
    (
        "((Điều 13 Thông tư số 211/2013/TT-BTC, có hiệu lực thi hành kể từ ngày 14/02/2014)",
        {"article": "13", "number": "211/2013/TT-BTC"},
        [],
    ),
    (
        "(Điều 2 Thông tư số ''42/2022/TT-BCT, có hiệu lực thi hành kể từ ngày 16/02/2023)",
        {"number": "42/2022/TT-BCT"},
        [],
    ),
    (
        "(Điều 3 Bộ Luật số 100/2015/QH13, có hiệu lực thi hành kể từ ngày 01/01/2018)",
        {"doc_type": "Bộ luật", "number": "100/2015/QH13"},
        [],
    ),
    (
        "(Điều 2 Nghị định số 50/2022/NĐ_CP, có hiệu lực thi hành kể từ ngày 15/08/2022)",
        {"number": "50/2022/NĐ-CP"},
        [],
    ),
    (
        "(Điều 1 Nghị quyết số Nghị quyết số: 24/2021/QH15 Phê duyệt chủ trương đầu tư Chương trình ngày 28/07/2021 của Quốc "
        "hội, có hiệu lực thi hành kể từ ngày 28/07/2021)",
        {
            "number": "24/2021/QH15",
            "title": "Phê duyệt chủ trương đầu tư Chương trình",
            "issued": "2021-07-28",
        },
        [],
    ),
    (
        "(Điều 2 Thông tư số '56/2020/TT-BCT Thông tư số 56/2020/TT-BCT ngày 31 tháng 12 năm 2020, có hiệu lực thi hành kể từ "
        "ngày 15/02/2021)",
        {"number": "56/2020/TT-BCT", "title": None},
        [],
    ),
    # the title repeats the type (and the number): 258 documents of the default library
    (
        "(Điều 5 Luật số 53/2019/QH14 Luật Lực lượng dự bị động viên ngày 26/11/2019 của Quốc hội, có hiệu lực thi hành kể từ "
        "ngày 01/07/2020)",
        {"title": "Lực lượng dự bị động viên", "issued": "2019-11-26"},
        [],
    ),
    (
        "(Điều 1 Thông tư số 130/2018/TT-BTC Thông tư số 130/2018/TT-BTC quy định chế độ báo cáo thống kê ngành dự trữ quốc gia "
        "ngày 27/12/2018 của Bộ Tài chính, có hiệu lực thi hành kể từ ngày 01/03/2019)",
        {"title": "Quy định chế độ báo cáo thống kê ngành dự trữ quốc gia"},
        [],
    ),
    (
        "(Điều 2 Thông tư số 05/2019/TT-BVHTTDL Thông tư quy định tiêu chuẩn chuyên gia giám định cổ vật. ngày 17/07/2019 của "
        "Bộ Văn hóa, Thể thao và Du lịch, có hiệu lực thi hành kể từ ngày 01/09/2019)",
        {
            "title": "Quy định tiêu chuẩn chuyên gia giám định cổ vật",
            "issuer": "Bộ Văn hóa, Thể thao và Du lịch",
        },
        [],
    ),
]


@pytest.mark.parametrize("note,expected,amendments", NOTES)
def test_parse_note(note, expected, amendments):
    info = parse_note(note)
    assert info is not None
    for k, v in expected.items():
        assert info[k] == v, k
    assert [(a.by_number, a.by_units, a.kind, a.effective) for a in info["amendments"]] == amendments


@pytest.mark.parametrize(
    "note",
    [
        "(Thông tư này có hiệu lực thi hành kể từ ngày 28 tháng 6 năm 2017. Bãi bỏ các văn bản trước)",
        "(Điều 2 Pháp lệnh Về Hàm, cấp ngoại giao, có hiệu lực thi hành kể từ ngày 31/05/1995)",  # no số hiệu
        "",
    ],
)
def test_note_without_source(note):
    assert parse_note(note) is None


@pytest.mark.data
def test_read_social_insurance_demuc():
    ex = read_phapdien(DATA / BHXH_DEMUC)
    assert ex.source.kind == "phapdien" and ex.source.date == "2025-02-01"
    assert len(ex.records) == 640 and not ex.rejected
    rec = next(r for r in ex.records if r.doc.doc_id == "58/2014/QH13" and r.article == "60")
    assert rec.code == "2.1.LQ.60" and rec.heading == "Bảo hiểm xã hội một lần"
    assert rec.doc.issuer == "Quốc hội" and rec.doc.effective == "2016-01-01"
    first = next(r for r in ex.records if r.doc.doc_id == "58/2014/QH13" and r.article == "1")
    assert (first.doc.title, first.doc.issued) == (
        "Bảo hiểm xã hội",
        "2014-11-20",
    )  # only Điều 1's note names it
    assert rec.body.startswith("1. Người lao động quy định tại khoản 1 Điều 2 của Luật này")
    assert "\nd) Trường hợp người lao động quy định tại điểm đ và điểm e khoản 1 Điều 2" in rec.body
    # a Thông tư article quoted only from its khoản 2 under this đề mục
    partial = next(r for r in ex.records if r.doc.doc_id == "59/2015/TT-BLĐTBXH" and r.article == "15")
    assert partial.body.startswith("2. Việc xác định thời gian làm nghề")
    assert partial.amendments and partial.amendments[0].by_number == "06/2021/TT-BLĐTBXH"


@pytest.mark.data
def test_empty_demuc_of_later_edition_is_not_an_error():
    """Đề mục 2.1 is empty in the 2026-01 edition (being re-codified after Luật BHXH 2024)."""
    path = DATA / "phapdien" / "2026-01" / Path(BHXH_DEMUC).name
    if not path.exists():
        pytest.skip("đề mục 2.1 file absent from 2026-01")
    ex = read_phapdien(path)
    assert ex.records == [] and ex.rejected == []


_PAGE = """<html><body><h3>Đề mục 28.2 Quản lý nợ công</h3><p></p><div class='_content'>
<p class='pChuong'>Chương I QUY ĐỊNH CHUNG</p>
<p class='pDieu'><a name='1'></a>Điều 28.2.NĐ.5.1. Phạm vi điều chỉnh</p>
<p class='pGhiChu'><a href='#'>(Điều 1 Nghị định số 95/2018/NĐ-CP, có hiệu lực thi hành kể từ ngày 01/07/2018)</a></p>
<p class='pNoiDung'><p>Nghị định này quy định về phát hành công cụ nợ của Chính phủ.</p><p><em>Ghi chú của biên tập</p>
<p class='pDieu'><a name='4'></a>Điều 28.2.NĐ.5.4. Chủ thể tổ chức phát hành công cụ nợ của Chính phủ</p>
<p class='pGhiChu'><a href='#'>(Điều 4 Nghị định số 95/2018/NĐ-CP, có hiệu lực thi hành kể từ ngày 01/07/2018)</a></p>
<p class='pNoiDung'><p>1. Chủ thể tổ chức phát hành công cụ nợ của Chính phủ là Bộ Tài chính.</p>
<table><tr><td>Mẫu</td><td>Tên</td></tr></table></div></p>
<p>2. Bộ Tài chính ủy quyền cho Kho bạc Nhà nước tổ chức phát hành.</p>
<p class='pDieu'><a name='5'></a>Điều 28.2.NĐ.5.5. Đăng ký công cụ nợ</p>
<p class='pGhiChu'><a href='#'>(Điều 5 Nghị định số 95/2018/NĐ-CP, có hiệu lực thi hành kể từ ngày 01/07/2018)</a></p>
<p class='pNoiDung'><p>Công cụ nợ được đăng ký tập trung.</p></p>
</body></html>"""


def test_articles_after_markup_left_open_or_closed_early(tmp_path):
    """Real pages leave an <em> open (it then holds every following article) or close div._content early
    (a stray </div> after a table): the articles inside or after it are still read, in order, with the
    body lines that follow them."""
    import gzip

    path = tmp_path / "2025-02" / "de-muc.html.gz"
    path.parent.mkdir()
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(_PAGE)
    ex = read_phapdien(path)
    assert [r.article for r in ex.records] == ["1", "4", "5"] and not ex.rejected
    art4 = ex.records[1]
    assert art4.heading == "Chủ thể tổ chức phát hành công cụ nợ của Chính phủ"
    assert art4.body.startswith("1. Chủ thể tổ chức phát hành")
    assert art4.body.endswith("2. Bộ Tài chính ủy quyền cho Kho bạc Nhà nước tổ chức phát hành.")
    assert ex.records[2].body == "Công cụ nợ được đăng ký tập trung."


@pytest.mark.data
@pytest.mark.parametrize(
    "demuc,articles",
    [
        ("f601c67b-6eec-4cc8-9f5a-848dcd4e2329", 527),  # an <em> left open holds 492 of them
        ("c9269682-f64e-4a54-a352-98e10cadaf26", 1677),  # div._content closed after 702
    ],
)
def test_every_article_of_a_broken_page_is_read(demuc, articles):
    ex = read_phapdien(DATA / "phapdien" / "2025-02" / f"{demuc}.html.gz")
    assert len(ex.records) + len(ex.rejected) == articles
