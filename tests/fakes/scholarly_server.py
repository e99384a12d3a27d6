"""A fake of the four scholarly indexes for end-to-end tests: a real HTTP server that answers
OpenAlex (`/openalex/works`), Crossref (`/crossref/works`, `/crossref/works/<doi>`), arXiv
(`/arxiv/query`) and Semantic Scholar (`/s2/paper/search`) with the recorded response bodies in
tests/scholarly/fixtures (their sources are in its README).

A worker started by a test is pointed at it once for the whole session (`env()`); a test that
wants records `arm()`s it, and every other test gets each index's real shape of "nothing found",
so the worker's behaviour for them is that of a search that found nothing.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "scholarly" / "fixtures"
ARXIV_FEED = "arxiv_query_testing.xml"

# What an armed server answers, by index.
ARMED = {
    "openalex": "openalex_works_search_retracted.json",
    "crossref": "crossref_works_query_boettiger.json",
    "arxiv": ARXIV_FEED,
    "s2": "semantic_scholar_paper_search_turing.json",
}


def _empty(index: str) -> tuple[bytes, str]:
    """Each index's own answer when nothing matches the query."""
    body: dict[str, object]
    if index == "openalex":
        body = {"meta": {"count": 0, "page": 1, "per_page": 25}, "results": [], "group_by": []}
    elif index == "crossref":
        body = {
            "status": "ok",
            "message-type": "work-list",
            "message-version": "1.0.0",
            "message": {"total-results": 0, "items": [], "items-per-page": 20},
        }
    elif index == "s2":
        body = {"total": 0, "offset": 0, "data": []}
    else:
        feed = (FIXTURES / ARXIV_FEED).read_text()
        feed = re.sub(r"<entry>.*</entry>", "", feed, flags=re.S)
        feed = re.sub(r"<opensearch:totalResults[^>]*>\d+<", "<opensearch:totalResults>0<", feed)
        return feed.encode(), "application/atom+xml"
    return json.dumps(body).encode(), "application/json"


class FakeScholarlyServer:
    def __init__(self) -> None:
        self.armed = False
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                index = self.path.strip("/").split("/", 1)[0]
                if index == "crossref" and self.path.startswith("/crossref/works/"):
                    # A DOI lookup: Crossref registers none of these recordings' other DOIs.
                    body = (FIXTURES / "crossref_work_not_found.txt").read_bytes()
                    self._answer(404, body, "text/plain")
                elif index in ARMED:
                    if server.armed:
                        name = ARMED[index]
                        kind = (
                            "application/atom+xml" if name.endswith(".xml") else "application/json"
                        )
                        self._answer(200, (FIXTURES / name).read_bytes(), kind)
                    else:
                        self._answer(200, *_empty(index))
                else:
                    self._answer(404, b"not found", "text/plain")

            def _answer(self, status: int, body: bytes, kind: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeScholarlyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def arm(self, armed: bool = True) -> None:
        self.armed = armed
        self.requests.clear()

    def env(self) -> dict[str, str]:
        """Settings that point a worker's scholarly search at this server."""
        return {
            "TEST_SCHOLARLY_FROM_ENV": "1",
            "SCHOLARLY_SEARCH": "true",
            "SCHOLARLY_CACHE_SECONDS": "0",
            "OPENALEX_URL": f"{self.url}/openalex",
            "CROSSREF_URL": f"{self.url}/crossref",
            "ARXIV_URL": f"{self.url}/arxiv",
            "SEMANTIC_SCHOLAR_URL": f"{self.url}/s2",
            "CONTACT_EMAIL": "e2e@example.org",
        }
