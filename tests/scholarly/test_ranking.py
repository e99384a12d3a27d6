from __future__ import annotations

import dataclasses
import datetime

import pytest

from apps.core.text import search_tokens as tokens
from apps.scholarly import arxiv, crossref, openalex, semantic_scholar
from apps.scholarly.ranking import dedupe, on_subject, rank
from apps.scholarly.records import Record
from tests.scholarly.conftest import fixture_bytes, fixture_json


def _openalex() -> Record:
    return openalex.parse_page(fixture_json("openalex_works_search_state_of_oa.json"))[0]


def _arxiv() -> list[Record]:
    return arxiv.parse_feed(fixture_bytes("arxiv_query_testing.xml"))


def _s2() -> list[Record]:
    return [
        semantic_scholar.parse_paper(p)
        for p in fixture_json("semantic_scholar_paper_search_turing.json")["data"]
    ]


def _crossref() -> list[Record]:
    return [
        crossref.parse_work(i)
        for i in fixture_json("crossref_works_query_boettiger.json")["message"]["items"]
    ]


def test_the_same_doi_from_two_indexes_is_one_work_with_the_richer_metadata():
    rich = _openalex()
    # The same work as a leaner index reports it: DOI in other case, no abstract, no pages, fewer
    # citations (what Crossref answers for a work whose publisher deposits no abstract).
    lean = Record(
        index="crossref",
        index_id="10.7717/PEERJ.4375",
        title=(
            "The state of OA: a large-scale analysis of the prevalence and impact of Open Access "
            "articles"
        ),
        authors=({"family": "Piwowar", "given": "Heather"},),
        year=2018,
        doi="10.7717/peerj.4375",
        container="PeerJ",
        citation_count=1200,
    )
    [merged] = dedupe([lean, rich])
    assert merged.index == "openalex"  # the richer record is the base
    assert merged.found_in == ("crossref", "openalex")
    assert merged.abstract == rich.abstract
    assert merged.pages == "e4375"
    assert merged.citation_count == 1200  # the highest count any index reports


def test_a_preprint_and_its_journal_version_merge_and_the_journal_doi_wins():
    preprint = next(r for r in _s2() if r.arxiv_id == "2503.23674")  # DataCite DOI only
    from_arxiv = Record(
        index="arxiv",
        index_id="2503.23674",
        title=preprint.title,
        authors=preprint.authors,
        year=2025,
        doi="10.1234/journal.version",  # the journal DOI the authors gave arXiv
        arxiv_id="2503.23674",
        abstract=preprint.abstract,
        oa_url="https://arxiv.org/pdf/2503.23674v1",
    )
    [merged] = dedupe([preprint, from_arxiv])
    assert merged.doi == "10.1234/journal.version"
    assert set(merged.found_in) == {"arxiv", "semantic_scholar"}


def test_without_a_shared_doi_title_first_author_and_year_identify_a_work():
    journal = _crossref()[0]  # "The forecast trap", Boettiger, 2022
    twin = Record(
        index="semantic_scholar",
        index_id="s2",
        title="The Forecast Trap.",
        authors=({"family": "Boettiger", "given": "C."},),
        year=2022,
        oa_url="https://example.org/forecast-trap.pdf",
    )
    [merged] = dedupe([journal, twin])
    assert merged.doi == "10.1111/ele.14024"
    assert merged.oa_url == "https://example.org/forecast-trap.pdf"
    other_year = dataclasses.replace(twin, year=2019)
    assert len(dedupe([journal, other_year])) == 2


def test_distinct_works_from_four_indexes_stay_distinct():
    everything = [_openalex(), *_arxiv(), *_s2(), *_crossref()]
    assert len(dedupe(everything)) == len(everything)


