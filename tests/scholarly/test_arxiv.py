from __future__ import annotations

import pytest

from apps.scholarly import arxiv
from apps.scholarly.http import IndexUnavailable
from tests.scholarly.conftest import ARXIV, fixture_bytes


def test_an_atom_feed_parses_into_records():
    records = arxiv.parse_feed(fixture_bytes("arxiv_query_testing.xml"))
    assert len(records) == 10
    first = records[0]
    assert first.index_id == "2202.12139"  # version dropped
    assert first.arxiv_id == "2202.12139"
    assert (
        first.title
        == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert first.authors[:2] == (
        {"family": "Ahuja", "given": "Mohit Kumar"},
        {"family": "Gotlieb", "given": "Arnaud"},
    )
    assert first.year == 2022
    assert first.url == "https://arxiv.org/abs/2202.12139"
    assert first.oa_url == "https://arxiv.org/pdf/2202.12139v1"
    assert first.abstract.startswith("Deep Learning (DL) has revolutionized")
    assert first.csl["publisher"] == "arXiv"


def test_the_published_doi_is_kept_and_arxivs_datacite_doi_fills_in():
    records = {r.index_id: r for r in arxiv.parse_feed(fixture_bytes("arxiv_query_testing.xml"))}
    assert records["2202.12139"].doi == "10.1109/icstw55395.2022.00035"
    assert records["1202.4527"].doi == "10.48550/arxiv.1202.4527"


def test_names_arrive_as_utf8():
    records = arxiv.parse_feed(fixture_bytes("arxiv_query_testing.xml"))
    assert {"family": "Ramírez", "given": "Aurora"} in records[1].authors


def test_the_older_atom_layout_parses_too():
    [record] = arxiv.parse_feed(fixture_bytes("arxiv_query_checkerboard.xml"))
    assert record.arxiv_id == "cond-mat/0603029"
    assert record.doi == "10.1103/physrevb.74.024520"
    assert record.authors[0] == {"family": "Del Maestro", "given": "Adrian"}
    assert record.year == 2006


def test_a_document_type_declaration_is_refused():
    with pytest.raises(IndexUnavailable, match="document type"):
        arxiv.parse_feed(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feed/>')


def test_search_asks_for_every_term(scholarly, indexes):
    route = indexes.get(f"{ARXIV}/query").respond(
        content=fixture_bytes("arxiv_query_testing.xml"),
        headers={"content-type": "application/atom+xml"},
    )
    records = arxiv.search("software testing, deep-learning", limit=3)
    assert len(records) == 3
    params = route.calls.last.request.url.params
    assert params["search_query"] == "all:software AND all:testing AND all:deep-learning"
    assert params["max_results"] == "3"
    assert params["sortBy"] == "relevance"
