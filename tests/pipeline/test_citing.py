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
    stray = {"ieee": "[7]", "mla9": "(Brown 18)"}.get(style, "(Brown, 2018)")
    cross_reference = " (Table 2) (Figure 3–4)"  # not citations in any style
    with_stray = audit(citer=citer, keys=keys, body=body + f" {cites[2]} {stray}{cross_reference}")
    assert with_stray.cited == ["smith", "who"]
    assert with_stray.unmatched == [stray]


# Issue 8, "Styles rendered as the styles require": one set of works, every style.
HEAT = {
    "id": "heat",
    "type": "article-journal",
    "title": "The Effects Of Urban Heat: A NASA Study Of Cities",
    "author": [{"family": "Kim", "given": "Jae-woo"}, {"family": "Smith", "given": "Jane Mary"}],
    "issued": {"date-parts": [[2020]]},
    "container-title": "Journal of Urban Climate",
    "volume": "5",
    "issue": "2",
    "page": "321-328",
}
# Same authors, same year: the two must be told apart.
SHADE = {
    "id": "shade",
    "type": "article-journal",
    "title": "Shade and health",
    "author": HEAT["author"],
    "issued": {"date-parts": [[2020]]},
    "container-title": "Journal of Urban Climate",
    "volume": "6",
    "page": "1-10",
}
REPORT = {
    "id": "report",
    "type": "report",
    "title": "Heat action plans",
    "author": [{"family": "Lee", "given": "Ann"}],
    "issued": {"date-parts": [[2019]]},
    "number": "TR-42",
    "publisher": "MIT",
}
WORKS = [HEAT, SHADE, REPORT]
ALL_STYLES = ["apa7", "harvard", "mla9", "chicago_author_date", "ieee"]


def _entries(style: str) -> dict[str, str]:
    return dict(Citer(style=style, items=WORKS).references(["heat", "shade", "report"]))


@pytest.mark.parametrize(
    ("style", "names"),
    [
        ("mla9", "Kim, Jae-woo, and Jane Mary Smith."),
        ("chicago_author_date", "Kim, Jae-woo, and Jane Mary Smith. 2020b."),
    ],
)
def test_mla_and_chicago_spell_given_names_out_in_the_list(style, names):
    entries = _entries(style)
    assert entries["heat"].startswith(names)
    assert entries["report"].startswith("Lee, Ann.")


@pytest.mark.parametrize(
    ("style", "names"),
    [
        ("apa7", "Kim, J.-W., & Smith, J. M. (2020b)."),
        ("harvard", "Kim, J.-W. and Smith, J.M. (2020b)"),
        ("ieee", "[1] J.-W. Kim and J. M. Smith,"),
    ],
)
def test_initialising_styles_initialise_each_part_of_a_hyphenated_given_name(style, names):
    assert _entries(style)["heat"].startswith(names)


@pytest.mark.parametrize(
    ("style", "quoted"),
    [
        ("mla9", "“The Effects of Urban Heat: A NASA Study of Cities.” *Journal"),
        ("chicago_author_date", "“The Effects of Urban Heat: A NASA Study of Cities.” *Journal"),
        # IEEE and Cite Them Right set an article's title in sentence case.
        ("ieee", "“The effects of urban heat: A NASA study of cities,” *Journal"),
        # Cite Them Right is British: single quotation marks, punctuation outside them.
        ("harvard", "‘The effects of urban heat: A NASA study of cities’, *Journal"),
    ],
)
def test_american_styles_put_periods_and_commas_inside_closing_quotes(style, quoted):
    assert quoted in _entries(style)["heat"]


def test_apa_does_not_quote_article_titles_and_sets_them_in_sentence_case():
    entries = _entries("apa7")
    assert (
        "(2020b). The effects of urban heat: A NASA study of cities. *Journal of Urban "
        in (entries["heat"])
    )
    assert "(2020a). Shade and health. *Journal" in entries["shade"]
    # MLA and Chicago set it in their own title case.
    assert "“The Effects of Urban Heat" in _entries("mla9")["heat"]


def test_apa_keeps_the_capitals_of_names_in_a_title_its_abstract_or_the_word_list_know():
    item = {
        "id": "ahmedabad",
        "type": "article-journal",
        "title": "The Heat Vulnerability Index: Mortality In Ahmedabad And London",
        "author": [{"family": "Patel", "given": "Asha"}],
        "issued": {"date-parts": [[2019]]},
        "container-title": "Journal of Urban Health",
        "abstract": "We built the Heat Vulnerability Index for the wards of Ahmedabad.",
    }
    ((_, entry),) = Citer(style="apa7", items=[item]).references(["ahmedabad"])
    assert (
        "(2019). The heat vulnerability index: Mortality in Ahmedabad and London. "
        "*Journal of Urban Health*." in entry
    )
    ((_, entry),) = Citer(style="apa7", items=[{**item, "abstract": ""}]).references(["ahmedabad"])
    assert "The heat vulnerability index: Mortality in ahmedabad and London." in entry


BOOK = {
    "id": "book",
    "type": "book",
    "title": "Cooling Cities In India",
    "author": [{"family": "Rao", "given": "Meera"}],
    "issued": {"date-parts": [[2018]]},
    "publisher": "Routledge",
}


@pytest.mark.parametrize(
    ("style", "title"),
    [
        ("apa7", "*Cooling cities in India*"),
        ("harvard", "*Cooling cities in India*"),
        # IEEE quotes an article's title in sentence case; a book's stays in title case.
        ("ieee", "*Cooling Cities In India*"),
        ("chicago_author_date", "*Cooling Cities in India*"),
    ],
)
def test_a_books_title_is_cased_as_each_style_sets_books(style, title):
    ((_, entry),) = Citer(style=style, items=[BOOK]).references(["book"])
    assert title in entry


