import pytest

from luat.text import fold, join_wrapped_lines, normalize, normalize_tones, squash

TONES = [
    ("hoà", "hòa"),
    ("Hoà bình", "Hòa bình"),
    ("thuỷ sản", "thủy sản"),
    ("khoẻ", "khỏe"),
    ("hoàn thành", "hoàn thành"),
    ("quý", "quý"),
    ("quả", "quả"),
    ("thuyết", "thuyết"),
    ("hoạ sĩ", "họa sĩ"),
    ("Thoả thuận", "Thỏa thuận"),
    ("toà án", "tòa án"),
    ("hòa", "hòa"),
]


@pytest.mark.parametrize("raw,expected", TONES)
def test_tone_placement(raw, expected):
    assert normalize_tones(raw) == expected


FOLD = [
    ("Điều 60 Luật Bảo hiểm xã hội", "dieu 60 luat bao hiem xa hoi"),
    ("NGHỊ ĐỊNH  115/2015/NĐ-CP", "nghi dinh 115/2015/nd-cp"),
    ("đất đặt", "dat dat"),
    ("hưởng hướng", "huong huong"),
]


@pytest.mark.parametrize("raw,expected", FOLD)
def test_fold(raw, expected):
    assert fold(raw) == expected


def test_normalize_composes_decomposed_input():
    decomposed = "Đie\u0302\u0300u 60"  # "Điều" typed as e + circumflex + grave
    assert normalize(decomposed) == "Điều 60"


def test_squash_ignores_spacing_and_case_only():
    assert squash("Người lao động ,  được hưởng") == squash("người lao động, được hưởng")
    assert squash("được hưởng") != squash("không được hưởng")


WRAPPED = [
    # a Công báo paragraph wrapped mid-sentence goes on in lower case: one line
    ("bổ sung\nmột số điều theo Luật", "bổ sung một số điều theo Luật"),
    ("trừ trường hợp quy\nđịnh tại khoản 2", "trừ trường hợp quy định tại khoản 2"),
    # a new khoản, a điểm, a capital or a number starts a line of its own
    ("như sau:\na) Nghị định số 115/2015/NĐ-CP", "như sau:\na) Nghị định số 115/2015/NĐ-CP"),
    ("như sau:\nđ) Điểm đ", "như sau:\nđ) Điểm đ"),
    ("đã cấp;\na. Giấy phép hết hạn", "đã cấp;\na. Giấy phép hết hạn"),
    ("nhóm 1;\ne2) Doanh nghiệp", "nhóm 1;\ne2) Doanh nghiệp"),
    ("thi hành.\nĐiều 83. Quy định chuyển tiếp", "thi hành.\nĐiều 83. Quy định chuyển tiếp"),
    ("thi hành.\n3. Khoản ba", "thi hành.\n3. Khoản ba"),
]


@pytest.mark.parametrize("text,expected", WRAPPED)
def test_wrapped_lines_join_keeping_offsets(text, expected):
    joined = join_wrapped_lines(text)
    assert joined == expected and len(joined) == len(text)
