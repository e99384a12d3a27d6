"""Grounded extractive writing: each section quotes the passages most relevant to it, cited."""

from __future__ import annotations

from apps.core.text import word_count
from apps.pipeline.grounding import LEADS, QUOTE_MAX, plan, render, terms
from apps.pipeline.state import Outline, OutlineSection
from tests.factories import SourceFactory

HEAT = SourceFactory(
    key="heat",
    locator="4",
    excerpt=(
        "Urban heat islands raise night temperatures in dense cities by several degrees. "
        "Dark roofs and asphalt store the heat of the day and release it after sunset."
    ),
)
TREES = SourceFactory(
    key="trees",
    locator="9",
    heading="Street trees",
    excerpt=(
        "Street trees cool neighbourhoods through shade and evaporation across whole blocks. "
        "Planting programmes in Paris cut surface temperatures on the hottest afternoons."
    ),
)


def _section(title: str, budget: int, point: str, evidence: str = "studies") -> OutlineSection:
    return OutlineSection(title, budget, f"Explain {title.lower()}.", (point,), evidence)


OUTLINE = Outline(
    "Heat",
    (
        _section("Heat islands", 20, "Show how heat islands form in cities."),
        _section("Trees as cooling", 20, "Street trees shade and cool."),
    ),
)


def test_terms_are_content_words_with_plurals_folded():
    assert terms("The Islands of glass on the roofs, to be") == {"island", "glass", "roof"}


def test_terms_fold_a_plural_and_its_singular_to_one_key():
    plurals = terms("cities studies classes boxes churches roofs campus analysis")
    singulars = terms("city study class box church roof campus analysis")
    assert (
        plurals
        == singulars
        == {"city", "study", "class", "box", "church", "roof", "campus", "analysis"}
    )


def test_terms_leave_out_words_every_section_uses():
    assert terms("State the evidence and explain the argument about roofs") == {"roof"}


def test_each_section_quotes_the_passage_about_its_own_subject():
    sections = plan(OUTLINE, (HEAT, TREES)).sections
    assert [[q.text for q in quotes] for quotes in sections] == [
        ["Urban heat islands raise night temperatures in dense cities by several degrees."],
        ["Street trees cool neighbourhoods through shade and evaporation across whole blocks."],
    ]


def test_no_passage_is_quoted_twice_and_later_sections_get_what_is_left():
    outline = Outline(
        "Heat", (*OUTLINE.sections, _section("Costs", 30, "Costs of roofs.", "fiscal data"))
    )
    document_plan = plan(outline, (HEAT, TREES))
    quoted = [q.text for quotes in document_plan.sections for q in quotes]
    assert len(quoted) == len(set(quoted)) == 3
    [last] = document_plan.sections[2]
    assert last.text.startswith("Dark roofs and asphalt")


def test_a_quote_is_cited_by_its_work_and_page_in_order_of_first_citation():
    document_plan = plan(OUTLINE, (TREES, HEAT))
    assert [(u.key, u.label, u.locator) for u in document_plan.uses] == [
        ("heat", "page", "4"),
        ("trees", "page", "9"),
    ]
    assert document_plan.citation_order == ["heat", "trees"]


def test_short_sentences_are_joined_and_a_long_one_is_cut_at_the_quote_limit():
    short = SourceFactory(key="s", excerpt="Heat rises. Cities warm. Roofs store heat at night.")
    long = SourceFactory(key="l", excerpt=" ".join(["heat"] * 100) + ".")
    outline = Outline("Heat", (_section("Heat", 400, "Heat in cities."),))
    quotes = [q.text for q in plan(outline, (short, long)).sections[0]]
    assert "Heat rises. Cities warm. Roofs store heat at night." in quotes
    [cut] = [q for q in quotes if q.endswith(" …")]
    assert word_count(cut.removesuffix(" …")) == QUOTE_MAX


def test_a_table_row_is_never_quoted():
    table = SourceFactory(
        key="t", excerpt="| City | Heat | Trees | Roofs | Rain | Wind | Sun | Shade |"
    )
    outline = Outline("Heat", (_section("Heat", 200, "Heat in cities."),))
    assert plan(outline, (table,)).sections == ((),)


def test_render_writes_each_section_with_its_quotes_cited_by_handle():
    first, second = render(OUTLINE, (HEAT, TREES))
    assert first == (
        "## 1. Heat islands\n\n*Explain heat islands.*\n\n"
        f"{LEADS[0]} “Urban heat islands raise night temperatures in dense cities by several "
        "degrees” [S1, p. 4].\n\n"
    )
    # A heading is named the first time a work is quoted from under it.
    assert second.startswith("## 2. Trees as cooling\n\n")
    assert (
        "Under the heading ‘Street trees’, the text reads: “Street trees cool neighbourhoods"
        in second
    )
    assert second.rstrip().endswith("[S2, p. 9].")


def test_a_section_the_material_cannot_serve_says_what_it_still_needs():
    outline = Outline(
        "Heat", (*OUTLINE.sections, _section("Costs", 30, "Budgets.", "municipal budget data"))
    )
    *_, last = render(outline, (HEAT,))
    assert (
        "The material supplied has nothing further on this section. "
        "What it still needs: municipal budget data"
    ) in last


def test_quoted_text_cannot_break_the_markdown_or_the_quotation():
    source = SourceFactory(
        key="m", excerpt='Heat in cities is "extreme" and *rising* under [S2] <b>roofs</b> today.'
    )
    outline = Outline("Heat", (_section("Heat", 60, "Heat in cities."),))
    [text] = render(outline, (source,))
    assert (
        "“Heat in cities is 'extreme' and \\*rising\\* under \\[S2\\] \\<b\\>roofs\\</b\\> today”"
        " [S1]."
    ) in text


def test_a_work_without_a_locator_is_cited_by_its_handle_alone():
    source = SourceFactory(key="n", excerpt="Urban heat islands warm dense cities after dark.")
    outline = Outline("Heat", (_section("Heat islands", 60, "Heat islands in cities."),))
    [text] = render(outline, (source,))
    assert text.rstrip().endswith("after dark” [S1].")


def test_a_section_with_room_quotes_several_passages_in_reading_order():
    outline = Outline("Heat", (_section("Trees and heat", 200, "Trees cool heat islands."),))
    [quotes] = plan(outline, (HEAT, TREES)).sections
    assert [(q.source.key, q.position) for q in quotes] == [
        ("heat", 0),
        ("heat", 1),
        ("trees", 2),
        ("trees", 3),
    ]
