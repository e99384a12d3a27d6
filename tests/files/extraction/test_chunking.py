"""Extracted text normalised and split into passages small enough to rank and quote."""

from __future__ import annotations

from apps.core.text import word_count
from apps.files.extraction.chunking import MIN_WORDS, normalise, sentences, split_words


def test_normalise_joins_words_hyphenated_across_lines_and_keeps_paragraphs():
    text = "Urban heat is- \nlands are a prob-\nlem.\n\n\n  Second   para\ngraph.  \n\n \n"
    assert normalise(text) == "Urban heat is- lands are a problem.\n\nSecond para graph."


def test_normalise_drops_soft_hyphens():
    assert normalise("hy\u00adphen\u00adated") == "hyphenated"


def test_sentences_split_after_an_ending_before_a_capital_or_digit():
    text = "He said stop. Then 3 cities warmed! Was it e.g. heat? (Yes.) no split here"
    assert sentences(text) == [
        "He said stop.",
        "Then 3 cities warmed!",
        "Was it e.g. heat?",
        "(Yes.) no split here",
    ]


def test_whole_sentences_are_grouped_up_to_the_limit():
    text = "One two three four five. Six seven eight nine ten. Eleven twelve thirteen fourteen."
    assert split_words(text, limit=10) == [
        "One two three four five. Six seven eight nine ten.",
        "Eleven twelve thirteen fourteen.",
    ]


def test_a_sentence_over_twice_the_limit_is_cut_between_words():
    long = " ".join(f"w{i}" for i in range(25)) + "."
    pieces = split_words(long, limit=10)
    assert [word_count(p) for p in pieces] == [10, 10, 5]
    assert pieces[0].split()[0] == "w0"


def test_a_sentence_up_to_twice_the_limit_stays_whole():
    sentence = " ".join(["word"] * 19) + "."
    assert split_words(sentence, limit=10) == [sentence]


def test_pieces_too_short_to_quote_are_dropped():
    assert MIN_WORDS == 4
    assert split_words("Four words are here.") == ["Four words are here."]
    assert split_words("Three words here.") == []


def test_a_closing_quote_or_bracket_stays_with_the_sentence_it_closes():
    text = 'He said "Stop." Then he left. (It rained.) After that, “calm.” Done.'
    assert sentences(text) == [
        'He said "Stop."',
        "Then he left.",
        "(It rained.)",
        "After that, “calm.”",
        "Done.",
    ]
