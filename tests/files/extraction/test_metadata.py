"""Honest metadata: a year is the one the document states, never the file's own dates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from apps.files.extraction.metadata import dated_line_year, parse_names, stated_year
from apps.pipeline.citing import Citer, Use
from tests.files.builders import PDF_PAGES, make_docx, make_pdf, store_ready

TITLE = PDF_PAGES[0][0]
FILE_DATES = {"/Title": "Algorithmic Triage", "/Author": "Jane Smith"} | {
    "/CreationDate": "D:20230109101500Z",
    "/ModDate": "D:20240301090000Z",
}


def _year(user, pages=None, **kwargs):
    file = store_ready(user, "triage.pdf", make_pdf(pages, **kwargs))
    return file.entries.get().year


def _first_page(*lines: str) -> list[list[str]]:
    return [[TITLE, *lines, *PDF_PAGES[0][1:]], *PDF_PAGES[1:]]


def test_a_pdf_dated_only_by_its_file_dates_has_no_year_and_is_cited_nd(user):
    data = make_pdf(
        metadata=FILE_DATES,
        xmp={"xmp:CreateDate": "2023-01-09T10:15:00Z", "xmp:ModifyDate": "2024-03-01"},
    )
    entry = store_ready(user, "triage.pdf", data).entries.get()
    assert entry.year is None
    citer = Citer(style="apa7", items=[entry.to_csl()])
    assert citer.cite([Use(entry.id.hex, "page", "2")]) == ["(Smith, n.d., p. 2)"]
    assert "(n.d.)" in citer.references([entry.id.hex])[0][1]


def test_a_year_in_the_running_text_is_not_the_works_year(user):
    pages = _first_page("In 2015 few hospitals used algorithmic triage at all.")
    assert _year(user, pages, metadata=FILE_DATES) is None


@pytest.mark.parametrize(
    "line",
    [
        "© 2019 The Authors. Published by Elsevier Ltd.",
        "Copyright (c) 2019 BMJ Publishing Group",
        "Received 3 May 2018; accepted 1 February 2019; published 12 March 2019",
        "First published online: 12 March 2019",
    ],
)
def test_a_copyright_or_published_line_on_the_first_page_gives_the_year(user, line):
    assert _year(user, _first_page(line), metadata=FILE_DATES) == 2019


@pytest.mark.parametrize("line", ["March 2018", "12 March 2018", "March 12, 2018", "2018-03-12"])
def test_a_date_line_under_the_title_gives_the_year(user, line):
    assert _year(user, _first_page(line), metadata=FILE_DATES) == 2018


def test_a_publishers_xmp_publication_date_comes_first(user):
    pages = _first_page("© 2021 The Authors")
    xmp = {"prism:publicationDate": "2020-11-30", "dc:date": "2019-01-01"}
    assert _year(user, pages, metadata=FILE_DATES, xmp=xmp) == 2020


def test_xmp_dc_date_is_used_when_nothing_else_states_a_year(user):
    assert _year(user, metadata=FILE_DATES, xmp={"dc:date": "2017-06-01"}) == 2017


def test_a_docx_year_is_its_date_line_not_the_files_creation_date(user):
    created = datetime(2021, 6, 1, tzinfo=UTC)
    dated = store_ready(user, "a.docx", make_docx(dated="March 2022", created=created))
    assert dated.entries.get().year == 2022
    undated = store_ready(user, "b.docx", make_docx(dated=None, title="Other Notes"))
    assert undated.entries.get().year is None


def test_stated_and_dated_years_ignore_implausible_and_distant_lines():
    assert stated_year("Title\n© 2999 Future Press") is None
    assert dated_line_year("\n".join(["Title", *["Text line."] * 20, "March 2018"])) is None
    assert dated_line_year("Title\nIssued in March 2018 to staff") is None


@pytest.mark.parametrize(
    "raw",
    ["Harbour City Council", "World Health Organization", "Office for National Statistics"],
)
def test_an_organisation_is_one_literal_name_not_a_person(raw):
    assert parse_names(raw) == [{"literal": raw}]


def test_people_are_still_people():
    assert parse_names("Jane Smith; Doe, John") == [
        {"family": "Smith", "given": "Jane"},
        {"family": "Doe", "given": "John"},
    ]
