from __future__ import annotations

import pytest

from apps.scholarly.records import (
    Record,
    Verification,
    csl_name,
    normalise_doi,
    normalise_title,
    strip_markup,
)


@pytest.mark.parametrize(
    "raw",
    ["https://doi.org/10.7717/PeerJ.4375", "doi:10.7717/peerj.4375", " 10.7717/peerj.4375. "],
)
def test_a_doi_in_any_spelling_normalises_to_one_form(raw):
    assert normalise_doi(raw) == "10.7717/peerj.4375"


def test_something_that_is_not_a_doi_is_none():
    assert normalise_doi("https://example.org/paper") is None
    assert normalise_doi("") is None


@pytest.mark.parametrize(
    ("display", "name"),
    [
        ("Heather Piwowar", {"family": "Piwowar", "given": "Heather"}),
        ("Jevin D. West", {"family": "West", "given": "Jevin D."}),
        ("Adrian Del Maestro", {"family": "Del Maestro", "given": "Adrian"}),
        ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
        ("Cruz, Vicente de la", {"family": "Cruz", "given": "Vicente de la"}),
        ("Plato", {"family": "Plato"}),
    ],
)
def test_display_names_become_csl_names(display, name):
    assert csl_name(display) == name


def test_titles_compare_without_case_accents_markup_or_punctuation():
    assert normalise_title("<scp>T</scp>reebase: an <i>R</i> Package") == normalise_title(
        "treebase — an r package"
    )
    assert normalise_title("Ramírez’s Café") == "ramirez s cafe"


def test_an_inline_word_glued_between_two_words_gets_its_spaces_back():
    # As Crossref has this Wiley title (tests/scholarly/fixtures/crossref_works_query_boettiger).
    title = "<scp>T</scp>reebase: an<scp>R</scp>package for discovery"
    assert strip_markup(title) == "Treebase: an R package for discovery"
    assert strip_markup("an <i>R</i> package, <i>in vitro</i>") == "an R package, in vitro"


def test_the_key_is_the_doi_when_there_is_one_whatever_the_index():
    a = Record(index="openalex", index_id="W1", title="A", doi="10.1/x", year=2020)
    b = Record(index="crossref", index_id="10.1/x", title="A (preprint)", doi="10.1/x")
    assert a.key == b.key
    c = Record(index="arxiv", index_id="1", title="A", authors=({"family": "Ng"},), year=2020)
    d = Record(
        index="semantic_scholar", index_id="2", title="a.", authors=({"family": "NG"},), year=2020
    )
    assert c.key == d.key != a.key


def test_csl_json_carries_the_full_metadata():
    record = Record(
        index="openalex",
        index_id="W2741809807",
        title="The state of OA",
        authors=({"family": "Piwowar", "given": "Heather"},),
        year=2018,
        doi="10.7717/peerj.4375",
        container="PeerJ",
        volume="6",
        pages="e4375",
    )
    assert record.csl == {
        "id": record.key,
        "type": "article-journal",
        "title": "The state of OA",
        "author": [{"family": "Piwowar", "given": "Heather"}],
        "issued": {"date-parts": [[2018]]},
        "container-title": "PeerJ",
        "volume": "6",
        "page": "e4375",
        "DOI": "10.7717/peerj.4375",
        "URL": "https://doi.org/10.7717/peerj.4375",
    }


def test_a_preprint_is_cited_as_an_arxiv_preprint():
    record = Record(
        index="arxiv", index_id="2202.12139", title="T", csl_type="article", arxiv_id="2202.12139"
    )
    assert record.csl["publisher"] == "arXiv"
    assert record.csl["number"] == "arXiv:2202.12139"
    assert "container-title" not in record.csl


@pytest.mark.parametrize(
    ("title", "csl_title"),
    [
        ("Turing-Type Catalysts for Water Splitting.", "Turing-Type Catalysts for Water Splitting"),
        ("Heat in the U.S.", "Heat in the U.S."),
        ("Does shade help?", "Does shade help?"),
    ],
)
def test_a_title_is_given_to_the_styles_without_a_final_stop(title, csl_title):
    assert Record(index="crossref", index_id="1", title=title).csl["title"] == csl_title


def test_a_preprints_server_is_its_publisher_not_a_container():
    record = Record(
        index="crossref",
        index_id="10.1101/055319",
        title="T",
        csl_type="article",
        container="openRxiv",
    )
    assert record.csl["publisher"] == "openRxiv"
    assert "container-title" not in record.csl


def test_a_record_survives_the_round_trip_through_a_dict():
    record = Record(
        index="arxiv",
        index_id="1",
        title="T",
        authors=({"family": "Ng"},),
        found_in=("arxiv", "semantic_scholar"),
        verification=Verification.MISMATCH,
    )
    assert Record.from_dict(record.to_dict()) == record


def test_only_verified_and_unverified_records_are_citable():
    assert {v for v in Verification if v.citable} == {
        Verification.VERIFIED,
        Verification.UNVERIFIED,
    }
