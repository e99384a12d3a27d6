"""Scholarly search tests: the four indexes answered at the HTTP layer (respx) with the recorded
bodies in fixtures/ (see fixtures/README.md for where each came from)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx

FIXTURES = Path(__file__).parent / "fixtures"
OPENALEX = "https://api.openalex.org"
CROSSREF = "https://api.crossref.org"
ARXIV = "https://export.arxiv.org/api"
S2 = "https://api.semanticscholar.org/graph/v1"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@pytest.fixture
def scholarly(settings):
    """Scholarly search on, pointed at the public URLs (which respx answers), with no cache
    unless a test turns it on."""
    settings.SCHOLARLY_SEARCH = True
    settings.SCHOLARLY_INDEXES = ["openalex", "crossref", "arxiv", "semantic_scholar"]
    settings.CONTACT_EMAIL = "research@example.org"
    settings.OPENALEX_API_KEY = ""
    settings.SEMANTIC_SCHOLAR_API_KEY = ""
    settings.OPENALEX_URL = OPENALEX
    settings.CROSSREF_URL = CROSSREF
    settings.ARXIV_URL = ARXIV
    settings.SEMANTIC_SCHOLAR_URL = S2
    settings.SCHOLARLY_RETRIES = 2
    settings.SCHOLARLY_MAX_RETRY_WAIT = 20
    settings.SCHOLARLY_TOTAL_SECONDS = 30
    settings.SCHOLARLY_CACHE_SECONDS = 0
    return settings


@pytest.fixture
def indexes() -> Iterator[respx.MockRouter]:
    """Any request no route matches fails the test: nothing reaches the network."""
    with respx.mock(assert_all_called=False) as router:
        yield router


class Sleeps:
    """An injectable `sleep` that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def crossref_registers_nothing(router: respx.MockRouter) -> respx.Route:
    """Crossref answers every DOI lookup with its recorded 404: records stay unverified (or
    verify against arXiv), so a test about something else need not serve each DOI."""
    return router.get(url__startswith=f"{CROSSREF}/works/").respond(
        404,
        content=fixture_bytes("crossref_work_not_found.txt"),
        headers={"content-type": "text/plain"},
    )


@pytest.fixture
def four_indexes(scholarly, indexes):
    """All four indexes answer with their recorded bodies; Crossref registers no other DOI."""
    routes = {
        "openalex": indexes.get(f"{OPENALEX}/works").respond(
            json=fixture_json("openalex_works_search_state_of_oa.json")
        ),
        "crossref": indexes.get(f"{CROSSREF}/works").respond(
            json=fixture_json("crossref_works_query_boettiger.json")
        ),
        "arxiv": indexes.get(f"{ARXIV}/query").respond(
            content=fixture_bytes("arxiv_query_testing.xml"),
            headers={"content-type": "application/atom+xml"},
        ),
        "semantic_scholar": indexes.get(f"{S2}/paper/search").respond(
            json=fixture_json("semantic_scholar_paper_search_turing.json")
        ),
    }
    routes["crossref_dois"] = crossref_registers_nothing(indexes)
    return routes
