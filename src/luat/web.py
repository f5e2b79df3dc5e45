"""The web app and HTTP API: ``luat serve`` (FastAPI + uvicorn).

JSON under ``/api`` (OpenAPI at ``/docs``); server-rendered Vietnamese pages with no external resource
(the machines are offline): the home page with the question and search boxes, search results with
filters, the answer page whose citations link to the cited unit, and a page per document with its
metadata, table of contents, an anchor per Điều/Khoản/Điểm (``#dieu-60-khoan-1``), references linked to
their targets and the units that cite it. All text is escaped (Jinja2 autoescape); queries are bounded.
"""

from __future__ import annotations

import html
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from . import api
from .answer import Citation
from .index import ensure_index
from .limits import MAX_K, MAX_QUERY_CHARS
from .models import Amendment, address_of, article_address, citation_of, parse_address
from .search import Filters, QueryError
from .store import ConsultationStore, Library, LibraryError, library_path

# ----------------------------------------------------------------------------------------- models


class HitModel(BaseModel):
    """One article found by a search: its document and Điều (and khoản), score, citation, heading and a snippet with
    the matched words marked «»; ``exact`` when the query named this provision."""

    doc: str
    doc_id: str
    article: str
    clause: str | None
    score: float
    citation: str
    heading: str | None
    snippet: str
    exact: bool
    document: dict


class SearchResponse(BaseModel):
    """The articles a search found, best first, with the query as given."""

    query: str
    hits: list[HitModel]


class AskRequest(BaseModel):
    """A question for the consultant, and the day (ISO date, optional) on which the law is to be read."""

    question: str
    as_of: str | None = None


class AskResponse(BaseModel):
    """The consultant's answer: its status (answered, not_in_library, not_found), its text in the form of a published
    consultation, the provisions cited, and the articles retrieved."""

    question: str
    status: str
    answer: str
    citations: list[Citation]
    retrieved: list[dict]
    coverage: float | None


class CiteRequest(BaseModel):
    """A text whose references to legal provisions are to be found and resolved."""

    text: str


class TargetModel(BaseModel):
    """One provision a reference points to: the document's số hiệu and the Điều, khoản, điểm or Mục."""

    doc: str | None
    article: str | None
    clause: str | None
    point: str | None
    section: str | None


class ReferenceModel(BaseModel):
    """A reference found in a text: its words and span, whether it resolved (status, message), the provisions it
    points to and how it names the document."""

    text: str
    start: int
    end: int
    status: str
    message: str | None
    targets: list[TargetModel]
    document: str | None


class DocumentResponse(BaseModel):
    """A document's metadata, its table of contents (Phần, Chương, Mục, Điều) and how many articles it has."""

    document: dict
    toc: list[dict] | None
    articles: int


class UnitResponse(BaseModel):
    """One Điều, khoản or điểm with its document, its earlier versions, the provisions it cites and those that cite
    it."""

    document: dict
    unit: dict
    versions: list[dict] = []
    cites: list[dict] = []
    cited_by: list[dict] = []


class ErrorResponse(BaseModel):
    """Why a request failed, in Vietnamese."""

    error: str


# ----------------------------------------------------------------------------------------- pages

# The pages are Jinja templates (``luat/templates``, autoescaped); the style sheet (``luat/static/luat.css``) is
# inlined in each page, since the pages load no other resource.
PACKAGE = Path(__file__).parent


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PACKAGE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["as_amendment"] = lambda a: Amendment(**a) if isinstance(a, dict) else a
    env.filters["amendment"] = lambda a: env.filters["as_amendment"](a).describe()
    return env


ENV = _env()
CSS = (PACKAGE / "static" / "luat.css").read_text(encoding="utf-8")


def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
    """The page of template ``name`` (``templates/NAME.html``)."""
    ctx.setdefault("title", "luat")
    return HTMLResponse(ENV.get_template(f"{name}.html").render(css=CSS, **ctx), status_code=status)


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: a stored URL ("javascript:...") must not become a
    link a reader can click."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def doc_href(doc: str, address: str | None = None) -> str:
    """The site's link to a document's page, at the anchor of one of its units when ``address`` is given
    ("/van-ban/58/2014/QH13#dieu-60-khoan-1")."""
    return f"/van-ban/{quote(doc, safe='/')}" + (f"#{address}" if address else "")


def snippet_html(snippet: str) -> Markup:
    """Escape a snippet, then turn its «» markers into <mark>."""
    esc = html.escape(snippet)
    return Markup(re.sub(r"«(.*?)»", r"<mark>\1</mark>", esc))


