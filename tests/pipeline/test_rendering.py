"""Citation pieces turned into words: live while streaming, then over the works cited."""

from __future__ import annotations

from typing import Any

from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.rendering import LiveCitations, cited_keys, citer_for, render_final
from apps.pipeline.resolving import Piece
from tests.factories import SourceFactory


def _csl(family: str, year: int, title: str) -> dict[str, Any]:
    return {
        "type": "book",
        "title": title,
        "author": [{"family": family, "given": "N."}],
        "issued": {"date-parts": [[year]]},
    }


# Two works by one author in one year: APA tells them apart by a suffix (2020a, 2020b), by title.
HANDLES = Handles.of(
    [
        SourceFactory(key="heat", csl=_csl("Okafor", 2020, "Heat")),
        SourceFactory(key="cities", csl=_csl("Okafor", 2020, "Cities")),
        SourceFactory(key="trade", csl=_csl("Chen", 2019, "Trade")),
    ]
)


def _cite(*uses: Use) -> Piece:
    return Piece(uses=uses)


PIECES = [
    Piece("Trade shapes cities "),
    _cite(Use("trade")),
    Piece(" and heat "),
    _cite(Use("heat", "page", "4")),
    Piece(" again "),
    _cite(Use("trade")),
]


def test_cited_keys_are_the_works_in_order_of_first_citation():
    assert cited_keys([*PIECES, _cite(Use("cities"), Use("heat"))]) == ["trade", "heat", "cities"]
    assert cited_keys([Piece("no citations")]) == []


def test_the_final_render_gives_one_text_per_citation_piece_in_order():
    assert render_final(style="apa7", handles=HANDLES, pieces=PIECES) == [
        "(Chen, 2019)",
        "(Okafor, 2020, p. 4)",
        "(Chen, 2019)",
    ]


def test_a_year_suffix_stays_only_when_both_works_of_the_year_are_cited():
    both = render_final(style="apa7", handles=HANDLES, pieces=[*PIECES, _cite(Use("cities"))])
    assert both[1:] == ["(Okafor, 2020b, p. 4)", "(Chen, 2019)", "(Okafor, 2020a)"]


def test_a_numbered_style_numbers_the_works_by_first_citation():
    assert render_final(style="ieee", handles=HANDLES, pieces=PIECES) == ["[1]", "[2, p. 4]", "[1]"]


def test_a_document_without_citations_renders_nothing():
    assert render_final(style="apa7", handles=HANDLES, pieces=[Piece("Plain text.")]) == []


def test_live_citations_see_every_retrieved_work_so_suffixes_show_while_streaming():
    live = LiveCitations(style="apa7", handles=HANDLES)
    assert live.render([Use("heat", "page", "4")]) == "(Okafor, 2020b, p. 4)"
    assert live.render([Use("trade")]) == "(Chen, 2019)"


def test_live_numbering_follows_the_order_works_are_first_cited():
    live = LiveCitations(style="ieee", handles=HANDLES)
    assert live.render([Use("trade")]) == "[1]"
    assert live.render([Use("heat")]) == "[2]"
    assert live.render([Use("trade"), Use("cities")]) == "[1], [3]"
    assert live.render([Use("trade")]) == "[1]"


def test_a_citer_for_some_keys_lists_only_those_works():
    every = citer_for(style="apa7", handles=HANDLES)
    some = citer_for(style="apa7", handles=HANDLES, keys=["heat"])
    assert every.cite_groups([[Use("heat")]]) == ["(Okafor, 2020b)"]
    assert some.cite_groups([[Use("heat")]]) == ["(Okafor, 2020)"]
