import pytest

from luat.text import fold, normalize, normalize_tones, squash

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
