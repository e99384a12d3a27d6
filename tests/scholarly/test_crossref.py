from __future__ import annotations

from apps.scholarly import crossref
from tests.scholarly.conftest import CROSSREF, fixture_bytes, fixture_json


def _items(name):
    return fixture_json(name)["message"]["items"]


def test_a_bibliographic_search_parses_into_records(scholarly):
    records = [crossref.parse_work(item) for item in _items("crossref_works_query_boettiger.json")]
    first = records[0]
    assert (first.doi, first.title, first.year) == ("10.1111/ele.14024", "The forecast trap", 2022)
    assert first.authors == ({"family": "Boettiger", "given": "Carl"},)
    assert (first.container, first.volume, first.issue, first.pages) == (
        "Ecology Letters",
        "25",
        "7",
        "1655-1664",
    )
    assert first.citation_count == 26
    assert not any(r.is_retracted for r in records)


def test_jats_abstracts_are_stripped_to_text(scholarly):
    records = [crossref.parse_work(item) for item in _items("crossref_works_query_boettiger.json")]
    assert records[0].abstract.startswith("Encouraged by decision makers’ appetite")
    assert all("<" not in r.abstract and not r.abstract.startswith("Abstract") for r in records)
    # "<scp>T</scp>reebase" in the recorded title is one word again.
    assert records[5].title.startswith("Treebase: an")


def test_a_preprint_takes_its_server_as_container(scholarly):
    records = [crossref.parse_work(item) for item in _items("crossref_works_query_boettiger.json")]
    preprint = next(r for r in records if r.doi == "10.1101/055319")
    assert preprint.csl_type == "article"
    assert preprint.container


def test_search_sends_query_bibliographic_and_mailto(scholarly, indexes):
    route = indexes.get(f"{CROSSREF}/works").respond(
        json=fixture_json("crossref_works_query_ecology.json")
    )
    records = crossref.search("communicating ecology", limit=2)
    assert [r.title for r in records] == ["Communicating Ecology", "Chemical Ecology"]
    params = route.calls.last.request.url.params
    assert params["query.bibliographic"] == "communicating ecology"
    assert params["rows"] == "2"
    assert params["mailto"] == "research@example.org"


def test_work_reads_one_doi(scholarly, indexes):
    indexes.get(f"{CROSSREF}/works/10.1371/journal.pone.0033693").respond(
        json=fixture_json("crossref_work_pone.0033693.json")
    )
    record = crossref.work("10.1371/journal.pone.0033693")
    assert record is not None
    assert record.title.startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert record.authors[0]["family"] == "Sadasivan"
    assert record.year == 2012


def test_a_correction_is_not_a_retraction(scholarly):
    message = fixture_json("crossref_work_pone.0033693.json")["message"]
    assert message["updated-by"][0]["type"] == "correction"
    assert crossref.parse_work(message).is_retracted is False


def test_updated_by_a_retraction_marks_the_work_retracted(scholarly):
    message = fixture_json("crossref_work_pone.0033693_retracted.json")["message"]
    assert crossref.parse_work(message).is_retracted is True


def test_a_retraction_notice_is_no_source_either(scholarly):
    notice = {
        "DOI": "10.1/notice",
        "title": ["Retraction notice"],
        "update-to": [{"DOI": "10.1/x", "type": "retraction"}],
    }
    assert crossref.parse_work(notice).is_retracted is True


def test_a_doi_crossref_does_not_register_is_none(scholarly, indexes):
    indexes.get(f"{CROSSREF}/works/10.48550/arxiv.2503.23674").respond(
        404,
        content=fixture_bytes("crossref_work_not_found.txt"),
        headers={"content-type": "text/plain"},
    )
    assert crossref.work("10.48550/arxiv.2503.23674") is None
