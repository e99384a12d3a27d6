"""The lexical support check: does a cited passage contain the sentence's numbers and terms?"""

from __future__ import annotations

from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.quality.support import check
from apps.pipeline.resolving import Piece
from tests.factories import SourceFactory

HEAT = "Urban heat islands raise city temperatures by 2.5 degrees at night."
TRADE = "Tariffs on steel reduced imports from Asian exporters over the decade."
HANDLES = Handles.of(
    [
        SourceFactory(key="heat", excerpt=HEAT, locator="4"),
        SourceFactory(key="heat", excerpt=TRADE, locator="7"),
        SourceFactory(key="trade", excerpt=TRADE),
    ]
)


def _cite(key: str, locator: str = "") -> Piece:
    return Piece(uses=(Use(key, "page" if locator else "", locator),))


def test_a_sentence_whose_terms_and_numbers_are_in_the_cited_passage_is_supported():
    [result] = check(
        [Piece(text="Heat islands raise city temperatures by 2.5 degrees "), _cite("heat", "4")],
        HANDLES,
    )
    assert result.supported is True
    assert result.missing == ()
    assert result.handles == ("S1",)
    assert result.sentence == "Heat islands raise city temperatures by 2.5 degrees"


def test_a_citation_pinned_to_a_passage_about_something_else_is_unsupported():
    [result] = check([Piece(text="Heat islands raise city temperatures "), _cite("trade")], HANDLES)
    assert result.supported is False
    assert result.handles == ("S2",)
    assert set(result.missing) == {"heat", "island", "raise", "city", "temperature"}


def test_a_number_the_passage_does_not_give_makes_the_sentence_unsupported():
    [result] = check(
        [Piece(text="Heat islands raise city temperatures by 4.1 degrees "), _cite("heat", "4")],
        HANDLES,
    )
    assert result.supported is False
    assert result.missing == ("4.1",)


def test_the_locator_chooses_which_of_the_works_passages_is_checked():
    sentence = Piece(text="Tariffs on steel reduced imports from Asian exporters ")
    [at_four] = check([sentence, _cite("heat", "4")], HANDLES)
    [at_seven] = check([sentence, _cite("heat", "7")], HANDLES)
    [anywhere] = check([sentence, _cite("heat")], HANDLES)
    assert (at_four.supported, at_seven.supported, anywhere.supported) == (False, True, True)


def test_only_the_sentence_the_citation_closes_is_checked():
    pieces = [
        Piece(text="Tariffs reshaped the steel trade. Heat islands raise city temperatures "),
        _cite("heat", "4"),
    ]
    [result] = check(pieces, HANDLES)
    assert result.sentence == "Heat islands raise city temperatures"
    assert result.supported is True


def test_a_share_of_half_the_key_terms_is_enough():
    # heat, island, city found; cooling, policy missing: three of five terms is supported.
    half = check([Piece(text="Heat islands city cooling policy "), _cite("heat", "4")], HANDLES)
    # heat found; cooling, policy, budget missing: one of four is not.
    less = check([Piece(text="Heat cooling policy budget "), _cite("heat", "4")], HANDLES)
    assert [c.supported for c in half + less] == [True, False]


def test_a_citation_with_no_sentence_before_it_is_not_checked():
    assert check([_cite("heat", "4"), Piece(text=" Heat islands.")], HANDLES) == []


def test_each_citation_gets_its_own_check_in_order():
    pieces = [
        Piece(text="Heat islands raise city temperatures "),
        _cite("heat", "4"),
        Piece(text=". Tariffs reduced steel imports "),
        _cite("trade"),
    ]
    results = check(pieces, HANDLES)
    assert [(c.handles, c.supported) for c in results] == [(("S1",), True), (("S2",), True)]


def test_a_citation_of_an_unknown_work_names_no_handle_and_finds_no_support():
    [result] = check([Piece(text="Heat islands raise city temperatures "), _cite("nope")], HANDLES)
    assert (result.handles, result.supported) == ((), False)


def test_the_report_entry_truncates_the_sentence_and_lists_what_is_missing():
    long_sentence = "Heat " * 200
    [result] = check([Piece(text=long_sentence + "budget "), _cite("heat", "4")], HANDLES)
    entry = result.as_dict()
    assert len(str(entry["sentence"])) == 400
    assert entry["handles"] == ["S1"]
    assert entry["supported"] is True
    assert entry["missing"] == ["budget"]
