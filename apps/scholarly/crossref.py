"""Crossref REST API: bibliographic search, and one work by DOI for verification
(https://api.crossref.org/swagger-ui/index.html)."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings

from apps.scholarly import http
from apps.scholarly.records import Record, normalise_doi, strip_markup

INDEX = "crossref"
# Update types that mean "do not cite this": Crossref's vocabulary for retractions and removals.
# A correction or an erratum does not withdraw the work.
RETRACTING_UPDATES = {"retraction", "withdrawal", "removal", "partial_retraction"}
_JATS_HEADING = re.compile(r"<jats:title>.*?</jats:title>", re.IGNORECASE | re.DOTALL)
_RETRACTED_TITLE = re.compile(r"^\s*(retracted|retraction|withdrawn)\b", re.IGNORECASE)
_CSL_TYPES = {"posted-content": "article", "proceedings-article": "paper-conference"}


def search(
    query: str,
    *,
    limit: int,
    client: httpx.Client | None = None,
    sleep: http.Sleep = time.sleep,
) -> list[Record]:
    params: dict[str, str | int] = {"query.bibliographic": query, "rows": limit}
    if settings.CONTACT_EMAIL:
        params["mailto"] = settings.CONTACT_EMAIL  # Crossref's "polite pool"
    with http.client_for(client) as c:
        response = http.get(
            INDEX,
            f"{settings.CROSSREF_URL.rstrip('/')}/works",
            client=c,
            timeout=settings.CROSSREF_TIMEOUT,
            params=params,
            sleep=sleep,
        )
    message = http.json_body(INDEX, response).get("message") or {}
    return [parse_work(item) for item in message.get("items") or [] if item.get("title")][:limit]


def work(
    doi: str, *, client: httpx.Client | None = None, sleep: http.Sleep = time.sleep
) -> Record | None:
    """Crossref's record for `doi`, or None when Crossref does not register it (a 404: e.g.
    arXiv's and Zenodo's DataCite DOIs). Raises IndexUnavailable when Crossref cannot answer."""
    params: dict[str, str | int] = {}
    if settings.CONTACT_EMAIL:
        params["mailto"] = settings.CONTACT_EMAIL
    with http.client_for(client) as c:
        response = http.get(
            INDEX,
            f"{settings.CROSSREF_URL.rstrip('/')}/works/{quote(doi, safe='/:;()')}",
            client=c,
            timeout=settings.CROSSREF_TIMEOUT,
            params=params,
            allow=frozenset({404}),
            sleep=sleep,
        )
    if response.status_code == 404:
        return None
    message = http.json_body(INDEX, response).get("message")
    return parse_work(message) if message else None


def parse_work(item: dict[str, Any]) -> Record:
    doi = normalise_doi(item.get("DOI"))
    title = strip_markup(_first(item.get("title")))
    container = strip_markup(_first(item.get("container-title")))
    if not container and item.get("type") == "posted-content":
        container = str(item.get("publisher") or "")  # a preprint server, e.g. bioRxiv's CSHL
    return Record(
        index=INDEX,
        index_id=doi or "",
        title=title,
        authors=tuple(_author(a) for a in item.get("author") or [] if _author(a)),
        year=_year(item),
        doi=doi,
        container=container,
        volume=str(item.get("volume") or ""),
        issue=str(item.get("issue") or ""),
        pages=str(item.get("page") or ""),
        url=f"https://doi.org/{doi}" if doi else item.get("URL", ""),
        abstract=strip_jats(item.get("abstract") or ""),
        citation_count=item.get("is-referenced-by-count"),
        is_retracted=is_retracted(item),
        csl_type=_CSL_TYPES.get(item.get("type") or "", "article-journal"),
    )


def is_retracted(item: dict[str, Any]) -> bool:
    """Retracted: an `updated-by` notice of a retracting type. A record that is itself a
    retraction notice (`update-to` one) is no source either, nor is a title marked RETRACTED."""
    for relation in ("updated-by", "update-to"):
        for update in item.get(relation) or []:
            if str(update.get("type", "")).lower() in RETRACTING_UPDATES:
                return True
    return bool(_RETRACTED_TITLE.match(_first(item.get("title"))))


def strip_jats(abstract: str) -> str:
    """Crossref abstracts are JATS XML fragments (`<jats:title>Abstract</jats:title><jats:p>`):
    the heading is dropped and the tags removed."""
    return strip_markup(_JATS_HEADING.sub(" ", abstract))


def _first(values: Any) -> str:
    if isinstance(values, list):
        return str(values[0]) if values else ""
    return str(values or "")


def _author(author: dict[str, Any]) -> dict[str, str]:
    if author.get("family"):
        name = {"family": str(author["family"]).strip()}
        if author.get("given"):
            name["given"] = str(author["given"]).strip()
        return name
    if author.get("name"):  # organisations and consortia
        return {"literal": str(author["name"]).strip()}
    return {}


def _year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (item.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None