def text_html(text: str, anchors: dict[int, str], links: list[tuple[int, int, str]]) -> Markup:
    """An article's text as paragraphs, a paragraph per line, with an anchor where a unit starts and the
    references inside linked to their targets; everything escaped."""
    out = []
    pos = 0
    links = sorted(links)
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        parts, cur = [], start
        for a, b, href in links:
            if a < cur or a >= end or b > end:
                continue
            parts.append(html.escape(text[cur:a]))
            parts.append(f'<a class="ref" href="{html.escape(href)}">{html.escape(text[a:b])}</a>')
            cur = b
        parts.append(html.escape(text[cur:end]))
        ident = anchors.get(start)
        attr = f' id="{html.escape(ident)}"' if ident else ""
        out.append(f'<p class="unit"{attr}>{"".join(parts)}</p>')
    return Markup("\n".join(out))


def library_of(request: Request) -> str:
    """The name of the library the app serves."""
    return request.app.state.library


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def error(request: Request, status: int, title: str, message: str) -> Response:
    """The API's ``{"error": ...}``, or the site's error page."""
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return render("error", status, title=title, message=message)


# ------------------------------------------------------------------ errors


async def _query_error(request: Request, exc: QueryError):
    if _is_api(request):
        return JSONResponse({"error": str(exc)}, status_code=400)
    return render("error", 400, title="Câu hỏi không hợp lệ", message=str(exc))


async def _not_found(request: Request, exc: LookupError):
    msg = str(exc).strip("'\"")
    if _is_api(request):
        return JSONResponse({"error": msg}, status_code=404)
    return render("error", 404, title="Không tìm thấy", message=msg)


async def _http_error(request: Request, exc: HTTPException):
    # unknown routes (404) and wrong methods (405) come here from Starlette's router
    title = "Không tìm thấy" if exc.status_code == 404 else "Yêu cầu không hợp lệ"
    message = "không có trang này" if exc.status_code == 404 else str(exc.detail)
    return error(request, exc.status_code, title, message)


