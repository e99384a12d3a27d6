from __future__ import annotations

from apps.exports.document import parse_document
from apps.exports.extract import bullets, key_sentence, section_text, sentences, summary_points
from devtools.sample_documents import sample_document


def test_sentences_do_not_end_at_page_numbers_or_initials():
    text = (
        "Bias was found (Smith, 2020, p. 3). Lee et al. 2021 agree with J. Smith. "
        "“Audits matter.” Then (Khan, 2022, pp. 4–5) closes it."
    )
    assert sentences(text) == [
        "Bias was found (Smith, 2020, p. 3).",
        "Lee et al. 2021 agree with J. Smith.",
        "“Audits matter.”",
        "Then (Khan, 2022, pp. 4–5) closes it.",
    ]


def test_key_sentence_prefers_the_sections_topic_over_its_note():
    document = parse_document(
        "# Heat\n\n## 1. Street trees\n\n*What this section argues.*\n\n"
        "Cities are large. Street trees cool streets by shade (Lee, 2020). Roads are long.\n"
    )
    assert key_sentence(document.sections[0], title=document.title) == (
        "Street trees cool streets by shade (Lee, 2020)."
    )


def test_bullets_are_three_to_six_of_the_sections_own_sentences():
    document = parse_document(sample_document(sections=3, words=1500))
    for section in document.sections:
        points = bullets(section, title=document.title)
        assert 3 <= len(points) <= 6
        body = " ".join(section_text(section).split())
        assert all(point in body for point in points)


def test_summary_has_one_point_per_section():
    document = parse_document(sample_document(sections=4))
    points = summary_points(document)
    assert [heading for heading, _ in points] == document.outline
    assert all(sentence.endswith(".") for _, sentence in points)


def test_key_sentence_is_a_cited_claim_rather_than_a_signpost():
    document = parse_document(
        "# Urban heat\n\n## 1. Heat and health\n\n"
        "This section examines urban heat and health. "
        "Older residents face the highest risk during prolonged heat (Lee, 2020).\n"
    )
    assert key_sentence(document.sections[0], title=document.title) == (
        "Older residents face the highest risk during prolonged heat (Lee, 2020)."
    )


def test_an_emphasised_label_is_not_a_bullet():
    document = parse_document(
        "# Plan\n\n## 1. Introduction\n\n*Word budget: 107 words.* Frame the question.\n\n"
        "- Define the terms.\n- State the thesis.\n"
    )
    assert bullets(document.sections[0], title=document.title) == [
        "Frame the question.",
        "Define the terms.",
        "State the thesis.",
    ]
