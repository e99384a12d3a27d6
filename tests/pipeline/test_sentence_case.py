from __future__ import annotations

import pytest

from apps.pipeline.sentence_case import is_title_case, sentence_case


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The Effects Of Urban Heat", "The effects of urban heat"),
        ("COVID-19 And Long-Term Care: A Review", "COVID-19 and long-term care: A review"),
        ("Machine Learning for Emergency Triage", "Machine learning for emergency triage"),
        ("What Works? Evidence From The NHS", "What works? Evidence from the NHS"),
        ("Using iPhone Data In McDonald Studies", "Using iPhone data in McDonald studies"),
        ("THE EFFECTS OF HEAT", "The effects of heat"),
        # Already in sentence case: its capitals are proper nouns, and stay.
        ("Climate change in England and Wales", "Climate change in England and Wales"),
        ("Heat", "Heat"),
    ],
)
def test_sentence_case_keeps_acronyms_and_capitalises_after_a_colon(title, expected):
    assert sentence_case(title) == expected


def test_title_case_is_told_from_sentence_case_by_its_content_words():
    assert is_title_case("A Study of Heat and Health")
    assert not is_title_case("A study of heat in London")
