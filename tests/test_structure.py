import gzip
import json

import pytest
from conftest import DATA, FIXTURES

from luat.structure import parse_body, parse_text


def _law_tree(name: str) -> dict:
    with gzip.open(DATA / "law-trees" / f"{name}.json.gz", "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _gold_nodes(tree: dict) -> set[tuple]:
    """Nodes of a law-tree as paths: (("chuong","I"),), (("dieu","5"),("khoan","1"),("diem","a")) ..."""
    out: set[tuple] = set()

    def walk(n, path):
        t, i = n["node_type"], n["node_id"]
        p = {
            "chương": [("chuong", i)],
            "mục": path + [("muc", i)],
            "điều": [("dieu", i)],
            "khoản": path + [("khoan", i)],
            "điểm": path + [("diem", i)],
        }.get(t, [])
        if p:
            out.add(tuple(p))
        for c in n.get("children", []):
            walk(c, p)

    walk(tree, [])
    return out


def _parsed_nodes(parsed) -> set[tuple]:
    out: set[tuple] = set()

    def walk(u, path):
        if u.kind in ("dieu", "chuong"):
            q = [(u.kind, u.label)]
        elif u.kind in ("phan", "tieu_muc"):
            q = path
        else:
            q = path + [(u.kind, u.label)]
        if u.kind not in ("phan", "tieu_muc"):
            out.add(tuple(q))
        for c in u.children:
            walk(c, q)

    for u in parsed.outline:
        walk(u, [])
    return out


# The two criminal codes say "có hiệu lực thi hành từ ngày 01 tháng 7 năm 2016"; Nghị quyết 144/2016/QH13
# postponed that to 2018-01-01, which the law-tree's metadata records. The text alone cannot know it.
WRITTEN_EFFECTIVE = {"bo-luat-hinh-su-2015": "2016-07-01", "bo-luat-to-tung-hinh-su-2015": "2016-07-01"}


@pytest.mark.data
@pytest.mark.parametrize(
    "name,minimum",
    [
        ("bo-luat-lao-dong-2019", 0.99),
        ("bo-luat-dan-su-2015", 0.99),
        ("bo-luat-hang-hai-viet-nam-2015", 0.99),
        ("bo-luat-hinh-su-2015", 0.99),
        ("bo-luat-to-tung-dan-su-2015", 0.99),
        ("bo-luat-to-tung-hinh-su-2015", 0.98),
    ],
)
def test_tree_agrees_with_law_tree(name, minimum, capsys):
    data = _law_tree(name)
    gold = _gold_nodes(data["tree"])
    parsed = parse_text(data["raw_text"])
    mine = _parsed_nodes(parsed)
    agree = len(gold & mine) / len(gold | mine)
    with capsys.disabled():
        print(
            f"\n{name}: {len(gold)} gold nodes, {len(mine)} parsed, agreement {agree:.4f}; "
            f"missing {sorted(gold - mine)[:8]}; extra {sorted(mine - gold)[:8]}"
        )
    assert agree >= minimum
    # metadata from the header agrees with the law-tree's
    meta = data["metadata"]
    assert parsed.number == meta["so_hieu_van_ban"]
    assert parsed.issued == "-".join(reversed(meta["ngay_ban_hanh"].split("/")))
    assert parsed.effective == WRITTEN_EFFECTIVE.get(
        name, "-".join(reversed(meta["ngay_hieu_luc"].split("/")))
    )


@pytest.mark.data
def test_labour_code_offsets_are_verbatim():
    data = _law_tree("bo-luat-lao-dong-2019")
    text = data["raw_text"]
    parsed = parse_text(text)
    assert len(parsed.articles) == 220
    for _ctx, art, _body in parsed.articles:
        assert text[art.start : art.end] == art.text
        for u in art.walk():
            assert text[u.start : u.end] == u.text
    _ctx, art35, _ = parsed.articles[34]
    assert (
        art35.label == "35"
        and art35.heading == "Quyền đơn phương chấm dứt hợp đồng lao động của người lao động"
    )
    assert [k.label for k in art35.children] == ["1", "2"]
    assert [d.label for d in art35.children[1].children] == ["a", "b", "c", "d", "đ", "e", "g"]


@pytest.mark.parametrize(
    "line,number",
    [
        (
            "Luật số: 77/2006/QH 11",
            "77/2006/QH11",
        ),  # the session apart from its code (vlc-2021 Luật Thể dục, thể thao)
        ("Nghị quyết số: 1187/NQ-UBTVQH 14", "1187/NQ-UBTVQH14"),
        ("Số: 115/2015/NĐ-CP", "115/2015/NĐ-CP"),
    ],
)
def test_header_number(line, number):
    text = f"QUỐC HỘI\n-------\n\n{line}\n\nHà Nội, ngày 29 tháng 11 năm 2006\n\nLUẬT\n\nTHỂ DỤC, THỂ THAO\n\nĐiều 1. Phạm vi điều chỉnh\n\nLuật này quy định về thể dục, thể thao.\n"
    assert parse_text(text).number == number


def test_quyet_dinh_sections_inside_article():
    parsed = parse_text((FIXTURES / "qd-1676-2019-trich.txt").read_text(encoding="utf-8"))
    assert (parsed.number, parsed.doc_type, parsed.issuer, parsed.issued) == (
        "1676/QĐ-TTg",
        "Quyết định",
        "Thủ tướng Chính phủ",
        "2019-11-25",
    )
    assert parsed.title.startswith("Phê duyệt đề án đổi mới toàn diện")
    _ctx, art1, _ = parsed.articles[0]
    assert [(s.kind, s.label) for s in art1.children] == [
        ("section", "I"),
        ("section", "II"),
        ("section", "III"),
        ("section", "IV"),
    ]
    section3 = art1.children[2]
    assert section3.heading.startswith("NỘI DUNG ĐỔI MỚI TOÀN DIỆN")
    assert [k.label for k in section3.children] == ["1", "2", "3", "4"]
    assert [d.label for d in section3.children[0].children] == ["a", "b"]
    assert "Đổi mới về hình thức tuyên truyền" in section3.children[2].text
    assert parsed.articles[2][1].heading is None  # "Điều 3. Quyết định này có hiệu lực ..." is a body


def khoan(label: str, *points: str) -> tuple[str, str, list[str]]:
    """The expected reading of a khoản: its label and the labels of the điểm under it."""
    return ("khoan", label, list(points))


BODIES = [
    # body, its khoản with the labels of their điểm
    ("1. A:\na) x;\nb) y.\n2. B.", [khoan("1", "a", "b"), khoan("2")]),
    # a partial article from Pháp điển starts at khoản 2
    ("2. B:\na) x;\nb) y.\n3. C.", [khoan("2", "a", "b"), khoan("3")]),
    # numbering out of sequence is text, not structure
    ("1. A\n3. not a khoản\n2. B", [khoan("1"), khoan("2")]),
    # điểm must start at a
    ("1. A\nc) stray\na) x\nb) y", [khoan("1", "a", "b")]),
    # quoted amendment text keeps its own numbering out of the tree
    (
        "1. Sửa đổi Điều 5 như sau:\n“Điều 5. X\n1. quoted\na) quoted”.\n2. B",
        [khoan("1"), khoan("2")],
    ),
    # đ follows d
    ("1. A\na) 1\nb) 2\nc) 3\nd) 4\nđ) 5\ne) 6", [khoan("1", "a", "b", "c", "d", "đ", "e")]),
    ("Không có khoản nào.", []),
    # numbered points inside khoản 1 (2089/VBHN-BHXH Điều 4), their lettered items are tiết
    (
        "1. Người lao động là công dân Việt Nam, bao gồm:\n1.1. Người làm việc theo HĐLĐ;\n1.2. Cán bộ, công chức;\n"
        "1.3. Người đi làm việc ở nước ngoài theo hợp đồng sau:\na) Hợp đồng với doanh nghiệp;\nb) Hợp đồng cá nhân.\n"
        "2. Người sử dụng lao động:\na) Cơ quan nhà nước;\nb) Doanh nghiệp.",
        [khoan("1", "1.1", "1.2", "1.3"), khoan("2", "a", "b")],
    ),
    # a "1.1." inside khoản 2 is text, and numbering must run in sequence
    ("1. A\n1.2. out of sequence\n2. B\n1.1. not this khoản's", [khoan("1"), khoan("2")]),
]


def test_numbered_points_hold_tiet():
    body = BODIES[-2][0]
    khoan1 = parse_body(body)[0]
    point = khoan1.children[2]
    assert [(t.kind, t.label) for t in point.children] == [("tiet", "a"), ("tiet", "b")]
    assert point.children[1].text == "b) Hợp đồng cá nhân."


@pytest.mark.parametrize("body,expected", BODIES)
def test_parse_body(body, expected):
    units = parse_body(body)
    assert [(u.kind, u.label, [c.label for c in u.children]) for u in units] == expected
    for u in units:
        for x in u.walk():
            assert body[x.start : x.end] == x.text
