"""Unit addresses: the anchors of documents, their parsing back and their natural order."""

import pytest

from luat.models import address_of, citation_of, parse_address, sort_key


@pytest.mark.parametrize(
    "path,address",
    [
        ([("dieu", "60"), ("khoan", "1"), ("diem", "a")], "dieu-60-khoan-1-diem-a"),
        ([("dieu", "2"), ("khoan", "1"), ("diem", "đ")], "dieu-2-khoan-1-diem-dd"),
        ([("dieu", "1"), ("section", "III")], "dieu-1-section-iii"),
        ([("chuong", "II"), ("muc", "1")], "chuong-ii-muc-1"),
        ([("dieu", "4"), ("khoan", "1"), ("diem", "1.7"), ("tiet", "a")], "dieu-4-khoan-1-diem-1.7-tiet-a"),
        ([("dieu", "33a"), ("khoan", "2"), ("diem", "2.1")], "dieu-33a-khoan-2-diem-2.1"),
    ],
)
def test_address_round_trip(path, address):
    assert address_of(path) == address
    assert parse_address(address) == path


def test_citation_of_numbered_point():
    assert (
        citation_of([("dieu", "4"), ("khoan", "1"), ("diem", "1.7"), ("tiet", "a")])
        == "tiết a điểm 1.7 khoản 1 Điều 4"
    )


def test_natural_order():
    addresses = [
        "dieu-10",
        "dieu-6a",
        "dieu-6",
        "dieu-4-khoan-1-diem-1.10",
        "dieu-4-khoan-1-diem-1.2",
        "dieu-4-khoan-1-diem-1.9",
        "dieu-2-khoan-1-diem-dd",
        "dieu-2-khoan-1-diem-e",
        "dieu-2-khoan-1-diem-d",
    ]
    assert sorted(addresses, key=sort_key) == [
        "dieu-2-khoan-1-diem-d",
        "dieu-2-khoan-1-diem-dd",
        "dieu-2-khoan-1-diem-e",
        "dieu-4-khoan-1-diem-1.2",
        "dieu-4-khoan-1-diem-1.9",
        "dieu-4-khoan-1-diem-1.10",
        "dieu-6",
        "dieu-6a",
        "dieu-10",
    ]
