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
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from . import api
from .answer import Citation
from .index import ensure_index
from .limits import MAX_K, MAX_QUERY_CHARS
from .models import Amendment, address_of, article_address, citation_of, parse_address
from .search import Filters, QueryError
from .store import Library, LibraryError, library_path

# ----------------------------------------------------------------------------------------- models


class HitModel(BaseModel):
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
    query: str
    hits: list[HitModel]


class AskRequest(BaseModel):
    question: str
    as_of: str | None = None


class AskResponse(BaseModel):
    question: str
    status: str
    answer: str
    citations: list[Citation]
    retrieved: list[dict]
    coverage: float | None


class CiteRequest(BaseModel):
    text: str


class TargetModel(BaseModel):
    doc: str | None
    article: str | None
    clause: str | None
    point: str | None
    section: str | None


class ReferenceModel(BaseModel):
    text: str
    start: int
    end: int
    status: str
    message: str | None
    targets: list[TargetModel]
    document: str | None


class DocumentResponse(BaseModel):
    document: dict
    toc: list[dict] | None
    articles: int


class UnitResponse(BaseModel):
    document: dict
    unit: dict
    versions: list[dict] = []
    cites: list[dict] = []
    cited_by: list[dict] = []


class ErrorResponse(BaseModel):
    error: str


