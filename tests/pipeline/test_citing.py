from __future__ import annotations

import pytest

from apps.pipeline.citing import REFERENCES_HEADING, STYLE_FILES, Citer, Use, audit

ITEMS = [
    {
        "id": "smith",
        "type": "article-journal",
        "title": "Machine learning for emergency triage",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Emergency Medicine",
        "volume": "58",
        "page": "201-210",
        "DOI": "10.1000/jem_58",
    },
    {
        "id": "who",
        "type": "report",
        "title": "Ethics and governance of artificial intelligence for health",
        "author": [{"literal": "World Health Organization"}],
        "issued": {"date-parts": [[2021]]},
        "publisher": "World Health Organization",
    },
]

EXPECTED = {
    "apa7": ("(Smith, 2020, p. 4)", "(World Health Organization, 2021, para. 2)"),
    "harvard": ("(Smith, 2020, p. 4)", "(World Health Organization, 2021, para. 2)"),
    "chicago_author_date": ("(Smith 2020, 4)", "(World Health Organization 2021, para. 2)"),
    "ieee": ("[1, p. 4]", "[2, Para. 2]"),
}


def test_every_style_of_the_spec_has_a_shipped_csl_file():
    assert set(STYLE_FILES) == {"apa7", "harvard", "mla9", "chicago_author_date", "ieee"}
    assert set(REFERENCES_HEADING) == set(STYLE_FILES)


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_in_text_citations_carry_the_locator(style):
    citer = Citer(style=style, items=ITEMS)
    cites = citer.cite([Use("smith", "page", "4"), Use("who", "paragraph", "2")])
    assert tuple(cites) == EXPECTED[style]


def test_mla_cites_author_and_page_without_a_comma_before_the_page():
    cites = Citer(style="mla9", items=ITEMS).cite([Use("smith", "page", "4")])
    assert cites[0].startswith("(Smith")
    assert cites[0].endswith(" 4)")


def test_apa_reference_list_is_alphabetical_markdown_with_italics_and_escapes():
    references = Citer(style="apa7", items=ITEMS).references(["who", "smith"])
    assert [key for key, _ in references] == ["smith", "who"]
    smith = references[0][1]
    assert smith.startswith("Smith, J. (2020). Machine learning for emergency triage.")
    assert "*Journal of Emergency Medicine*, *58*, 201–210." in smith
    assert smith.endswith("https://doi.org/10.1000/jem_58")


def test_ieee_reference_list_follows_citation_order_and_numbers_match():
    citer = Citer(style="ieee", items=ITEMS)
    references = citer.references(["who", "smith"])
    assert [key for key, _ in references] == ["who", "smith"]
    assert references[0][1].startswith("[1] World Health Organization")
    assert citer.cite([Use("who"), Use("smith", "page", "3")]) == ["[1]", "[2, p. 3]"]


def test_same_author_and_year_are_disambiguated_everywhere():
    twin = {**ITEMS[0], "id": "smith_b", "title": "A second paper"}
    cites = Citer(style="apa7", items=[ITEMS[0], twin]).cite(
        [Use("smith", "page", "1"), Use("smith_b", "page", "2")]
    )
    # Suffixes follow the titles' order, as in the reference list ("A second…" first).
    assert cites == ["(Smith, 2020b, p. 1)", "(Smith, 2020a, p. 2)"]


@pytest.mark.parametrize("style", ["apa7", "harvard", "chicago_author_date", "ieee", "mla9"])
def test_audit_maps_citations_to_sources_and_flags_the_rest(style):
    citer = Citer(style=style, items=ITEMS)
    keys = ["smith", "who"]
    cites = citer.cite([Use("smith", "page", "12"), Use("smith"), Use("who", "paragraph", "3")])
    body = f"One “quoted (Jones, 2019) text” {cites[0]}. Again {cites[1]}."
    found = audit(citer=citer, keys=keys, body=body)
    assert found.cited == ["smith"]  # the WHO report is listed but never cited
    assert found.unmatched == []  # a citation inside a quotation is the source's own
    stray = "(Brown, 2018)" if style != "ieee" else "[7]"
    if style != "mla9":
        with_stray = audit(citer=citer, keys=keys, body=body + f" {cites[2]} {stray}")
        assert with_stray.cited == ["smith", "who"]
        assert with_stray.unmatched == [stray]
