from __future__ import annotations

import pytest

from apps.core.text import keywords, short_title, topic_phrase, word_count


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


def test_keywords_keep_the_capitals_the_writer_gave_names_and_acronyms():
    prompt = (
        "Climate adaptation in the United Kingdom. How should NHS hospitals in London adapt? "
        "Focus: Heatwaves and flooding."
    )
    # "Climate", "How" and "Heatwaves" only start a sentence or follow a colon.
    assert keywords(prompt) == [
        "climate adaptation",
        "United Kingdom",
        "NHS hospitals",
        "London adapt",
        "heatwaves",
        "flooding",
    ]


@pytest.mark.parametrize(
    ("prompt", "title"),
    [
        (
            "Write an essay on the causes of urban heat islands (impervious surfaces, reduced "
            "vegetation), their effects on health and the policies cities use.",
            "The causes of urban heat islands",
        ),
        (
            "Write a literature review on microplastics in freshwater ecosystems and their "
            "effects on fish health.",
            "Microplastics in freshwater ecosystems and their effects on fish health",
        ),
        (
            "Essay: climate change adaptation in coastal cities of South-East Asia with a "
            "focus on mangrove restoration",
            "Climate change adaptation in coastal cities of South-East Asia",
        ),
        (
            "Compare pavements, roofs and trees as cooling strategies for dense cities in hot "
            "climates and what they cost",
            "Compare pavements, roofs and trees as cooling strategies",
        ),
        ("   ", "Untitled piece"),
    ],
)
def test_short_title_is_the_topic_without_ellipsis_debris(prompt: str, title: str) -> None:
    assert short_title(prompt) == title
