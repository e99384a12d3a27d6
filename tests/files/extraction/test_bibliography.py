"""BibTeX fields mapped to the CSL variables they mean, by entry type."""

from __future__ import annotations

from apps.files.models import LibraryEntry
from apps.pipeline.citing import Citer
from tests.files.builders import store_ready

RECORDS = r"""
@article{kim2020, author = {Kim, Jae-woo}, title = {Urban Heat}, journal = {Climate},
  year = {2020}, volume = {5}, number = {2}, pages = {1--10}}
@techreport{lee2019, author = {Lee, Ann}, title = {Heat Action Plans}, institution = {MIT},
  year = {2019}, number = {TR-42}, type = {Technical Report}}
@phdthesis{roe2018, author = {Roe, Bo}, title = {Shade}, school = {UCL}, year = {2018},
  number = {7}}
@book{poe2017, author = {Poe, Cy}, title = {Cities}, publisher = {Verso}, year = {2017},
  series = {Urban Studies}, number = {12}}
"""


def _entry(user, key: str) -> LibraryEntry:
    return LibraryEntry.objects.get(owner=user, citation_key=key)


def test_bibtex_number_is_an_issue_only_for_an_article(user):
    store_ready(user, "refs.bib", RECORDS.encode())
    article = _entry(user, "kim2020").extra
    assert (article["issue"], "number" in article) == ("2", False)
    report = _entry(user, "lee2019").extra
    assert (report["number"], report["genre"], "issue" in report) == (
        "TR-42",
        "Technical Report",
        False,
    )
    thesis = _entry(user, "roe2018").extra
    assert (thesis["number"], thesis["genre"], "issue" in thesis) == ("7", "PhD thesis", False)
    book = _entry(user, "poe2017").extra
    assert (book["collection-number"], book["collection-title"]) == ("12", "Urban Studies")


def test_a_reports_number_reaches_its_reference_as_a_report_number(user):
    store_ready(user, "refs.bib", RECORDS.encode())
    report = _entry(user, "lee2019")
    (entry,) = Citer(style="apa7", items=[report.to_csl()]).references([report.id.hex])
    assert entry[1] == "Lee, A. (2019). *Heat action plans* (Technical Report TR-42). MIT."