async def _invalid(request: Request, exc: RequestValidationError):
    parts = []
    for e in exc.errors()[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
    return error(request, 422, "Yêu cầu không hợp lệ", "; ".join(parts) or "yêu cầu không hợp lệ")


async def _library(request: Request, exc: Exception):
    library = library_of(request)
    message = (
        str(exc)
        if isinstance(exc, LibraryError)
        else str(LibraryError(library, library_path(library), f"the file cannot be read ({exc})"))
    )
    return error(request, 503, "Thư viện không đọc được", message)


async def _bad_value(request: Request, exc: ValueError):
    # input the checks above did not foresee still gets a 400, not a 500
    return error(request, 400, "Yêu cầu không hợp lệ", str(exc)[:500] or "giá trị không hợp lệ")


def _filters(
    type_: str | None, issuer: str | None, year: str | int | None, topic: str | None, in_force: bool
) -> Filters:
    y = None
    if year not in (None, ""):
        try:
            y = int(year)
        except ValueError as e:
            raise QueryError(f"năm không hợp lệ: {year!r}") from e
    return Filters(
        doc_type=type_ or None, issuer=issuer or None, year=y, topic=topic or None, in_force=in_force
    )


# ------------------------------------------------------------------ API

api_routes = APIRouter(tags=["api"])
responses: dict = {400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}


@api_routes.get("/api/search", response_model=SearchResponse, responses=responses)
async def api_search(
    request: Request,
    q: str = Query(..., max_length=MAX_QUERY_CHARS),
    k: int = Query(10, ge=1, le=MAX_K),
    type: str | None = None,
    issuer: str | None = None,
    year: int | None = None,
    topic: str | None = None,
    in_force: bool = False,
) -> SearchResponse:
    """Articles matching a question, a số hiệu or a citation, best first, filtered by type, issuer, year, topic or
    force."""
    hits = api.search(
        q, library=library_of(request), k=k, filters=_filters(type, issuer, year, topic, in_force)
    )
    return SearchResponse(query=q, hits=[HitModel(**h) for h in hits])


@api_routes.post("/api/ask", response_model=AskResponse, responses=responses)
async def api_ask(request: Request, body: AskRequest) -> AskResponse:
    """The answer to a question, in the form of a published consultation with verified citations."""
    return AskResponse(**api.ask(body.question, library=library_of(request), as_of=body.as_of))


@api_routes.get("/api/documents/{number:path}", response_model=DocumentResponse, responses=responses)
async def api_document(request: Request, number: str) -> DocumentResponse:
    """A document, by số hiệu or citation, with its table of contents."""
    out = api.show(number, library=library_of(request), toc=True)
    return DocumentResponse(document=out["document"], toc=out.get("toc"), articles=out.get("articles", 0))


@api_routes.get("/api/units", response_model=UnitResponse, responses=responses)
async def api_unit(
    request: Request,
    ref: str = Query(..., max_length=300, description='ví dụ "khoản 1 Điều 60 Luật 58/2014/QH13"'),
) -> UnitResponse:
    """One Điều, khoản or điểm from a citation ("khoản 1 Điều 60 Luật 58/2014/QH13"), with its versions and the
    provisions it cites and is cited by; a citation of a whole document is a 404."""
    out = api.show(ref, library=library_of(request))
    if "unit" not in out:
        raise LookupError(f"{ref!r} chỉ ra một văn bản, không phải một điều, khoản hay điểm")
    return UnitResponse(
        document=out["document"],
        unit=out["unit"],
        versions=out.get("versions", []),
        cites=out.get("cites", []),
        cited_by=out.get("cited_by", []),
    )


@api_routes.post("/api/cite", response_model=list[ReferenceModel], responses=responses)
async def api_cite(request: Request, body: CiteRequest, response: Response) -> list[ReferenceModel]:
    """The references to legal provisions in a text, each resolved against the library; when there are too many, the
    first ones and the header X-Luat-Truncated."""
    refs, truncated = api.cite_capped(body.text, library=library_of(request))
    if truncated:
        response.headers["X-Luat-Truncated"] = f"only the first {len(refs)} references"
    return [ReferenceModel(**r) for r in refs]


@api_routes.get("/api/stats", response_model=dict)
async def api_stats(request: Request) -> dict:
    """The library's counts and the state of its search index."""
    return api.stats(library=library_of(request))


# ------------------------------------------------------------------ pages

pages = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@pages.get("/")
async def home(request: Request):
    """The home page: the question and search boxes and the library's counts."""
    return render("home", title="Hỏi đáp pháp luật", stats=api.stats(library=library_of(request)))


@pages.get("/tim-kiem")
async def search_page(
    request: Request, q: str = "", type: str = "", issuer: str = "", year: str = "", topic: str = ""
):
    """The search results page: the articles matching ``q`` under the chosen filters, each linked to its unit."""
    library = library_of(request)
    q = q[:MAX_QUERY_CHARS]
    f = _filters(type, issuer, year, topic, False)
    hits, error = [], None
    if q.strip():
        try:
            hits = api.search(q, library=library, k=20, filters=f)
        except QueryError as e:
            error = str(e)
    for h in hits:
        addr = article_address(h["article"]) + (f"-khoan-{h['clause']}" if h["clause"] else "")
        h["href"] = doc_href(h["doc"], addr)
        h["snippet_html"] = snippet_html(h["snippet"])
    types = api.open_library(library).document_types()
    return render(
        "search", title=f"Tìm: {q}" if q else "Tìm kiếm", q=q, hits=hits, f=f, types=types, error=error
    )


@pages.get("/hoi")
async def answer_page(request: Request, q: str = ""):
    """The answer page: the consultant's answer to ``q`` with each citation linked to the cited unit."""
    q = q[:MAX_QUERY_CHARS]
    if not q.strip():
        raise QueryError("câu hỏi trống: hãy nhập nội dung cần hỏi")
    a = api.ask(q, library=library_of(request))
    cites = []
    links = []
    for c in a["citations"]:
        path = (
            [("dieu", c["article"])]
            + ([("section", c["section"])] if c["section"] else [])
            + ([("khoan", c["clause"])] if c["clause"] else [])
        )
        href = doc_href(c["doc"], address_of(path))
        label = f"{citation_of(path)} {c['doc_title']}"
        cites.append({"href": href, "label": label})
        links.append((citation_of(path), href))
    for r in a["retrieved"]:
        r["href"] = doc_href(r["doc"], article_address(r["article"]))
    return render("answer", title=q, a=a, cites=cites, answer_html=_answer_html(a["answer"], links))


@pages.get("/van-ban/{number:path}")
async def document_page(request: Request, number: str):
    """A document's page: its metadata, table of contents and articles, with an anchor per unit and its references
    linked."""
    library = library_of(request)
    lib = api.open_library(library)
    out = api.show(number, library=library, toc=True)
    doc = out["document"]
    doc_id = doc["doc_id"]
    names = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "tieu_muc": "Tiểu mục", "dieu": "Điều"}
    toc = [{**e, "name": names[e["kind"]]} for e in out["toc"] or []]
    return render("document", title=doc["name"], doc=doc, toc=toc, articles=_articles(lib, doc_id))


