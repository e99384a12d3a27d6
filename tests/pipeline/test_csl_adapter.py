from __future__ import annotations

import pytest

from apps.pipeline.csl_adapter import collapse_punctuation, initials, move_punctuation_into_quotes


@pytest.mark.parametrize(
    ("given", "mark", "expected"),
    [
        ("Jae-Woo", ". ", "J.-W."),
        ("Jae-woo", ". ", "J.-W."),  # a lowercase part of a hyphenated name is still a name
        ("Jean-Luc", ".", "J.-L."),
        ("Jane Mary", ". ", "J. M."),
        ("Jane Mary", ".", "J.M."),
        ("J.R.", ". ", "J. R."),
        ("Ludwig van", ". ", "L. van"),  # a particle is not initialised
    ],
)
def test_initials_as_initialize_with_asks(given, mark, expected):
    assert initials(given, mark) == expected


def test_initials_without_hyphen_run_the_parts_together():
    assert initials("Jean-Luc", ".", hyphen=False) == "J.L."


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Jane Mary", "Jane Mary"), ("James T", "James T."), ("Jae-woo", "Jae-woo")],
)
def test_initialize_false_keeps_names_and_only_marks_existing_initials(given, expected):
    assert initials(given, ". ", initialize=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Title”. *Journal*", "“Title.” *Journal*"),
        ("“Title”, *Journal*", "“Title,” *Journal*"),
        ("“*Title*”.", "“*Title*.”"),
        ("“Is it?”. *Journal*", "“Is it?” *Journal*"),
        ("“Is it?”, *Journal*", "“Is it?” *Journal*"),
        ("“U.S.”.", "“U.S.”"),
        ("“U.S.”,", "“U.S.,”"),
        ("‘Title’, *Journal*", "‘Title’, *Journal*"),  # another closing mark: untouched
    ],
)
def test_punctuation_moves_inside_the_closing_quote(text, expected):
    assert move_punctuation_into_quotes(text, "”") == expected


def test_a_question_mark_takes_the_place_of_a_following_period():
    assert collapse_punctuation("Is it?. *Journal*.") == "Is it? *Journal*."
    assert collapse_punctuation("*Is it?*. Publisher") == "*Is it?* Publisher"
    assert collapse_punctuation("doi.org/x?a=1. Next") == "doi.org/x?a=1. Next"