def test_retraction_in_any_copy_marks_the_merged_work():
    clean = _openalex()
    retracted = openalex.parse_page(fixture_json("openalex_works_search_retracted.json"))[0]
    [merged] = dedupe(
        [clean, dataclasses.replace(retracted, index="crossref", found_in=("crossref",))]
    )
    assert merged.is_retracted


def test_ranking_puts_the_relevant_work_first_and_drops_the_unrelated():
    records = dedupe([*_arxiv(), *_crossref()])
    ranked = rank(records, queries=["ecological forecasting uncertainty decisions"])
    assert ranked[0].title.startswith("Limits to ecological forecasting: Estimating uncertainty")
    assert ranked[1].title.startswith("Measurement uncertainty matters: ecological management")
    # The software-testing preprints share no word with the request; three more ecology papers
    # share one ("ecological", "decision"): not the request's subject.
    assert len(ranked) == 2
    assert len(rank(records, queries=["software testing"], top=3)) == 3


def test_a_work_sharing_only_a_rare_word_with_the_request_is_not_ranked():
    """Among every recorded answer, Semantic Scholar's for a Turing-test query holds nanotwin
    catalysts ("Turing-type"), the Church-Turing principle and Neural Turing Machines: one or two
    words of the request, not its subject. Recency and citations used to lift them into the
    cited few."""
    records = dedupe([_openalex(), *_arxiv(), *_s2(), *_crossref()])
    prompt = "Large language models and the Turing test"
    titles = [r.title for r in rank(records, queries=[prompt, "large language models Turing test"])]
    assert titles[0] == "Large Language Models Pass the Turing Test"
    assert "People cannot distinguish GPT-4 from a human in a Turing test" in titles
    assert "A Turing test of whether AI chatbots are behaviorally similar to humans" in titles
    for unrelated in ("nanotwin", "Nanonets", "Church–Turing", "Neural Turing Machines"):
        assert not any(unrelated in title for title in titles), unrelated


@pytest.mark.parametrize(
    ("words", "query", "on"),
    [
        ("human judges in a turing test", "large language model turing test", True),  # a pair
        ("large language model benchmark", "large language model turing test", True),  # 3 of 5
        ("large turing catalyst water splitting", "large language model turing test", False),
        ("turing machine", "turing test", False),  # half of two words is not enough
        ("turing test", "turing", True),  # a one-word query: that word
    ],
)
def test_on_subject_takes_a_pair_of_the_querys_words_or_most_of_them(words, query, on):
    assert on_subject(words.split(), query.split()) is on


def test_a_work_on_one_query_of_several_is_ranked_though_the_others_miss_it():
    """A revision asks for a facet of its own: its works match its query, not the topic's."""
    records = dedupe([_openalex(), *_arxiv(), *_s2(), *_crossref()])
    queries = [
        "open access citation advantage",
        "ecological forecasting uncertainty",
        "turing test",
    ]
    titles = [r.title for r in rank(records, queries=queries)]
    assert "Large Language Models Pass the Turing Test" in titles
    assert any(t.startswith("Limits to ecological forecasting") for t in titles)
    assert any(t.startswith("The state of OA") for t in titles)
    # Two words of ten from all three queries would let the Turing-type catalysts in.
    assert not any("nanotwin" in t for t in titles)


def test_citations_and_recency_break_ties_in_relevance():
    year = datetime.date.today().year
    base = Record(
        index="openalex",
        index_id="a",
        title="Coral reef bleaching",
        abstract="",
        year=year - 20,
        citation_count=5,
    )
    cited = dataclasses.replace(base, index_id="b", citation_count=5000)
    recent = dataclasses.replace(base, index_id="c", year=year)
    ranked = rank([base, cited, recent], queries=["coral reef bleaching"])
    assert ranked[-1].index_id == "a"
    assert {ranked[0].index_id, ranked[1].index_id} == {"b", "c"}


def test_tokens_fold_plurals_and_drop_function_words():
    assert tokens("The Studies of Algorithms and the class") == ["study", "algorithm", "class"]
