from __future__ import annotations

import threading

import httpx

from apps.core.metrics import read_back, reset_all
from apps.scholarly.records import Verification
from apps.scholarly.services import IndexReport, scholarly_search
from tests.scholarly.conftest import (
    fixture_bytes,
    fixture_json,
)

QUERIES = ["open access citation advantage", "ecological forecasting uncertainty", "turing test"]


class Progress(list[IndexReport]):
    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def __call__(self, report: IndexReport) -> None:
        self.threads.add(threading.get_ident())
        self.append(report)


def test_every_index_is_searched_reported_merged_ranked_and_verified(four_indexes):
    progress = Progress()
    outcome = scholarly_search(queries=QUERIES, limit=6, on_progress=progress)

    started = [r for r in progress if r.status == "started"]
    finished = [r for r in progress if r.status != "started"]
    assert [r.index for r in started] == ["openalex", "crossref", "arxiv", "semantic_scholar"]
    assert progress.index(started[-1]) < progress.index(finished[0])
    assert {(r.index, r.status, r.sources_found) for r in finished} == {
        ("openalex", "completed", 1),
        ("crossref", "completed", 6),
        ("arxiv", "completed", 6),  # each index is asked for `limit` per query
        ("semantic_scholar", "completed", 6),
    }
    assert all(r.query == " | ".join(QUERIES) for r in progress)
    assert progress.threads == {threading.get_ident()}  # reported from the caller's thread
    order = ["openalex", "crossref", "arxiv", "semantic_scholar"]
    assert outcome.reports == sorted(finished, key=lambda r: order.index(r.index))
    assert outcome.offline is False
    assert outcome.enabled is True

    assert len(outcome.records) == 6
    assert all(r.citable for r in outcome.records)
    assert len({r.key for r in outcome.records}) == 6
    titles = [r.title for r in outcome.records]
    assert any(t.startswith("The state of OA: a large-scale analysis") for t in titles)
    assert any(t.startswith("Limits to ecological forecasting") for t in titles)
    # Crossref's own records verify against themselves, with no lookup.
    forecast = next(r for r in outcome.records if r.index == "crossref")
    assert forecast.verification is Verification.VERIFIED
    # The arXiv preprint's DataCite DOI is not at Crossref; it verifies against its arXiv id.
    # S2 reported the arXiv DataCite DOI with the arXiv id; Crossref does not register it.
    llm = next(r for r in outcome.records if r.arxiv_id == "2503.23674")
    assert (llm.verification, llm.doi) == (Verification.VERIFIED, "10.48550/arxiv.2503.23674")
    # A DOI Crossref does not register and no index vouches for: citable, marked unchecked.
    pnas = next(r for r in outcome.records if r.doi == "10.1073/pnas.2313925121")
    assert pnas.verification is Verification.UNVERIFIED


def test_each_query_is_asked_of_each_index(four_indexes):
    scholarly_search(queries=[*QUERIES, "turing test"], limit=3)  # a repeated query counts once
    searches = {
        name: four_indexes[name] for name in ("openalex", "crossref", "arxiv", "semantic_scholar")
    }
    assert {name: route.call_count for name, route in searches.items()} == {
        "openalex": 3,
        "crossref": 3,
        "arxiv": 3,
        "semantic_scholar": 3,
    }


def test_dns_failure_of_one_index_is_reported_and_the_others_still_answer(four_indexes, indexes):
    four_indexes["openalex"].mock(
        side_effect=httpx.ConnectError("[Errno -2] Name or service not known")
    )
    progress = Progress()
    outcome = scholarly_search(queries=QUERIES, limit=5, on_progress=progress)
    [failed] = [r for r in progress if r.status == "failed"]
    assert failed.index == "openalex"
    assert failed.reason == "could not reach api.openalex.org: DNS lookup failed"
    assert four_indexes["openalex"].call_count == 1  # not asked again for the next query
    assert outcome.offline is False
    # Every work on one of the queries' subjects that the three others returned (five a query).
    assert sorted(r.title[:40] for r in outcome.records) == [
        "A Turing test of whether AI chatbots are",
        "Large Language Models Pass the Turing Te",
        "Limits to ecological forecasting: Estima",
        "Measurement uncertainty matters: ecologi",
    ]
    assert "openalex" not in {i for r in outcome.records for i in r.found_in}


def test_with_no_index_reachable_the_search_is_offline_and_empty(scholarly, indexes):
    indexes.route(host__regex=r".*").mock(
        side_effect=httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
    )
    progress = Progress()
    outcome = scholarly_search(queries=QUERIES, limit=5, on_progress=progress)
    assert outcome.offline is True
    assert outcome.records == []
    assert outcome.rejected == []
    assert [r.status for r in outcome.reports] == ["failed"] * 4
    assert all("DNS lookup failed" in r.reason for r in outcome.reports)


