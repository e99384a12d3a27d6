from __future__ import annotations

from apps.pipeline.citing import Citer
from apps.scholarly import semantic_scholar
from tests.scholarly.conftest import S2, fixture_json


def _records():
    data = fixture_json("semantic_scholar_paper_search_turing.json")["data"]
    return [semantic_scholar.parse_paper(paper) for paper in data]


def test_a_paper_search_parses_into_records():
    records = _records()
    assert len(records) == 8
    pnas = records[1]
    assert pnas.title.startswith("A Turing test of whether AI chatbots are behaviorally similar")
    assert pnas.doi == "10.1073/pnas.2313925121"
    assert pnas.authors[0] == {"family": "Mei", "given": "Qiaozhu"}
    assert (pnas.year, pnas.volume, pnas.citation_count) == (2024, "121", 240)
    assert pnas.container.startswith("Proceedings of the National Academy of Sciences")
    assert pnas.oa_url == "https://www.pnas.org/doi/pdf/10.1073/pnas.2313925121"


def test_an_arxiv_paper_carries_its_arxiv_id_and_doi():
    llm = _records()[0]
    assert llm.arxiv_id == "2503.23674"
    assert llm.doi == "10.48550/arxiv.2503.23674"
    assert (llm.container, llm.volume, llm.csl_type) == ("arXiv", "", "article")
    megatron = _records()[3]  # S2 gives no DOI: none is made up
    assert (megatron.doi, megatron.arxiv_id) == (None, "2201.11990")


def test_a_paper_in_a_conferences_proceedings_is_a_conference_paper():
    """S2 types the FAccT paper "JournalArticle" and "Book"; its venue says it is a conference,
    and so must the reference (a journal article with no volume is printed as a preprint)."""
    facct = next(r for r in _records() if r.doi == "10.1145/3715275.3732108")
    assert facct.csl_type == "paper-conference"
    assert facct.container.startswith("Proceedings of the 2025 ACM Conference on Fairness")
    assert _records()[1].csl_type == "article-journal"  # PNAS: a journal
    [(_, harvard)] = Citer(style="harvard", items=[facct.csl]).references([facct.key])
    assert "[Preprint]" not in harvard
    assert "*Proceedings of the 2025 ACM Conference on Fairness" in harvard


def test_pages_lose_their_spaced_dash():
    assert _records()[2].pages == "117-97"


def test_search_sends_fields_and_the_key_only_when_set(scholarly, indexes):
    route = indexes.get(f"{S2}/paper/search").respond(
        json=fixture_json("semantic_scholar_paper_search_turing.json")
    )
    semantic_scholar.search("turing test", limit=4)
    request = route.calls.last.request
    assert "x-api-key" not in request.headers
    assert request.url.params["query"] == "turing test"
    assert request.url.params["limit"] == "4"
    assert "abstract" in request.url.params["fields"].split(",")
    scholarly.SEMANTIC_SCHOLAR_API_KEY = "s2-test-key"
    assert len(semantic_scholar.search("turing test", limit=4)) == 4
    assert route.calls.last.request.headers["x-api-key"] == "s2-test-key"
