"""arXiv's Atom API (https://info.arxiv.org/help/api/user-manual.html)."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import httpx
from django.conf import settings

from apps.scholarly import http
from apps.scholarly.records import ARXIV_DOI_PREFIX, Record, csl_name, normalise_doi, strip_markup

INDEX = "arxiv"
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
}
_TERM = re.compile(r"[\w-]+")
_VERSION = re.compile(r"v\d+$")
_MAX_TERMS = 8  # arXiv's query parser slows sharply on long boolean queries


def search(
    query: str,
    *,
    limit: int,
    client: httpx.Client | None = None,
    sleep: http.Sleep = time.sleep,
) -> list[Record]:
    terms = _TERM.findall(query)[:_MAX_TERMS]
    if not terms:
        return []
    params: dict[str, str | int] = {
        # Every term anywhere in the record: arXiv's "all:" field, joined with AND.
        "search_query": " AND ".join(f"all:{term}" for term in terms),
        "start": 0,
        "max_results": limit,
        "sortBy": "relevance",
        "sortOrder": "descending",
    }
    with http.client_for(client) as c:
        response = http.get(
            INDEX,
            f"{settings.ARXIV_URL.rstrip('/')}/query",
            client=c,
            timeout=settings.ARXIV_TIMEOUT,
            params=params,
            sleep=sleep,
        )
    return parse_feed(response.content, index=INDEX)[:limit]


def parse_feed(body: bytes, *, index: str = INDEX) -> list[Record]:
    # An Atom feed has no DOCTYPE; refusing one rules out entity tricks before expat sees them
    # (expat >= 2.4 also caps entity expansion, and ElementTree never fetches external ones).
    if b"<!DOCTYPE" in body[:2048].upper():
        raise http.IndexUnavailable(index, "arXiv answered with a document type we do not read")
    try:
        root = ET.fromstring(body)  # noqa: S314 - see above
    except ET.ParseError as error:
        raise http.IndexUnavailable(index, f"arXiv answered with malformed XML ({error})") from None
    return [
        record
        for entry in root.findall("atom:entry", _NS)
        if (record := parse_entry(entry)) is not None
    ]


def parse_entry(entry: ET.Element) -> Record | None:
    abs_url = _text(entry, "atom:id")
    title = strip_markup(_text(entry, "atom:title"))
    if not abs_url or not title or "/abs/" not in abs_url:
        return None  # arXiv answers an error as a one-entry feed whose id is .../api/errors
    arxiv_id = _VERSION.sub("", abs_url.split("/abs/", 1)[1])
    published = _text(entry, "atom:published")
    pdf_url = ""
    for link in entry.findall("atom:link", _NS):
        if link.get("title") == "pdf":
            pdf_url = link.get("href", "")
    # The published version's DOI when the authors gave one; otherwise the DOI arXiv registers
    # with DataCite for every paper.
    doi = normalise_doi(_text(entry, "arxiv:doi")) or f"{ARXIV_DOI_PREFIX}{arxiv_id.lower()}"
    return Record(
        index=INDEX,
        index_id=arxiv_id,
        title=title,
        authors=tuple(
            name
            for author in entry.findall("atom:author", _NS)
            if (name := csl_name(_text(author, "atom:name")))
        ),
        year=int(published[:4]) if published[:4].isdigit() else None,
        doi=doi,
        container="arXiv",
        url=f"https://arxiv.org/abs/{arxiv_id}",
        oa_url=pdf_url.replace("http://", "https://", 1),
        abstract=strip_markup(_text(entry, "atom:summary")),
        # A preprint; when its journal DOI verifies, verify.py takes the journal's metadata.
        csl_type="article",
        arxiv_id=arxiv_id,
    )


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path, _NS)
    return (found.text or "").strip() if found is not None else ""
