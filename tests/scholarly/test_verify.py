from __future__ import annotations

import dataclasses
import threading
import time

import httpx

from apps.scholarly import arxiv, crossref, openalex, semantic_scholar
from apps.scholarly.records import Record, Verification
from apps.scholarly.verify import verify_records
from tests.scholarly.conftest import CROSSREF, fixture_bytes, fixture_json

PONE = "10.1371/journal.pone.0033693"


def _pone_as_another_index_reports_it() -> Record:
    """The Crossref work as another index would report it: its own casing and punctuation, the
    online year off by one, fewer fields."""
    registered = crossref.parse_work(fixture_json("crossref_work_pone.0033693.json")["message"])
    assert registered.year is not None
    return Record(
        index="openalex",
        index_id="W0",
        title=(
            "Methylphenidate exposure induces dopamine neuron loss and activation of microglia in "
            "the basal ganglia of mice."
        ),
        authors=({"family": "Sadasivan", "given": "S."},),
        year=registered.year + 1,
        doi=PONE,
    )


def _serve_pone(indexes, name="crossref_work_pone.0033693.json"):
    return indexes.get(f"{CROSSREF}/works/{PONE}").respond(json=fixture_json(name))


def test_a_record_matching_crossref_is_verified_and_takes_its_missing_metadata(scholarly, indexes):
    _serve_pone(indexes)
    [record] = verify_records([_pone_as_another_index_reports_it()])
    assert record.verification is Verification.VERIFIED
    assert record.citable
    assert (record.container, record.volume, record.issue, record.pages) == (
        "PLoS ONE",
        "7",
        "3",
        "e33693",
    )


def test_a_doi_whose_crossref_record_has_another_title_is_a_mismatch(scholarly, indexes):
    # OpenAlex's "state of OA" record, but the DOI it names answers with another work.
    state_of_oa = openalex.parse_page(fixture_json("openalex_works_search_state_of_oa.json"))[0]
    indexes.get(f"{CROSSREF}/works/10.7717/peerj.4375").respond(
        json=fixture_json("crossref_work_pone.0033693.json")
    )
    [record] = verify_records([state_of_oa])
    assert record.verification is Verification.MISMATCH
    assert not record.citable
    assert "another title" in record.verification_note
    assert "another first author (Sadasivan)" in record.verification_note


def test_another_year_or_first_author_is_a_mismatch(scholarly, indexes):
    _serve_pone(indexes)
    good = _pone_as_another_index_reports_it()
    wrong_year = dataclasses.replace(good, year=2001)
    wrong_author = dataclasses.replace(good, authors=({"family": "Smith", "given": "A."},))
    checked = verify_records([wrong_year, wrong_author])
    assert [r.verification for r in checked] == [Verification.MISMATCH, Verification.MISMATCH]
    assert "another year (2012)" in checked[0].verification_note
    assert "another first author" in checked[1].verification_note


def test_a_work_crossref_lists_as_retracted_is_retracted(scholarly, indexes):
    _serve_pone(indexes, "crossref_work_pone.0033693_retracted.json")
    [record] = verify_records([_pone_as_another_index_reports_it()])
    assert record.verification is Verification.RETRACTED
    assert not record.citable
    assert "retraction" in record.verification_note


def test_a_work_its_index_marks_retracted_is_retracted_without_asking_crossref(scholarly, indexes):
    retracted = openalex.parse_page(fixture_json("openalex_works_search_retracted.json"))[0]
    [record] = verify_records([retracted])  # no route: a request would fail the test
    assert record.verification is Verification.RETRACTED


def test_an_arxiv_doi_crossref_does_not_register_is_checked_against_arxiv(scholarly, indexes):
    llm = next(
        r
        for r in (
            semantic_scholar.parse_paper(p)
            for p in fixture_json("semantic_scholar_paper_search_turing.json")["data"]
        )
        if r.arxiv_id == "2503.23674"
    )
    indexes.get(f"{CROSSREF}/works/10.48550/arxiv.2503.23674").respond(
        404,
        content=fixture_bytes("crossref_work_not_found.txt"),
        headers={"content-type": "text/plain"},
    )
    [record] = verify_records([llm])
    assert record.verification is Verification.VERIFIED
    assert record.verification_note == "arXiv DOI matches its arXiv record"
    [wrong] = verify_records([dataclasses.replace(llm, arxiv_id="2201.11990")])
    assert wrong.verification is Verification.MISMATCH


def test_another_unregistered_doi_stays_unverified(scholarly, indexes):
    indexes.get(f"{CROSSREF}/works/10.5281/zenodo.1").respond(
        404, content=fixture_bytes("crossref_work_not_found.txt")
    )
    [record] = verify_records(
        [Record(index="openalex", index_id="W1", title="Data", doi="10.5281/zenodo.1")]
    )
    assert record.verification is Verification.UNVERIFIED
    assert record.citable
    assert "not registered with Crossref" in record.verification_note


