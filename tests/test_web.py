"""The HTTP API and the pages, through FastAPI's test client (in-process, no network)."""

import pytest
from conftest import FIXTURES
from fastapi.testclient import TestClient

from luat.index import build_index
from luat.ingest import ingest
from luat.store import Library
from luat.web import create_app

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def client(bhxh_library):
    return TestClient(create_app("test-bhxh"))


def test_api_search_and_filters(client):
    r = client.get("/api/search", params={"q": "huong bao hiem xa hoi mot lan", "k": 5})
    assert r.status_code == 200 and len(r.json()["hits"]) == 5
    r = client.get("/api/search", params={"q": "bảo hiểm xã hội", "type": "Nghị định"})
    assert all(h["document"]["type"] == "Nghị định" for h in r.json()["hits"])
    assert client.get("/api/search", params={"q": "x", "k": 1000}).status_code == 422  # bounded result count
    assert client.get("/api/search", params={"q": "a" * 2000}).status_code == 422  # bounded query length
    r = client.get("/api/search", params={"q": "   "})
    assert r.status_code == 400 and "trống" in r.json()["error"]


def test_api_ask_document_unit_cite_stats(client):
    r = client.post(
        "/api/ask",
        json={
            "question": "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?"
        },
    )
    assert r.status_code == 200 and r.json()["status"] == "answered" and r.json()["citations"]
    r = client.get("/api/documents/58/2014/QH13")
    assert (
        r.status_code == 200
        and r.json()["document"]["number"] == "58/2014/QH13"
        and r.json()["articles"] == 125
    )
    r = client.get("/api/units", params={"ref": "khoản 1 Điều 60 Luật 58/2014/QH13"})
    assert r.json()["unit"]["address"] == "dieu-60-khoan-1" and [
        c["label"] for c in r.json()["unit"]["children"]
    ] == ["a", "b", "c", "d"]
    r = client.get("/api/units", params={"ref": "Điều 999 Luật 58/2014/QH13"})
    assert r.status_code == 404 and "Điều 999" in r.json()["error"]
    r = client.post("/api/cite", json={"text": "theo khoản 1 Điều 60 Luật BHXH 2014"})
    assert r.json()[0]["status"] == "resolved" and r.json()[0]["targets"][0]["article"] == "60"
    assert client.get("/api/stats").json()["articles"] > 1000


def test_openapi_lists_every_endpoint_with_models(client):
    spec = client.get("/openapi.json").json()
    assert {
        "/api/search",
        "/api/ask",
        "/api/documents/{number}",
        "/api/units",
        "/api/cite",
        "/api/stats",
    } <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {
        "SearchResponse",
        "AskRequest",
        "AskResponse",
        "ReferenceModel",
        "DocumentResponse",
        "UnitResponse",
    } <= set(schemas)


def test_pages(client):
    home = client.get("/")
    assert home.status_code == 200 and 'name="q"' in home.text and "Hỏi đáp pháp luật" in home.text
    results = client.get("/tim-kiem", params={"q": "huong bao hiem xa hoi mot lan"})
    assert results.text.count('class="hit"') >= 5 and "<mark>" in results.text
    answer = client.get(
        "/hoi",
        params={"q": "Người lao động ra nước ngoài định cư có được hưởng bảo hiểm xã hội một lần không?"},
    )
    assert 'class="citation" href="/van-ban/' in answer.text and "Căn cứ" in answer.text
    doc = client.get("/van-ban/58/2014/QH13")
    assert doc.status_code == 200
    assert (
        'id="dieu-60"' in doc.text
        and 'id="dieu-60-khoan-1"' in doc.text
        and 'id="dieu-60-khoan-1-diem-a"' in doc.text
    )
    assert 'href="/van-ban/58/2014/QH13#dieu-2-khoan-1"' in doc.text  # "khoản 1 Điều 2 của Luật này" linked
    assert "Được dẫn chiếu bởi" in doc.text and 'id="toc"' in doc.text
    assert 'class="versions"' in doc.text and "Pháp điển 2025-02" in doc.text  # the texts of several sources
    assert client.get("/van-ban/99/2099/QH99").status_code == 404


def test_legal_text_and_user_input_are_escaped(luat_home, tmp_path):
    text = (
        (FIXTURES / "qd-1676-2019-trich.txt")
        .read_text(encoding="utf-8")
        .replace("2. Nâng cao năng lực", "2. Nâng cao <script>alert('x')</script> năng lực")
    )
    path = tmp_path / "qd-script.txt"
    path.write_text(text, encoding="utf-8")
    lib = Library("test-web-escape")
    ingest([path], lib, progress=False, workers=1)
    build_index(lib, progress=False)
    c = TestClient(create_app("test-web-escape"))
    page = c.get("/van-ban/1676/QĐ-TTg").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    results = c.get("/tim-kiem", params={"q": "<img src=x onerror=alert(1)> năng lực"}).text
    assert "<img src=x" not in results and "&lt;img src=x" in results


def test_document_page_says_when_a_document_was_repealed(client):
    page = client.get("/van-ban/10/2012/QH13").text
    assert "Văn bản đã hết hiệu lực từ 2021-01-01 theo Điều 220 văn bản 45/2019/QH14" in page
    assert 'href="/van-ban/45/2019/QH14"' in page
    current = client.get("/van-ban/45/2019/QH14").text
    assert "Văn bản đã hết hiệu lực" not in current
