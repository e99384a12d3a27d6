"""OpenAlex works search (https://docs.openalex.org/api-entities/works/search-works)."""

from __future__ import annotations

import time
from typing import Any

import httpx
from django.conf import settings

from apps.scholarly import http
from apps.scholarly.records import Record, csl_name, normalise_doi, strip_markup

INDEX = "openalex"
# Only what a Record needs: a works page with abstracts is otherwise ~30 kB per work.
_SELECT = ",".join(
    [
        "id",
        "doi",
        "title",
        "display_name",
        "publication_year",
        "type",
        "authorships",
        "primary_location",
        "best_oa_location",
        "open_access",
        "biblio",
        "cited_by_count",
        "is_retracted",
        "abstract_inverted_index",
    ]
)
_CSL_TYPES = {
    "article": "article-journal",
    "review": "article-journal",
    "book": "book",
    "book-chapter": "chapter",
    "dissertation": "thesis",
    "preprint": "article",
    "dataset": "dataset",
    "report": "report",
}


def search(
    query: str,
    *,
    limit: int,
    client: httpx.Client | None = None,
    sleep: http.Sleep = time.sleep,
) -> list[Record]:
    params: dict[str, str | int] = {"search": query, "per-page": limit, "select": _SELECT}
    if settings.CONTACT_EMAIL:
        params["mailto"] = settings.CONTACT_EMAIL
    if settings.OPENALEX_API_KEY:
        params["api_key"] = settings.OPENALEX_API_KEY
    with http.client_for(client) as c:
        response = http.get(
            INDEX,
            f"{settings.OPENALEX_URL.rstrip('/')}/works",
            client=c,
            timeout=settings.OPENALEX_TIMEOUT,
            params=params,
            sleep=sleep,
        )
    return parse_page(http.json_body(INDEX, response))[:limit]


def parse_page(page: dict[str, Any]) -> list[Record]:
    return [parse_work(work) for work in page.get("results") or [] if work.get("title")]


def parse_work(work: dict[str, Any]) -> Record:
    biblio = work.get("biblio") or {}
    first, last = biblio.get("first_page") or "", biblio.get("last_page") or ""
    pages = first if not last or last == first else f"{first}-{last}"
    primary = work.get("primary_location") or {}
    source = primary.get("source") or {}
    best_oa = work.get("best_oa_location") or {}
    doi = normalise_doi(work.get("doi"))
    oa_url = best_oa.get("pdf_url") or (work.get("open_access") or {}).get("oa_url") or ""
    authors = tuple(
        name
        for authorship in work.get("authorships") or []
        if (name := csl_name((authorship.get("author") or {}).get("display_name") or ""))
    )
    return Record(
        index=INDEX,
        index_id=str(work.get("id", "")).rsplit("/", 1)[-1],
        title=strip_markup(work.get("title") or work.get("display_name") or ""),
        authors=authors,
        year=work.get("publication_year"),
        doi=doi,
        container=source.get("display_name") or "",
        volume=biblio.get("volume") or "",
        issue=biblio.get("issue") or "",
        pages=pages,
        url=f"https://doi.org/{doi}" if doi else primary.get("landing_page_url") or "",
        oa_url=oa_url,
        abstract=abstract_from_inverted_index(work.get("abstract_inverted_index")),
        citation_count=work.get("cited_by_count"),
        is_retracted=bool(work.get("is_retracted")),
        csl_type=_CSL_TYPES.get(work.get("type") or "", "article-journal"),
    )


def abstract_from_inverted_index(index: dict[str, list[int]] | None) -> str:
    """OpenAlex ships abstracts as {word: [positions]} (for licensing reasons): put words back."""
    if not index:
        return ""
    positioned = sorted((pos, word) for word, positions in index.items() for pos in positions)
    return " ".join(word for _, word in positioned)