def test_a_record_without_a_doi_is_unverified_and_citable(scholarly):
    [record] = verify_records([Record(index="arxiv", index_id="1", title="T")])
    assert (record.verification, record.citable) == (Verification.UNVERIFIED, True)


def test_crossref_down_leaves_records_unverified_after_one_try(scholarly, indexes):
    route = indexes.get(url__startswith=f"{CROSSREF}/works/").mock(
        side_effect=httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
    )
    records = [
        dataclasses.replace(_pone_as_another_index_reports_it(), doi=f"10.1/{i}") for i in range(3)
    ]
    checked = verify_records(records)
    assert route.call_count == 1
    assert {r.verification for r in checked} == {Verification.UNVERIFIED}
    assert (
        checked[2].verification_note
        == "not checked: Crossref unavailable (could not reach api.crossref.org: DNS lookup failed)"
    )


def test_crossref_records_already_in_hand_are_not_fetched_again(scholarly, indexes):
    registered = crossref.parse_work(fixture_json("crossref_work_pone.0033693.json")["message"])
    [record] = verify_records([_pone_as_another_index_reports_it()], known={PONE: registered})
    assert record.verification is Verification.VERIFIED


def test_a_preprint_whose_journal_doi_verifies_is_cited_as_the_journal_article(scholarly):
    [preprint] = arxiv.parse_feed(fixture_bytes("arxiv_query_checkerboard.xml"))
    assert preprint.doi == "10.1103/physrevb.74.024520"
    # Crossref's record for that DOI, as crossref.parse_work would give it (test data).
    journal = Record(
        index="crossref",
        index_id=preprint.doi,
        title=preprint.title,
        authors=preprint.authors,
        year=2006,
        doi=preprint.doi,
        container="Physical Review B",
        volume="74",
        issue="2",
        pages="024520",
    )
    [record] = verify_records([preprint], known={preprint.doi: journal})
    assert record.verification is Verification.VERIFIED
    assert record.csl["type"] == "article-journal"
    assert record.csl["container-title"] == "Physical Review B"
    assert (record.volume, record.issue, record.pages) == ("74", "2", "024520")
    assert "publisher" not in record.csl
    assert record.oa_url == "https://arxiv.org/pdf/cond-mat/0603029v1"  # the free copy stays


def _in_flight_recorder(answer):
    """A Crossref that notes how many lookups it is serving at once."""
    lock = threading.Lock()
    state = {"now": 0, "most": 0, "calls": 0}

    def serve(request: httpx.Request) -> httpx.Response:
        with lock:
            state["now"] += 1
            state["calls"] += 1
            state["most"] = max(state["most"], state["now"])
        try:
            time.sleep(0.05)  # a round trip, long enough for the others to arrive
            return answer(request)
        finally:
            with lock:
                state["now"] -= 1

    return serve, state


def _unregistered(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, text="Resource not found.")


def test_lookups_run_three_at_a_time_in_crossrefs_polite_pool(scholarly, indexes, settings):
    serve, seen = _in_flight_recorder(_unregistered)
    indexes.get(url__startswith=f"{CROSSREF}/works/").mock(side_effect=serve)
    records = [
        dataclasses.replace(_pone_as_another_index_reports_it(), doi=f"10.1/{i}") for i in range(7)
    ]
    checked = verify_records(records)
    assert seen["calls"] == 7
    assert seen["most"] == 3  # never more than Crossref allows a polite client
    assert [r.doi for r in checked] == [r.doi for r in records]  # in the order given
    assert [r.verification_note for r in checked] == [
        f"{r.doi} is not registered with Crossref" for r in records
    ]


def test_lookups_run_one_at_a_time_in_the_public_pool(scholarly, indexes, settings):
    settings.CONTACT_EMAIL = ""
    serve, seen = _in_flight_recorder(_unregistered)
    indexes.get(url__startswith=f"{CROSSREF}/works/").mock(side_effect=serve)
    records = [
        dataclasses.replace(_pone_as_another_index_reports_it(), doi=f"10.1/{i}") for i in range(4)
    ]
    verify_records(records)
    assert (seen["calls"], seen["most"]) == (4, 1)


def test_crossref_failing_midway_leaves_the_rest_unverified_with_the_reason(scholarly, indexes):
    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/10.1/0"):
            return httpx.Response(404, text="Resource not found.")
        raise httpx.ConnectError("[Errno 111] Connection refused")

    indexes.get(url__startswith=f"{CROSSREF}/works/").mock(side_effect=serve)
    records = [
        dataclasses.replace(_pone_as_another_index_reports_it(), doi=f"10.1/{i}") for i in range(5)
    ]
    checked = verify_records(records)
    assert checked[0].verification_note == "10.1/0 is not registered with Crossref"
    assert {r.verification for r in checked[1:]} == {Verification.UNVERIFIED}
    assert all(
        r.verification_note.startswith("not checked: Crossref unavailable") for r in checked[1:]
    )