def _articles(lib: Library, doc_id: str) -> list[dict]:
    """What the document page shows of each article: its text with anchors and links, its versions, the
    consultations and the provisions of other documents that cite it."""
    refs_by_article: dict[str | None, list] = {}
    for r in lib.resolved_references_in(doc_id):
        if r.target_doc is None:
            continue  # none: the query reads only references that point to a document
        refs_by_article.setdefault(r.article, []).append(
            (r.start, r.end, doc_href(r.target_doc, r.target_address))
        )
    cited: dict[str, list] = {}
    for r in lib.references_from_others(doc_id, limit=5000):
        art = next((lab for k, lab in parse_address(r.target_address or "") if k == "dieu"), None)
        if art and r.doc_id is not None:  # a stored reference always has its document
            src = lib.document(r.doc_id)
            label = f"{citation_of(parse_address(r.address or ''))} {src.name if src else r.doc_id}"
            cited.setdefault(art, []).append({"href": doc_href(r.doc_id, r.address), "label": label})
    consulted: dict[str, list] = {}
    for q in ConsultationStore(lib, create=False).questions_citing_units(doc_id):
        art = next((lab for k, lab in parse_address(q.target_address) if k == "dieu"), None)
        if art:
            consulted.setdefault(art, []).append({"question": q.question, "url": safe_url(q.url)})
    versions: dict[str, list] = {}
    for v in lib.version_dates(doc_id):
        versions.setdefault(v.article, []).append({"date": v.date or "?", "source": v.source})
    anchors_by_article: dict[str, dict[int, str]] = {}
    for u in lib.unit_starts(doc_id):
        anchors_by_article.setdefault(u.article, {})[u.start] = u.address
    articles = []
    for a in lib.articles_in_order(doc_id):
        anchors = anchors_by_article.get(a.article, {})
        seen: set[str] = set()
        uniq = []
        for c in cited.get(a.article, []):
            if c["href"] not in seen:
                seen.add(c["href"])
                uniq.append(c)
        articles.append(
            {
                "label": a.article,
                "heading": a.heading,
                "address": article_address(a.article),
                "html": text_html(a.text, anchors, refs_by_article.get(a.article, [])),
                "versions": a.n_versions,
                "source": a.source,
                "cited_by": uniq[:50],
                "version_list": versions.get(a.article, []),
                "consultations": consulted.get(a.article, [])[:20],
            }
        )
    return articles


def create_app(library: str = "default") -> FastAPI:
    """The app. Handlers are ``async``: in one server process they run one at a time on the event loop's
    thread, with that process's own SQLite connection and searcher (``api.open_library``, which notices an
    ingest's commit and reopens the library). The work is CPU-bound under the GIL, so requests are served in
    parallel by processes, ``luat serve --workers N``; a pool of threads per process measured slower (the
    event loop and the workers contend for the GIL: 53 against 71 requests/s with one process)."""
    app = FastAPI(
        title="luat",
        description="Tra cứu văn bản pháp luật Việt Nam với trích dẫn chính xác",
        version="0.1.0",
    )
    app.state.library = library
    # Starlette types a handler as taking any Exception; it calls each only with the class it is registered for
    handlers: list[tuple[type[Exception], Callable[[Request, Any], Awaitable[Response]]]] = [
        (QueryError, _query_error),
        (LookupError, _not_found),
        (HTTPException, _http_error),
        (RequestValidationError, _invalid),
        (sqlite3.DatabaseError, _library),
        (LibraryError, _library),
        (ValueError, _bad_value),
    ]
    for exc_class, handler in handlers:
        app.add_exception_handler(exc_class, handler)
    app.include_router(api_routes)
    app.include_router(pages)
    return app


def _answer_html(answer: str, links: list[tuple[str, str]]) -> Markup:
    """The answer's paragraphs, escaped; the citation in each opening sentence links to its unit."""
    out = []
    for block in answer.split("\n\n"):
        lines = [html.escape(x) for x in block.split("\n") if x.strip()]
        if not lines:
            continue
        first = lines[0]
        for label, href in links:
            esc = html.escape(label)
            if esc in first:
                first = first.replace(esc, f'<a class="citation" href="{html.escape(href)}">{esc}</a>', 1)
                break
        cls = "quote" if block.lstrip().startswith(("- ", "+ ")) else ""
        out.append(f'<div class="{cls}">' + "".join(f"<p>{x}</p>" for x in [first, *lines[1:]]) + "</div>")
    return Markup("\n".join(out))


def default_workers() -> int:
    """Server processes by default: one per core, at most four (each holds its own searcher)."""
    return max(1, min(os.cpu_count() or 1, 4))


def app_from_env() -> FastAPI:
    """The app factory each server process calls (``uvicorn --factory``): the library is named in
    ``$LUAT_SERVE_LIBRARY`` by :func:`serve`."""
    return create_app(os.environ.get("LUAT_SERVE_LIBRARY", "default"))


def serve(
    host: str = "127.0.0.1", port: int = 8000, library: str = "default", workers: int | None = None
) -> None:
    """Serve ``library`` with ``workers`` processes. The index is checked (and repaired) once here, before
    the workers start, so that they do not all wait for one repair."""
    import uvicorn

    lib = Library(library, readonly=True)
    try:
        ensure_index(lib, progress=True)
    finally:
        lib.close()
    os.environ["LUAT_SERVE_LIBRARY"] = library
    uvicorn.run(
        "luat.web:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers or default_workers(),
        log_level="info",
    )
