from __future__ import annotations

import httpx

from apps.scholarly import openalex
from apps.scholarly.openalex import abstract_from_inverted_index
from tests.scholarly.conftest import OPENALEX, fixture_json


def test_a_works_page_parses_into_records(scholarly):
    [record] = openalex.parse_page(fixture_json("openalex_works_search_state_of_oa.json"))
    assert record.index == "openalex"
    assert record.index_id == "W2741809807"
    assert record.doi == "10.7717/peerj.4375"
    assert record.title.startswith("The state of OA: a large-scale analysis")
    assert record.authors[0] == {"family": "Piwowar", "given": "Heather"}
    assert len(record.authors) == 9
    assert (record.year, record.container, record.volume, record.pages) == (
        2018,
        "PeerJ",
        "6",
        "e4375",
    )
    assert record.oa_url == "https://peerj.com/articles/4375.pdf"
    assert record.citation_count == 962
    assert record.is_retracted is False
    assert record.csl["type"] == "article-journal"


def test_the_abstract_is_rebuilt_from_the_inverted_index(scholarly):
    [record] = openalex.parse_page(fixture_json("openalex_works_search_state_of_oa.json"))
    assert record.abstract.startswith(
        "Despite growing interest in Open Access (OA) to scholarly literature"
    )
    assert record.abstract.endswith("as a way to inform OA policy and practice.")
    assert abstract_from_inverted_index({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert abstract_from_inverted_index(None) == ""


def test_is_retracted_is_read(scholarly):
    [record] = openalex.parse_page(fixture_json("openalex_works_search_retracted.json"))
    assert record.is_retracted is True


def test_search_asks_for_works_with_key_and_mailto(scholarly, indexes):
    scholarly.OPENALEX_API_KEY = "oa-test-key"
    route = indexes.get(f"{OPENALEX}/works").respond(
        json=fixture_json("openalex_works_search_state_of_oa.json")
    )
    records = openalex.search("open access prevalence", limit=5)
    assert [r.index_id for r in records] == ["W2741809807"]
    params = route.calls.last.request.url.params
    assert params["search"] == "open access prevalence"
    assert params["per-page"] == "5"
    assert params["api_key"] == "oa-test-key"
    assert params["mailto"] == "research@example.org"
    assert "abstract_inverted_index" in params["select"]
    assert "mailto:research@example.org" in route.calls.last.request.headers["user-agent"]


def test_search_uses_the_callers_client(scholarly, indexes):
    indexes.get(f"{OPENALEX}/works").respond(
        json=fixture_json("openalex_works_search_state_of_oa.json")
    )
    with httpx.Client() as client:
        assert len(openalex.search("open access", limit=1, client=client)) == 1
        assert not client.is_closed
