"""Issue 14: luat holds under abuse. Every input a user can send gets an answer below 500 with an
``{"error"}`` body (API), an error page (site) or one line on stderr (CLI); the text paths finish on
adversarial input; files that are not regular or too large are refused by name. Runs on a small library
built from the fixture, so none of it needs the real corpora. Timings are in scripts/abuse_timings.py."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luat import api
from luat.cite import find_references
from luat.cli import main
from luat.ingest import ingest
from luat.limits import MAX_ARTICLE_CHARS, MAX_CITE_CHARS, MAX_DOCX_INFLATED, MAX_FILE_BYTES, MAX_QUERY_CHARS
from luat.readers.official import _html_text
from luat.search import content_terms, definition_term, strip_question_phrasing
from luat.store import Library, LibraryError
from luat.structure import parse_body, parse_text
from luat.web import create_app, safe_url

sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
from abuse_timings import texts  # noqa: E402  (the same inputs the timing script measures)

LIB = "test-qd"
QD = FIXTURES / "qd-1676-2019-trich.txt"
HUGE = "1" + "0" * 30  # the year that overflowed tantivy's 64-bit integers


@pytest.fixture(scope="module")
def client(qd_library):
    return TestClient(create_app(LIB), raise_server_exceptions=False)


# ------------------------------------------------------------------ the HTTP API, adversarial table

API_CASES = [
    ("GET", "/api/search", {"params": {"q": "bảo hiểm", "year": HUGE}}),
    ("GET", "/api/search", {"params": {"q": "bảo hiểm", "year": "-5"}}),
    ("GET", "/api/search", {"params": {"q": "bảo hiểm", "year": "abc"}}),
    ("GET", "/api/search", {"params": {"q": "bảo hiểm", "k": "0"}}),
    ("GET", "/api/search", {"params": {"q": "bảo hiểm", "k": HUGE}}),
    ("GET", "/api/search", {"params": {"q": "x" * (MAX_QUERY_CHARS + 1)}}),
    ("GET", "/api/search", {"params": {"q": "\x00" * 500}}),
    ("GET", "/api/search", {"params": {"q": "1/" * 400}}),
    ("GET", "/api/search", {"params": {}}),
    ("GET", "/api/documents/" + "1/" * 16000, {}),
    ("GET", "/api/documents/%00", {}),
    ("GET", "/api/units", {"params": {"ref": "Điều 999999999999999999999 Quyết định 1676/QĐ-TTg"}}),
    ("GET", "/api/units", {"params": {"ref": "x" * 301}}),
    ("POST", "/api/ask", {"json": {"question": "q" * 20000}}),
    ("POST", "/api/ask", {"json": {"question": "bảo hiểm xã hội", "as_of": "not-a-date"}}),
    ("POST", "/api/ask", {"json": {"question": "bảo hiểm xã hội", "as_of": "2020-02-30"}}),
    ("POST", "/api/ask", {"json": {"question": ["a list"]}}),
    ("POST", "/api/ask", {"content": b"\xff\xfe not json", "headers": {"content-type": "application/json"}}),
    ("POST", "/api/ask", {"json": {"question": ""}}),
    ("POST", "/api/cite", {"json": {"text": "1/" * 50000 + "x"}}),
    ("POST", "/api/cite", {"json": {}}),
    ("POST", "/api/cite", {"json": {"text": None}}),
    ("GET", "/api/no-such-route", {}),
    ("DELETE", "/api/stats", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "kw"), API_CASES, ids=[f"{m} {p[:40]} {str(k)[:40]}" for m, p, k in API_CASES]
)
def test_api_answers_below_500_with_an_error_body(client, method, path, kw):
    r = client.request(method, path, **kw)
    assert r.status_code < 500, r.text[:300]
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"], body


def test_api_refusals_say_what_is_wrong(client):
    r = client.get("/api/search", params={"q": "bảo hiểm", "year": HUGE})
    assert r.status_code == 400 and "năm" in r.json()["error"]
    r = client.post("/api/ask", json={"question": "bảo hiểm", "as_of": "not-a-date"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.json()["error"]
    r = client.post("/api/ask", json={"question": "q" * 20000})
    assert r.status_code == 400 and "quá dài" in r.json()["error"]
    r = client.get("/api/no-such-route")
    assert r.status_code == 404 and "error" in r.json()


def test_api_cite_response_is_capped(client):
    r = client.post("/api/cite", json={"text": "Điều 1 đến Điều 300 Quyết định 1676/QĐ-TTg; " * 1000})
    assert r.status_code == 200 and "X-Luat-Truncated" in r.headers
    assert sum(len(x["targets"]) for x in r.json()) <= 10_000


PAGE_CASES = [
    "/tim-kiem?q=b%E1%BA%A3o+hi%E1%BB%83m&year=" + HUGE,
    "/tim-kiem?q=x&year=abc",
    "/hoi?q=",
    "/hoi?q=" + "1/" * 3000,
    "/van-ban/" + "1/" * 3000,
    "/van-ban/khong-co",
    "/khong-co-trang-nay",
]


@pytest.mark.parametrize("path", PAGE_CASES, ids=[p[:50] for p in PAGE_CASES])
def test_pages_answer_below_500_with_an_html_page(client, path):
    r = client.get(path)
    assert r.status_code < 500, r.text[:300]
    assert r.headers["content-type"].startswith("text/html"), r.text[:200]


def test_unknown_page_is_an_html_404(client):
    r = client.get("/khong-co-trang-nay")
    assert r.status_code == 404 and "<html" in r.text and "Không tìm thấy" in r.text


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://thuvienphapluat.vn/hoi-dap/1", True),
        ("http://example.vn/a?b=c", True),
        ("javascript:alert(document.cookie)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,x", False),
        ("//evil.example/x", False),
        ("vbscript:x", False),
        ("http:///no-host", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) == ok


def test_a_javascript_consultation_url_is_not_a_link(luat_home, tmp_path):
    lib = Library("rel-xss")
    ingest([QD], lib, progress=False, workers=1)
    lib.close()
    bad = tmp_path / "c.jsonl"
    bad.write_text(
        json.dumps(
            {
                "question": "Đề án tuyên truyền bảo hiểm xã hội gồm những gì?",
                "answer": "Căn cứ Điều 1 Quyết định 1676/QĐ-TTg quy định như sau: ...",
                "original_url": "javascript:alert(document.cookie)",
            },
            ensure_ascii=False,
        )
        + "\n"
    )
    api.consultations("rel-xss").ingest([bad])
    page = TestClient(create_app("rel-xss")).get("/van-ban/1676/QĐ-TTg")
    assert page.status_code == 200 and "Đề án tuyên truyền" in page.text  # the consultation is listed
    assert "javascript:" not in page.text


# ------------------------------------------------------------------ the CLI, adversarial table

CLI_CASES = [
    ["search", "bảo hiểm", "--year", HUGE],
    ["search", "bảo hiểm", "-k", "0"],
    ["search", "bảo hiểm", "-k", "100000"],
    ["search", "x" * (MAX_QUERY_CHARS + 1)],
    ["ask", "q" * 20000],
    ["ask", "bảo hiểm xã hội", "--as-of", "not-a-date"],
    ["ask", "bảo hiểm xã hội", "--as-of", "2021-13-01"],
    ["cite", "1/" * (MAX_CITE_CHARS // 2 + 1)],
    ["show", "Điều 999 Quyết định 1676/QĐ-TTg"],
    ["stats", "--library", "khong-co"],
    ["stats", "--library", "../x"],
]


@pytest.mark.parametrize("argv", CLI_CASES, ids=[" ".join(a)[:50] for a in CLI_CASES])
def test_cli_fails_with_one_line(qd_library, capsys, argv):
    argv = argv if "--library" in argv else [*argv, "--library", LIB]
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc != 0
    assert len(err.strip().splitlines()) == 1 and err.startswith("luat: "), err


def test_cli_rejects_a_long_question_the_api_rejects(qd_library, capsys):
    assert main(["ask", "q" * 20000, "--library", LIB]) == 2
    assert "quá dài" in capsys.readouterr().err


@pytest.mark.parametrize("lines", [['["a", "list"]'], ["", "not json", '{"no": "question"}'], []])
def test_eval_on_a_file_without_a_valid_line(qd_library, capsys, tmp_path, lines):
    bench = tmp_path / "bench.jsonl"
    bench.write_text("\n".join(lines) + "\n")
    rc = main(["eval", str(bench), "--library", LIB])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1 and str(bench) in err, err
    assert ("no valid benchmark line" if lines else "empty file") in err


# ------------------------------------------------------------------ files that are not documents


def _docx(path: Path, inflated: int) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document>" + "a" * inflated + "</w:document>")
    path.write_bytes(buf.getvalue())


def test_non_regular_and_oversized_files_are_refused_by_name(luat_home, tmp_path, capsys):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: the size is checked before a byte is read
        fh.truncate(MAX_FILE_BYTES + 1)
    bomb = tmp_path / "bomb.docx"
    _docx(bomb, MAX_DOCX_INFLATED + 1)
    notzip = tmp_path / "fake.docx"
    notzip.write_bytes(b"not a zip at all")
    nested = tmp_path / "nested.html"
    nested.write_text("<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    rc = main(
        [
            "ingest",
            str(fifo),
            str(big),
            str(bomb),
            str(notzip),
            str(nested),
            str(QD),
            "--library",
            "rel-files",
            "--quiet",
            "--workers",
            "1",
        ]
    )
    out = capsys.readouterr()
    assert rc == 1
    lines = out.err.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("luat: ") for line in lines), out.err
    reasons = dict(zip(["pipe.txt", "big.txt", "bomb.docx", "fake.docx", "nested.html"], lines, strict=True))
    for name, line in reasons.items():
        assert name in line
    assert (
        "FIFO" in reasons["pipe.txt"] and "limit" in reasons["big.txt"] and "inflates" in reasons["bomb.docx"]
    )
    assert "not a valid .docx" in reasons["fake.docx"] and "PackageNotFound" not in reasons["fake.docx"]
    assert "nested" in reasons["nested.html"]
    assert "1 văn bản" in out.out  # the rest of the batch went in


def test_a_giant_article_is_cut_with_a_warning_naming_the_file(luat_home, tmp_path):
    doc = tmp_path / "giant.txt"
    head = QD.read_text(encoding="utf-8").split("Điều 1.")[0]
    doc.write_text(
        head + "Điều 1. Một điều rất dài\n" + "Nội dung không có cấu trúc.\n" * 20_000, encoding="utf-8"
    )
    lib = Library("rel-giant")
    report = ingest([doc], lib, progress=False, workers=1)
    assert not report.rejected and any("giant.txt" in w and "cut" in w for w in report.warnings), (
        report.warnings
    )
    text = lib.db.execute("SELECT text FROM articles").fetchone()[0]
    assert MAX_ARTICLE_CHARS // 2 < len(text) <= MAX_ARTICLE_CHARS


# ------------------------------------------------------------------ library files that cannot be opened


@pytest.mark.parametrize("content", [b"", b"garbage, not sqlite\n" * 10, "truncated"])
def test_a_damaged_library_names_its_file_and_the_rebuild(qd_library, luat_home, capsys, content):
    path = luat_home / "libraries" / "rel-damaged.sqlite"
    if content == "truncated":
        content = qd_library.path.read_bytes()[:3000]
    path.write_bytes(content)
    rc = main(["stats", "--library", "rel-damaged"])
    err = capsys.readouterr().err
    assert rc != 0 and len(err.strip().splitlines()) == 1
    assert str(path) in err and "luat ingest --rebuild --library rel-damaged" in err
    api.forget("rel-damaged")
    r = TestClient(create_app("rel-damaged"), raise_server_exceptions=False).get("/api/stats")
    assert r.status_code == 503 and str(path) in r.json()["error"]
    page = TestClient(create_app("rel-damaged"), raise_server_exceptions=False).get("/")
    assert page.status_code == 503 and "rebuild" in page.text


def test_a_read_only_library_still_serves_reads(qd_library, monkeypatch):
    # as root, chmod does not stop a write; os.access is what the library asks
    qd_library.db.execute(
        "PRAGMA wal_checkpoint(TRUNCATE)"
    )  # as a closed library is: an immutable reader skips the WAL
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    lib = Library(LIB, readonly=True)
    assert lib.stats()["documents"] == 1
    with pytest.raises(sqlite3.OperationalError):
        lib.db.execute("CREATE TABLE x(y)")  # opened read-only, not writing beside the file
    lib.close()
    with pytest.raises(LibraryError, match="read-only"):
        Library("rel-readonly-new")


def test_a_failing_rollback_does_not_hide_the_real_error(luat_home):
    lib = Library("rel-rollback")

    class DiskFull(Exception):
        pass

    with pytest.raises(DiskFull), lib.transaction() as db:
        db.execute("INSERT INTO meta VALUES('x', 'y')")
        db.execute("ROLLBACK")  # as SQLite does itself when the disk fills during a write
        raise DiskFull("database or disk is full")
    assert lib.db.execute("SELECT 1 FROM meta WHERE key='x'").fetchone() is None


# ------------------------------------------------------------------ text paths on adversarial input

FUZZ = settings(max_examples=150, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
legal_text = st.text(
    st.sampled_from(list("Điềukhoảnđiểm 1234567890/.,;:-–()“”\n\x00abcNĐQHTT")) | st.characters(),
    max_size=400,
)


@FUZZ
@given(legal_text)
def test_find_references_never_raises(text):
    for r in find_references(text):
        assert 0 <= r.start < r.end <= len(text) and r.text == text[r.start : r.end]


@FUZZ
@given(legal_text)
def test_structure_parser_never_raises(text):
    parsed = parse_text(text)
    for _context, art, _start in parsed.articles:
        assert 0 <= art.start <= art.end <= len(text)
    for u in parse_body(text):
        assert 0 <= u.start <= u.end <= len(text)


@FUZZ
@given(legal_text)
def test_query_parsing_never_raises(text):
    strip_question_phrasing(text)
    content_terms(text)
    definition_term(text)


@pytest.fixture(scope="module")
def searcher(qd_library):
    return api.searcher(LIB)


@settings(
    max_examples=60,
    deadline=10_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=MAX_QUERY_CHARS).filter(str.strip))
def test_searcher_parse_never_raises(searcher, text):
    searcher.parse(text)


SIZE = 200_000  # characters; the quadratic paths took minutes at a tenth of this (scripts/abuse_timings.py: 1 MB)


@pytest.mark.parametrize("name", list(texts(SIZE)))
def test_pathological_text_completes(name, searcher):
    text = texts(SIZE)[name]
    find_references(text)
    parse_text(text)
    parse_body(text)
    strip_question_phrasing(text)
    definition_term(text)
    searcher.parse(text)


def test_deeply_nested_html_is_refused_and_wide_html_read():
    from luat.models import InputError

    with pytest.raises(InputError, match="nested"):
        _html_text("<div>" * 100_000 + "x" + "</div>" * 100_000)
    chunk = "<div>" * 99 + "<p>Điều 1. x</p>" + "</div>" * 99
    assert _html_text(chunk * 500).count("Điều 1. x") == 500
