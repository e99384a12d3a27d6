from __future__ import annotations

import pytest

from apps.core.text import keywords, topic_phrase, word_count


def test_word_count_counts_words_not_markup():
    assert (
        word_count("## 1. Intro\n\n*Word budget: 200 words.* It's a well-known fact — yes.") == 11
    )


@pytest.mark.parametrize(
    ("prompt", "topic"),
    [
        (
            "Write an essay on the ethics of AI in healthcare. Use UK spelling.",
            "The ethics of AI in healthcare",
        ),
        (
            "Please write me a 2,000-word critical literature review about microplastics",
            "Microplastics",
        ),
        ("Climate adaptation in coastal cities", "Climate adaptation in coastal cities"),
    ],
)
def test_topic_drops_the_instruction(prompt, topic):
    assert topic_phrase(prompt) == topic


def test_keywords_are_phrases_between_stopwords_and_punctuation():
    prompt = (
        "Write an essay on the ethics of artificial intelligence in healthcare "
        "decision-making, focusing on accountability and bias."
    )
    assert keywords(prompt) == [
        "ethics",
        "artificial intelligence",
        "healthcare decision-making",
        "accountability",
        "bias",
    ]
