"""Every bound luat puts on its input and its output, in one place (README "Limits").

Each is far above what the real corpora need (the largest corpus file is 2.7 MB, the longest article
about 0.1 MB) and low enough that one request or one file cannot hold a server or an ingest for long.
"""

from __future__ import annotations

# Per file (luat ingest, luat consult ingest, luat eval, luat cite check).
MAX_FILE_BYTES = 20_000_000  # bytes read from one file; a .html.gz counts once decompressed
MAX_DOCX_INFLATED = (
    50_000_000  # bytes a .docx inflates to, summed over its zip members (checked before extracting)
)
MAX_HTML_DEPTH = 100  # elements nested in one another; the HTML parser is quadratic in the nesting

# Per article: a body longer than this is cut (at a line end) and the ingest warns, naming the file.
MAX_ARTICLE_CHARS = 200_000

# Per request, the same in the CLI and the HTTP API.
MAX_QUERY_CHARS = 1000  # a question (luat ask, luat search, /api/ask, /api/search)
MAX_K = 100  # results of one search
MAX_CITE_CHARS = 100_000  # text given to luat cite, luat cite check, /api/cite

# Per response.
MAX_CITE_RESULTS = 1000  # references returned for one text
MAX_CITE_TARGETS = 10_000  # targets over all returned references ("Điều 1 đến Điều 300" is 300)

# Per library: a second writer (ingest, index, consult ingest) waits this long for the first, then gives up
# naming it; $LUAT_LOCK_WAIT overrides. The default library's ingest from scratch takes about 4 minutes.
WRITER_LOCK_WAIT_S = 600.0
