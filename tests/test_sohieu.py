import pytest

from luat.sohieu import find_numbers, name_aliases, name_key, number_key, parse_number

NUMBERS = [
    # as typed, issuer's form, type, issuer
    ("58/2014/QH13", "58/2014/QH13", "Luật", "Quốc hội"),
    ("115/2015/nd-cp", "115/2015/NĐ-CP", "Nghị định", "Chính phủ"),
    ("115/2015/nđ-cp", "115/2015/NĐ-CP", "Nghị định", "Chính phủ"),
    ("1676/QĐ-TTg", "1676/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ"),
    ("1676/qd-ttg", "1676/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ"),
    ("2089/VBHN-BHXH", "2089/VBHN-BHXH", "Văn bản hợp nhất", "Bảo hiểm xã hội Việt Nam"),
    ("59/2015/tt-bldtbxh", "59/2015/TT-BLĐTBXH", "Thông tư", "Bộ Lao động - Thương binh và Xã hội"),
    ("34 /2019/TT-BGTVT", "34/2019/TT-BGTVT", "Thông tư", "Bộ Giao thông vận tải"),
    ("01/VBHN-VPQH", "01/VBHN-VPQH", "Văn bản hợp nhất", "Văn phòng Quốc hội"),
    ("29/2024/nđ-cp", "29/2024/NĐ-CP", "Nghị định", "Chính phủ"),
]


@pytest.mark.parametrize("raw,text,doc_type,issuer", NUMBERS)
def test_parse_number(raw, text, doc_type, issuer):
    num = parse_number(raw)
    assert num is not None
    assert num.text == text
    assert num.doc_type == doc_type
    assert num.issuer == issuer


@pytest.mark.parametrize("raw", ["Điều 5", "1/2", "2014", "abc/def", ""])
def test_not_a_number(raw):
    assert parse_number(raw) is None


def test_number_key_matches_typed_forms():
    assert number_key("115/2015/NĐ-CP") == number_key("115/2015/nd-cp") == number_key("115/2015/ND-CP")
    assert number_key("01/VBHN-VPQH") == number_key("1/VBHN-VPQH")


def test_find_numbers_spans():
    text = "theo Nghị định số 115/2015/NĐ-CP và Luật số 58/2014/QH13, tỷ lệ 1/2"
    found = [(text[s:e], n.text) for s, e, n in find_numbers(text)]
    assert found == [("115/2015/NĐ-CP", "115/2015/NĐ-CP"), ("58/2014/QH13", "58/2014/QH13")]


@pytest.mark.parametrize(
    "name", ["Luật Bảo hiểm xã hội 2014", "Luật BHXH năm 2014", "luat bao hiem xa hoi 2014"]
)
def test_name_key(name):
    assert name_key(name) == "luat bao hiem xa hoi 2014"


def test_aliases_by_name_and_year():
    assert name_aliases("Luật", "Bảo hiểm xã hội", 2014) == [
        "luat bao hiem xa hoi 2014",
        "luat bao hiem xa hoi",
    ]
    assert name_key("BLLĐ 2019") == name_aliases("Bộ luật", "Lao động", 2019)[0]