# ----------------------------------------------------------------------------------------- pages

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f7f8fa;line-height:1.55}
header{background:#7a1b1b;color:#fff;padding:.7rem 1rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:900px;margin:0 auto;padding:1rem}
form{display:flex;gap:.5rem;flex-wrap:wrap;margin:.5rem 0 1rem}input[type=text],textarea,select{font-size:1rem;padding:.5rem;border:1px solid #b9c0c9;border-radius:4px}
input[type=text],textarea{flex:1 1 20rem}button{font-size:1rem;padding:.5rem 1rem;background:#7a1b1b;color:#fff;border:0;border-radius:4px}
.hit,.card{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:.8rem;margin:.6rem 0}
.small{flex:0 1 9rem}mark{background:#ffe58a}.muted{color:#5b6673;font-size:.9rem}.warn{color:#7a1b1b;font-weight:600;margin:.3rem 0}.answer p{margin:.4rem 0}.quote{border-left:3px solid #7a1b1b;padding-left:.8rem}
.toc li{margin:.1rem 0}.unit{margin:.25rem 0}.unit:target{background:#fff3c4}h2 a{color:inherit}
@media (max-width:600px){main{padding:.5rem}form{flex-direction:column}input[type=text],textarea,select,.small{flex:none;width:100%;box-sizing:border-box}}
"""

BASE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ title }} — luat</title><style>{{ css }}</style></head><body>
<header><a href="/">luat · Tra cứu pháp luật</a></header><main>{% block body %}{% endblock %}</main></body></html>"""

PAGES = {
    "home": """{% extends "base" %}{% block body %}
<h1>Hỏi đáp pháp luật</h1>
<form action="/hoi" method="get"><textarea name="q" rows="3" maxlength="1000" placeholder="Ví dụ: Người lao động nghỉ việc có được rút BHXH một lần không?" aria-label="Câu hỏi"></textarea><button type="submit">Hỏi</button></form>
<h2>Tìm điều luật</h2>
<form action="/tim-kiem" method="get"><input type="text" name="q" maxlength="1000" placeholder="số hiệu, trích dẫn hoặc từ khóa — có thể gõ không dấu" aria-label="Tìm kiếm"><button type="submit">Tìm</button></form>
<p class="muted">Thư viện {{ stats.library }}: {{ stats.documents }} văn bản, {{ stats.articles }} điều.</p>
{% endblock %}""",
    "search": """{% extends "base" %}{% block body %}
<form action="/tim-kiem" method="get"><input type="text" name="q" value="{{ q }}" maxlength="1000" aria-label="Tìm kiếm">
<select name="type" aria-label="Loại văn bản"><option value="">Mọi loại văn bản</option>{% for t in types %}<option{% if t == f.doc_type %} selected{% endif %}>{{ t }}</option>{% endfor %}</select>
<input type="text" name="issuer" value="{{ f.issuer or '' }}" placeholder="Cơ quan ban hành" aria-label="Cơ quan ban hành" class="small">
<input type="text" name="year" value="{{ f.year or '' }}" placeholder="Năm" aria-label="Năm" class="small">
<input type="text" name="topic" value="{{ f.topic or '' }}" placeholder="Đề mục" aria-label="Đề mục" class="small">
<button type="submit">Tìm</button></form>
{% if error %}<p>{{ error }}</p>{% endif %}
{% for h in hits %}<div class="hit"><a href="{{ h.href }}"><strong>{{ h.citation }}</strong></a>{% if h.heading %} — {{ h.heading }}{% endif %}
<div class="muted">{{ h.document.type or '' }} · {{ h.document.issuer or '' }} · {{ h.document.issued or '' }}</div>
{% if h.validity and h.validity.status != 'còn hiệu lực' %}<div class="warn">{{ h.validity.status|capitalize }}{% if h.validity.since %} từ {{ h.validity.since }}{% endif %}{% if h.validity.by %} ({{ h.validity.by }}){% endif %}</div>{% endif %}
{% if h.clause %}<div class="muted">khoản {{ h.clause }}</div>{% endif %}<div>{{ h.snippet_html }}</div></div>{% endfor %}
{% if q and not hits and not error %}<p>Không tìm thấy điều luật phù hợp.</p>{% endif %}
{% endblock %}""",
    "answer": """{% extends "base" %}{% block body %}
<form action="/hoi" method="get"><textarea name="q" rows="3" maxlength="1000" aria-label="Câu hỏi">{{ a.question }}</textarea><button type="submit">Hỏi</button></form>
<div class="card answer" id="answer">{{ answer_html }}</div>
{% if a.citations %}<h2>Căn cứ</h2><ul>{% for c in cites %}<li><a class="citation" href="{{ c.href }}">{{ c.label }}</a></li>{% endfor %}</ul>{% endif %}
{% if a.status != 'answered' and a.retrieved %}<h2>Các điều gần nhất</h2><ul>{% for r in a.retrieved[:5] %}<li><a href="{{ r.href }}">{{ r.citation }}</a></li>{% endfor %}</ul>{% endif %}
{% endblock %}""",
    "document": """{% extends "base" %}{% block body %}
<h1>{{ doc.name }}</h1>
<div class="card"><div>Số hiệu: <strong>{{ doc.number or doc.doc_id }}</strong></div><div>Loại: {{ doc.doc_type or '—' }}</div>
<div>Cơ quan ban hành: {{ doc.issuer or '—' }}</div><div>Ngày ban hành: {{ doc.issued or '—' }}</div><div>Hiệu lực: {{ doc.effective or '—' }}</div>
{% if doc.validity %}<div>Tình trạng: <strong id="validity">{{ doc.validity.status }}</strong></div>{% endif %}
{% for a in doc.amendments if (a|as_amendment).repeals %}<div class="warn"><a href="/van-ban/{{ a.by_number }}">{{ a|amendment }}</a>.</div>{% endfor %}
{% if doc.title %}<div>Trích yếu: {{ doc.title }}</div>{% endif %}<div class="muted">Nguồn: {{ doc.sources|join('; ') }}</div>
{% if doc.amendments %}<details><summary>Sửa đổi, bổ sung ({{ doc.amendments|length }})</summary><ul>{% for a in doc.amendments %}<li>{{ a|amendment }}</li>{% endfor %}</ul></details>{% endif %}</div>
<details open class="toc"><summary>Mục lục</summary><ul id="toc">{% for e in toc %}<li style="margin-left:{{ e.depth }}rem"><a href="#{{ e.address }}">{{ e.name }} {{ e.label }}</a>{% if e.heading %}. {{ e.heading }}{% endif %}</li>{% endfor %}</ul></details>
{% for art in articles %}<section class="card" id="{{ art.address }}"><h2><a href="#{{ art.address }}">Điều {{ art.label }}</a>{% if art.heading %}. {{ art.heading }}{% endif %}</h2>
{{ art.html }}
{% if art.versions > 1 %}<details class="versions"><summary class="muted">{{ art.versions }} phiên bản khác nhau theo nguồn; bản hiển thị (mới nhất): {{ art.source }}</summary><ul>{% for v in art.version_list %}<li>{{ v.date }} — {{ v.source }}</li>{% endfor %}</ul></details>{% endif %}
{% if art.consultations %}<details><summary class="muted">Tư vấn trích dẫn điều này ({{ art.consultations|length }})</summary><ul>{% for c in art.consultations %}<li>{% if c.url %}<a href="{{ c.url }}" rel="noopener">{{ c.question }}</a>{% else %}{{ c.question }}{% endif %}</li>{% endfor %}</ul></details>{% endif %}
{% if art.cited_by %}<details><summary class="muted">Được dẫn chiếu bởi {{ art.cited_by|length }} quy định</summary><ul>{% for c in art.cited_by %}<li><a href="{{ c.href }}">{{ c.label }}</a></li>{% endfor %}</ul></details>{% endif %}
</section>{% endfor %}
{% endblock %}""",
    "error": """{% extends "base" %}{% block body %}<h1>{{ title }}</h1><p>{{ message }}</p><p><a href="/">Về trang chủ</a></p>{% endblock %}""",
}


def _env() -> Environment:
    env = Environment(loader=DictLoader({"base": BASE, **PAGES}), autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["as_amendment"] = lambda a: Amendment(**a) if isinstance(a, dict) else a
    env.filters["amendment"] = lambda a: env.filters["as_amendment"](a).describe()
    return env


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


def create_app(library: str = "default") -> FastAPI:
    """The app. Handlers are ``async``: in one server process they run one at a time on the event loop's
    thread, with that process's own SQLite connection and searcher (``api.open_library``, which notices an
    ingest's commit and reopens the library). The work is CPU-bound under the GIL, so requests are served in
    parallel by processes, ``luat serve --workers N``; a pool of threads per process measured slower (the
    event loop and the workers contend for the GIL: 53 against 71 requests/s with one process)."""
    app = FastAPI(title="luat", description="Tra cứu văn bản pháp luật Việt Nam với trích dẫn chính xác", version="0.1.0")
    env = _env()

    def render(name: str, status: int = 200, **ctx) -> HTMLResponse:
        ctx.setdefault("title", "luat")
        return HTMLResponse(env.get_template(name).render(css=CSS, **ctx), status_code=status)

    @app.exception_handler(QueryError)
    async def _query_error(request: Request, exc: QueryError):
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return render("error", 400, title="Câu hỏi không hợp lệ", message=str(exc))

    @app.exception_handler(LookupError)
    async def _not_found(request: Request, exc: LookupError):
        msg = str(exc).strip("'\"")
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": msg}, status_code=404)
        return render("error", 404, title="Không tìm thấy", message=msg)

    def error(request: Request, status: int, title: str, message: str) -> Response:
        """The API's ``{"error": ...}``, or the site's error page."""
        if request.url.path.startswith("/api"):
            return JSONResponse({"error": message}, status_code=status)
        return render("error", status, title=title, message=message)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        # unknown routes (404) and wrong methods (405) come here from Starlette's router
        title = "Không tìm thấy" if exc.status_code == 404 else "Yêu cầu không hợp lệ"
        message = "không có trang này" if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, title, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for e in exc.errors()[:3]:
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
        return error(request, 422, "Yêu cầu không hợp lệ", "; ".join(parts) or "yêu cầu không hợp lệ")

    @app.exception_handler(LibraryError)
    @app.exception_handler(sqlite3.DatabaseError)
    async def _library(request: Request, exc: Exception):
        message = str(exc) if isinstance(exc, LibraryError) else str(LibraryError(
            library, library_path(library), f"the file cannot be read ({exc})"))
        return error(request, 503, "Thư viện không đọc được", message)

    @app.exception_handler(ValueError)
    async def _bad_value(request: Request, exc: ValueError):
        # input the checks above did not foresee still gets a 400, not a 500
        return error(request, 400, "Yêu cầu không hợp lệ", str(exc)[:500] or "giá trị không hợp lệ")

    def _filters(type_: str | None, issuer: str | None, year: str | int | None, topic: str | None, in_force: bool) -> Filters:
        y = None
        if year not in (None, ""):
            try:
                y = int(year)
            except ValueError as e:
                raise QueryError(f"năm không hợp lệ: {year!r}") from e
        return Filters(doc_type=type_ or None, issuer=issuer or None, year=y, topic=topic or None, in_force=in_force)

    # ------------------------------------------------------------------ API

    responses = {400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}

    @app.get("/api/search", response_model=SearchResponse, responses=responses, tags=["api"])
    async def api_search(q: str = Query(..., max_length=MAX_QUERY_CHARS), k: int = Query(10, ge=1, le=MAX_K),
                   type: str | None = None, issuer: str | None = None, year: int | None = None,
                   topic: str | None = None, in_force: bool = False) -> SearchResponse:
        hits = api.search(q, library=library, k=k, filters=_filters(type, issuer, year, topic, in_force))
        return SearchResponse(query=q, hits=[HitModel(**h) for h in hits])

    @app.post("/api/ask", response_model=AskResponse, responses=responses, tags=["api"])
    async def api_ask(body: AskRequest) -> AskResponse:
        return AskResponse(**api.ask(body.question, library=library, as_of=body.as_of))

    @app.get("/api/documents/{number:path}", response_model=DocumentResponse, responses=responses, tags=["api"])
    async def api_document(number: str) -> DocumentResponse:
        out = api.show(number, library=library, toc=True)
        return DocumentResponse(document=out["document"], toc=out.get("toc"), articles=out.get("articles", 0))

    @app.get("/api/units", response_model=UnitResponse, responses=responses, tags=["api"])
    async def api_unit(ref: str = Query(..., max_length=300, description='ví dụ "khoản 1 Điều 60 Luật 58/2014/QH13"')) -> UnitResponse:
        out = api.show(ref, library=library)
        if "unit" not in out:
            raise LookupError(f"{ref!r} chỉ ra một văn bản, không phải một điều, khoản hay điểm")
        return UnitResponse(document=out["document"], unit=out["unit"], versions=out.get("versions", []),
                            cites=out.get("cites", []), cited_by=out.get("cited_by", []))

    @app.post("/api/cite", response_model=list[ReferenceModel], responses=responses, tags=["api"])
    async def api_cite(body: CiteRequest, response: Response) -> list[ReferenceModel]:
        refs, truncated = api.cite_capped(body.text, library=library)
        if truncated:
            response.headers["X-Luat-Truncated"] = f"only the first {len(refs)} references"
        return [ReferenceModel(**r) for r in refs]

    @app.get("/api/stats", response_model=dict, tags=["api"])
    async def api_stats() -> dict:
        return api.stats(library=library)

    # ------------------------------------------------------------------ pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home():
        return render("home", title="Hỏi đáp pháp luật", stats=api.stats(library=library))

    @app.get("/tim-kiem", response_class=HTMLResponse, include_in_schema=False)
    async def search_page(q: str = "", type: str = "", issuer: str = "", year: str = "", topic: str = ""):
        q = q[:MAX_QUERY_CHARS]
        f = _filters(type, issuer, year, topic, False)
        hits, error = [], None
        if q.strip():
            try:
                hits = api.search(q, library=library, k=20, filters=f)
            except QueryError as e:
                error = str(e)
        for h in hits:
            addr = article_address(h['article']) + (f"-khoan-{h['clause']}" if h["clause"] else "")
            h["href"] = doc_href(h["doc"], addr)
            h["snippet_html"] = snippet_html(h["snippet"])
        types = [r[0] for r in api.open_library(library).db.execute(
            "SELECT DISTINCT doc_type FROM documents WHERE doc_type IS NOT NULL ORDER BY 1")]
        return render("search", title=f"Tìm: {q}" if q else "Tìm kiếm", q=q, hits=hits, f=f, types=types, error=error)

    @app.get("/hoi", response_class=HTMLResponse, include_in_schema=False)
    async def answer_page(q: str = ""):
        q = q[:MAX_QUERY_CHARS]
        if not q.strip():
            raise QueryError("câu hỏi trống: hãy nhập nội dung cần hỏi")
        a = api.ask(q, library=library)
        cites = []
        links = []
        for c in a["citations"]:
            path = [("dieu", c["article"])] + ([("section", c["section"])] if c["section"] else []) + \
                ([("khoan", c["clause"])] if c["clause"] else [])
            href = doc_href(c["doc"], address_of(path))
            label = f"{citation_of(path)} {c['doc_title']}"
            cites.append({"href": href, "label": label})
            links.append((citation_of(path), href))
        for r in a["retrieved"]:
            r["href"] = doc_href(r["doc"], article_address(r['article']))
        return render("answer", title=q, a=a, cites=cites, answer_html=_answer_html(a["answer"], links))

    @app.get("/van-ban/{number:path}", response_class=HTMLResponse, include_in_schema=False)
    async def document_page(number: str):
        lib = api.open_library(library)
        out = api.show(number, library=library, toc=True)
        doc = out["document"]
        doc_id = doc["doc_id"]
        names = {"phan": "Phần", "chuong": "Chương", "muc": "Mục", "tieu_muc": "Tiểu mục", "dieu": "Điều"}
        toc = [{**e, "name": names[e["kind"]]} for e in out["toc"] or []]
        refs_by_article: dict[str, list] = {}
        for r in lib.db.execute("SELECT article, start, end, target_doc, target_address FROM refs WHERE doc_id=? AND target_doc IS NOT NULL", (doc_id,)):
            refs_by_article.setdefault(r["article"], []).append((r["start"], r["end"], doc_href(r["target_doc"], r["target_address"])))
        cited: dict[str, list] = {}
        for r in lib.db.execute("SELECT doc_id, address, target_address FROM refs WHERE target_doc=? AND doc_id!=? LIMIT 5000", (doc_id, doc_id)):
            art = next((lab for k, lab in parse_address(r["target_address"] or "") if k == "dieu"), None)
            if art:
                src = lib.document(r["doc_id"])
                label = f"{citation_of(parse_address(r['address'] or ''))} {src.name if src else r['doc_id']}"
                cited.setdefault(art, []).append({"href": doc_href(r["doc_id"], r["address"]), "label": label})
        consulted: dict[str, list] = {}
        if lib.db.execute("SELECT 1 FROM sqlite_master WHERE name='consultation_refs'").fetchone():
            for r in lib.db.execute("SELECT DISTINCT r.target_address, c.question, c.url FROM consultation_refs r JOIN consultations c"
                                    " ON c.id=r.consultation_id WHERE r.target_doc=? AND r.target_address IS NOT NULL", (doc_id,)):
                art = next((lab for k, lab in parse_address(r["target_address"]) if k == "dieu"), None)
                if art:
                    consulted.setdefault(art, []).append({"question": r["question"], "url": safe_url(r["url"])})
        versions: dict[str, list] = {}
        for v in lib.db.execute("SELECT v.article, v.date, s.label FROM versions v JOIN sources s ON s.id=v.source_id"
                                " WHERE v.doc_id=? ORDER BY v.date DESC", (doc_id,)):
            versions.setdefault(v["article"], []).append({"date": v["date"] or "?", "source": v["label"]})
        anchors_by_article: dict[str, dict[int, str]] = {}
        for u in lib.db.execute("SELECT article, address, start FROM units WHERE doc_id=? AND kind!='dieu'", (doc_id,)):
            anchors_by_article.setdefault(u["article"], {})[u["start"]] = u["address"]
        articles = []
        for a in lib.db.execute("SELECT a.article, a.heading, a.text, a.n_versions, s.label AS source FROM articles a"
                                " LEFT JOIN versions v ON v.id=a.version_id LEFT JOIN sources s ON s.id=v.source_id"
                                " WHERE a.doc_id=? ORDER BY a.ord", (doc_id,)):
            anchors = anchors_by_article.get(a["article"], {})
            seen = set()
            uniq = [c for c in cited.get(a["article"], []) if not (c["href"] in seen or seen.add(c["href"]))]
            articles.append({"label": a["article"], "heading": a["heading"], "address": article_address(a['article']),
                             "html": text_html(a["text"], anchors, refs_by_article.get(a["article"], [])),
                             "versions": a["n_versions"], "source": a["source"], "cited_by": uniq[:50],
                             "version_list": versions.get(a["article"], []),
                             "consultations": consulted.get(a["article"], [])[:20]})
        return render("document", title=doc["name"], doc=doc, toc=toc, articles=articles)

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


def serve(host: str = "127.0.0.1", port: int = 8000, library: str = "default", workers: int | None = None) -> None:
    """Serve ``library`` with ``workers`` processes. The index is checked (and repaired) once here, before
    the workers start, so that they do not all wait for one repair."""
    import uvicorn

    lib = Library(library, readonly=True)
    try:
        ensure_index(lib, progress=True)
    finally:
        lib.close()
    os.environ["LUAT_SERVE_LIBRARY"] = library
    uvicorn.run("luat.web:app_from_env", factory=True, host=host, port=port, workers=workers or default_workers(),
                log_level="info")