PREPRINT = {
    "id": "turing",
    "type": "article",
    "title": "Large Language Models Pass the Turing Test",
    "author": [
        {"family": "Jones", "given": "Cameron R."},
        {"family": "Bergen", "given": "Benjamin K."},
    ],
    "issued": {"date-parts": [[2025]]},
    "publisher": "arXiv",
    "number": "arXiv:2503.23674",
    "DOI": "10.48550/arxiv.2503.23674",
}


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        # As Zotero's APA prints an arXiv preprint: the title in italics, the number as arXiv
        # writes it, the server once.
        (
            "apa7",
            "Jones, C. R., & Bergen, B. K. (2025). *Large language models pass the Turing test* "
            "(arXiv:2503.23674). arXiv. https://doi.org/10.48550/arxiv.2503.23674",
        ),
        # Cite Them Right: the server in italics where a journal would be, then [Preprint].
        (
            "harvard",
            "Jones, C.R. and Bergen, B.K. (2025) ‘Large language models pass the Turing test’, "
            "*arXiv* [Preprint]. Available at: https://doi.org/10.48550/arxiv.2503.23674.",
        ),
        (
            "chicago_author_date",
            "Jones, Cameron R., and Benjamin K. Bergen. 2025. “Large Language Models Pass the "
            "Turing Test.” arXiv:2503.23674. Preprint, arXiv. "
            "https://doi.org/10.48550/arxiv.2503.23674.",
        ),
    ],
)
def test_a_preprint_names_its_server_once_and_keeps_arxivs_spelling(style, expected):
    ((_, entry),) = Citer(style=style, items=[PREPRINT]).references(["turing"])
    assert entry == expected


@pytest.mark.parametrize(
    ("style", "number"),
    [
        ("apa7", "*Heat action plans* (TR-42). MIT."),
        ("harvard", "*Heat action plans*. TR-42. MIT."),
        ("mla9", "*Heat Action Plans*. TR-42, MIT, 2019."),
        ("chicago_author_date", "*Heat Action Plans*. TR-42. MIT."),
        ("ieee", "“Heat action plans,” MIT, TR-42, 2019."),
    ],
)
def test_a_reports_number_is_printed_as_its_report_number(style, number):
    assert number in _entries(style)["report"]


@pytest.mark.parametrize("style", ALL_STYLES)
def test_same_authors_and_year_are_told_apart_alike_in_text_and_list(style):
    citer = Citer(style=style, items=WORKS)
    heat, shade, report = citer.cite([Use("heat", "page", "4"), Use("shade"), Use("report")])
    entries = dict(citer.references(["heat", "shade", "report"]))
    if style == "ieee":
        assert (heat, shade) == ("[1, p. 4]", "[2]")
        assert entries["heat"].startswith("[1] ")
        assert entries["shade"].startswith("[2] ")
    elif style == "mla9":
        # MLA has no year suffixes: the title tells two works by the same authors apart.
        assert heat == "(Kim and Smith, “The Effects of Urban Heat: A NASA Study of Cities” 4)"
        assert shade == "(Kim and Smith, “Shade and Health”)"
    else:
        # Lettered in reference-list order ("Shade…" sorts first), and the same in both.
        assert "2020b" in heat
        assert "2020a" in shade
        assert "2020b" in entries["heat"]
        assert "2020a" in entries["shade"]
        assert "2019a" not in report + entries["report"]
        keys = [key for key, _ in citer.references(["heat", "shade", "report"])]
        assert keys.index("shade") < keys.index("heat")


@pytest.mark.parametrize("style", ALL_STYLES)
def test_a_work_with_no_twin_gets_no_suffix_and_no_title(style):
    (cite,) = Citer(style=style, items=WORKS).cite([Use("report", "page", "2")])
    assert (
        cite
        == {
            "apa7": "(Lee, 2019, p. 2)",
            "harvard": "(Lee, 2019, p. 2)",
            "mla9": "(Lee 2)",
            "chicago_author_date": "(Lee 2019, 2)",
            "ieee": "[1, p. 2]",
        }[style]
    )


def test_mla_in_text_names_the_title_only_when_the_author_has_two_works():
    alone = Citer(style="mla9", items=[HEAT, REPORT]).cite([Use("heat", "page", "4")])
    assert alone == ["(Kim and Smith 4)"]
    both = Citer(style="mla9", items=WORKS).cite([Use("heat", "page", "4")])
    assert both == ["(Kim and Smith, “The Effects of Urban Heat: A NASA Study of Cities” 4)"]


@pytest.mark.parametrize(
    ("style", "pages"),
    [
        ("apa7", ("321–328", "1–10")),  # expanded
        ("mla9", ("pp. 321–28", "pp. 1–10")),  # minimal-two: never "1–0"
        ("chicago_author_date", ("5 (2): 321–28", "6: 1–10")),  # Chicago's own rules
    ],
)
def test_page_ranges_follow_the_styles_page_range_format(style, pages):
    entries = _entries(style)
    assert pages[0] in entries["heat"]
    assert pages[1] in entries["shade"]


@pytest.mark.parametrize("style", ALL_STYLES)
def test_a_title_ending_in_a_question_mark_takes_no_period_after_it(style):
    question = {**SHADE, "id": "q", "title": "Is heat a health risk?", "author": [{"literal": "X"}]}
    (entry,) = Citer(style=style, items=[question]).references(["q"])
    assert "?." not in entry[1]
    assert "?”." not in entry[1]
    assert "?,”" not in entry[1]
    assert "?" in entry[1]
