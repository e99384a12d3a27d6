"""The cache is the real Redis of the test settings (REDIS_URL), cleared around each test."""

from __future__ import annotations

import httpx
import pytest
from django.core.cache import cache

from apps.scholarly import cache as scholarly_cache
from apps.scholarly import crossref
from apps.scholarly.services import scholarly_search
from apps.scholarly.verify import crossref_work
from tests.scholarly.conftest import (
    ARXIV,
    CROSSREF,
    crossref_registers_nothing,
    fixture_bytes,
    fixture_json,
)


@pytest.fixture
def cached(scholarly):
    scholarly.SCHOLARLY_CACHE_SECONDS = 600
    scholarly.SCHOLARLY_INDEXES = ["arxiv"]
    cache.clear()
    yield scholarly
    cache.clear()


def _serve_arxiv(indexes):
    crossref_registers_nothing(indexes)
    return indexes.get(f"{ARXIV}/query").respond(
        content=fixture_bytes("arxiv_query_testing.xml"),
        headers={"content-type": "application/atom+xml"},
    )


def test_a_second_identical_search_makes_no_http_call(cached, indexes):
    route = _serve_arxiv(indexes)
    first = scholarly_search(queries=["software testing"], limit=3)
    calls = len(indexes.calls)  # the search, and Crossref asked about each DOI
    second = scholarly_search(queries=["software testing"], limit=3)
    assert route.call_count == 1
    assert len(indexes.calls) == calls  # nothing at all the second time
    assert first.records
    assert [r.key for r in second.records] == [r.key for r in first.records]
    assert second.records == first.records


def test_another_query_or_limit_is_asked_for(cached, indexes):
    route = _serve_arxiv(indexes)
    scholarly_search(queries=["software testing"], limit=3)
    scholarly_search(queries=["software testing"], limit=4)
    scholarly_search(queries=["fuzzing"], limit=3)
    assert route.call_count == 3


def test_zero_seconds_turns_the_cache_off(cached, indexes):
    cached.SCHOLARLY_CACHE_SECONDS = 0
    route = _serve_arxiv(indexes)
    scholarly_search(queries=["software testing"], limit=3)
    scholarly_search(queries=["software testing"], limit=3)
    assert route.call_count == 2


def test_a_failure_is_not_cached(cached, indexes):
    crossref_registers_nothing(indexes)
    route = indexes.get(f"{ARXIV}/query").mock(
        side_effect=[
            httpx.ConnectError("[Errno 111] Connection refused"),
            httpx.Response(200, content=fixture_bytes("arxiv_query_testing.xml")),
        ]
    )
    assert scholarly_search(queries=["software testing"], limit=3).offline
    assert not scholarly_search(queries=["software testing"], limit=3).offline
    assert route.call_count == 2


def test_crossrefs_answer_for_a_doi_is_cached_even_when_it_is_not_found(cached, indexes):
    found = indexes.get(f"{CROSSREF}/works/10.1371/journal.pone.0033693").respond(
        json=fixture_json("crossref_work_pone.0033693.json")
    )
    missing = indexes.get(f"{CROSSREF}/works/10.48550/arxiv.2503.23674").respond(
        404, content=fixture_bytes("crossref_work_not_found.txt")
    )
    for _ in range(2):
        found_record = crossref_work("10.1371/journal.pone.0033693")
        assert found_record is not None
        assert found_record.year == 2012
        assert crossref_work("10.48550/arxiv.2503.23674") is None
    assert (found.call_count, missing.call_count) == (1, 1)


def test_an_unreachable_cache_falls_back_to_the_index(cached, indexes, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)  # the same cache apps.scholarly.cache uses
    monkeypatch.setattr(cache, "set", broken)
    route = indexes.get(f"{CROSSREF}/works").respond(
        json=fixture_json("crossref_works_query_ecology.json")
    )
    records = scholarly_cache.cached_search(
        "crossref", "ecology", 2, lambda: crossref.search("ecology", limit=2)
    )
    assert len(records) == 2
    assert route.call_count == 1