def test_a_timeout_fails_that_index_only(four_indexes, scholarly):
    scholarly.ARXIV_TIMEOUT = 15
    four_indexes["arxiv"].mock(side_effect=httpx.ReadTimeout("timed out"))
    outcome = scholarly_search(queries=QUERIES, limit=4)
    reasons = {r.index: r.reason for r in outcome.reports if r.status == "failed"}
    assert reasons == {"arxiv": "export.arxiv.org timed out after 15 s"}
    assert len(outcome.records) == 4


def test_429_with_retry_after_then_success_waits_and_completes(four_indexes, sleeps):
    # The recorded 429 had no Retry-After; the test adds one.
    four_indexes["semantic_scholar"].mock(
        side_effect=[
            httpx.Response(
                429,
                content=fixture_bytes("semantic_scholar_429.json"),
                headers={"Retry-After": "3"},
            ),
            httpx.Response(200, json=fixture_json("semantic_scholar_paper_search_turing.json")),
        ]
    )
    outcome = scholarly_search(queries=["turing test"], limit=4, sleep=sleeps)
    assert sleeps.waits == [3.0]
    s2 = next(r for r in outcome.reports if r.index == "semantic_scholar")
    assert (s2.status, s2.sources_found) == ("completed", 4)


def test_a_retracted_work_is_rejected_with_its_state_never_among_the_records(four_indexes):
    four_indexes["openalex"].respond(json=fixture_json("openalex_works_search_retracted.json"))
    outcome = scholarly_search(queries=QUERIES, limit=6)
    assert "W2741809807" not in {r.index_id for r in outcome.records}
    [retracted] = [r for r in outcome.rejected if r.index_id == "W2741809807"]
    assert retracted.verification is Verification.RETRACTED


def test_a_doi_whose_crossref_record_is_another_work_is_rejected(four_indexes):
    def registry(request):
        if request.url.path == "/works/10.7717/peerj.4375":  # answers with another work
            return httpx.Response(200, json=fixture_json("crossref_work_pone.0033693.json"))
        return httpx.Response(404, content=fixture_bytes("crossref_work_not_found.txt"))

    four_indexes["crossref_dois"].mock(side_effect=registry)
    outcome = scholarly_search(queries=QUERIES, limit=6)
    assert "10.7717/peerj.4375" not in {r.doi for r in outcome.records}
    [mismatch] = [r for r in outcome.rejected if r.doi == "10.7717/peerj.4375"]
    assert mismatch.verification is Verification.MISMATCH


def test_an_index_that_outlasts_the_time_budget_is_failed_and_abandoned(four_indexes, scholarly):
    scholarly.SCHOLARLY_TOTAL_SECONDS = 0.5
    release = threading.Event()

    def stuck(request):
        release.wait(5)
        return httpx.Response(200, json=fixture_json("semantic_scholar_paper_search_turing.json"))

    four_indexes["semantic_scholar"].mock(side_effect=stuck)
    try:
        outcome = scholarly_search(queries=["turing test"], limit=3)
    finally:
        release.set()
    s2 = next(r for r in outcome.reports if r.index == "semantic_scholar")
    assert (s2.status, s2.reason) == ("failed", "no answer within 0.5 s")
    assert outcome.offline is False


def test_disabled_search_asks_no_index(scholarly, indexes):
    scholarly.SCHOLARLY_SEARCH = False
    outcome = scholarly_search(queries=QUERIES, limit=5)  # any request would fail the test
    assert (outcome.enabled, outcome.offline, outcome.records, outcome.reports) == (
        False,
        True,
        [],
        [],
    )
    assert not indexes.calls


def test_only_the_configured_indexes_are_asked(four_indexes, scholarly):
    scholarly.SCHOLARLY_INDEXES = ["crossref"]
    outcome = scholarly_search(queries=QUERIES, limit=3)
    assert [r.index for r in outcome.reports] == ["crossref"]
    assert four_indexes["openalex"].call_count == 0


def test_each_index_call_is_counted_by_index_and_outcome(four_indexes, scholarly):
    four_indexes["openalex"].mock(
        side_effect=httpx.ConnectError("[Errno -2] Name or service not known")
    )
    scholarly.SCHOLARLY_TOTAL_SECONDS = 0.5
    release = threading.Event()

    def stuck(request):
        release.wait(5)
        return httpx.Response(200, json=fixture_json("semantic_scholar_paper_search_turing.json"))

    four_indexes["semantic_scholar"].mock(side_effect=stuck)
    reset_all()
    try:
        scholarly_search(queries=["turing test"], limit=3)
    finally:
        release.set()
    found = read_back()
    calls = "handywriterz_research_calls_total"
    assert found[(calls, ("openalex", "failed"))] == 1
    assert found[(calls, ("crossref", "completed"))] == 1
    assert found[(calls, ("arxiv", "completed"))] == 1
    assert found[(calls, ("semantic_scholar", "timeout"))] == 1
