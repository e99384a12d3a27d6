"""Semantic Scholar Graph API paper search
(https://api.semanticscholar.org/api-docs/graph#tag/Paper-Data/operation/get_graph_paper_relevance_search)."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
from django.conf import settings

from apps.scholarly import http
from apps.scholarly.records import Record, csl_name, normalise_doi, strip_markup

INDEX = "semantic_scholar"
FIELDS = ",".join(
    [
        "paperId",
        "externalIds",
        "url",
        "title",
        "abstract",
        "venue",
        "year",
        "citationCount",
        "openAccessPdf",
        "authors",
        "journal",
        "publicationTypes",
        # Its `type` says "conference" for proceedings S2 also types as "JournalArticle".
        "publicationVenue",
    ]
)
_SPACED_DASH = re.compile(r"\s*-\s*")


def search(
    query: str,
    *,
    limit: int,
    client: httpx.Client | None = None,
    sleep: http.Sleep = time.sleep,
) -> list[Record]:
    headers = {}
    if settings.SEMANTIC_SCHOLAR_API_KEY:
        headers["x-api-key"] = settings.SEMANTIC_SCHOLAR_API_KEY
    with http.client_for(client) as c:
        response = http.get(
            INDEX,
            f"{settings.SEMANTIC_SCHOLAR_URL.rstrip('/')}/paper/search",
            client=c,
            timeout=settings.SEMANTIC_SCHOLAR_TIMEOUT,
            params={"query": query, "limit": limit, "fields": FIELDS},
            headers=headers,
            sleep=sleep,
        )
    data = http.json_body(INDEX, response).get("data") or []
    return [parse_paper(paper) for paper in data if paper.get("title")][:limit]


def parse_paper(paper: dict[str, Any]) -> Record:
    ids = paper.get("externalIds") or {}
    journal = paper.get("journal") or {}
    journal_name = journal.get("name") or ""
    arxiv_id = ids.get("ArXiv") or None
    is_arxiv_only = journal_name.lower() == "arxiv"
    # No DOI is made up from the arXiv id: S2 is not the registry of arXiv's DataCite DOIs, so
    # such a DOI could not be verified against S2. Dedup meets the arXiv record by arxiv_id.
    doi = normalise_doi(ids.get("DOI"))
    types = paper.get("publicationTypes") or []
    at_conference = (
        "Conference" in types or (paper.get("publicationVenue") or {}).get("type") == "conference"
    )
    return Record(
        index=INDEX,
        index_id=str(paper.get("paperId", "")),
        title=strip_markup(paper.get("title") or ""),
        authors=tuple(
            name
            for author in paper.get("authors") or []
            if (name := csl_name(author.get("name") or ""))
        ),
        year=paper.get("year"),
        doi=doi,
        container="arXiv" if is_arxiv_only else journal_name or paper.get("venue") or "",
        # For arXiv-only papers S2 puts "abs/<id>" in volume: not a volume.
        volume="" if is_arxiv_only else str(journal.get("volume") or "").strip(),
        pages=_SPACED_DASH.sub("-", str(journal.get("pages") or "").strip()),
        url=f"https://doi.org/{doi}" if doi else paper.get("url") or "",
        oa_url=(paper.get("openAccessPdf") or {}).get("url") or "",
        abstract=strip_markup(paper.get("abstract") or ""),
        citation_count=paper.get("citationCount"),
        csl_type=(
            "article"
            if is_arxiv_only
            else "paper-conference"
            if at_conference
            else "article-journal"
        ),
        arxiv_id=arxiv_id,
    )
