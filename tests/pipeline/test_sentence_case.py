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
        (
            "Training The 530B Model With H1N1 Data",
            "Training the 530B model with H1N1 data",
        ),
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


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # The word list spells these only with a capital.
        ("Urban Heat Islands In London And Paris", "Urban heat islands in London and Paris"),
        ("Bayesian Models Of Alzheimer's Disease", "Bayesian models of Alzheimer's disease"),
        ("Post-Brexit Migration: The English Case", "Post-Brexit migration: The English case"),
        # Countries, also those the word list has in lower case (china, turkey, japan).
        ("Trade With China, Japan And Turkey", "Trade with China, Japan and Turkey"),
        (
            "Heat Waves In The United Kingdom: A Review",
            "Heat waves in the United Kingdom: A review",
        ),
        ("Costa Rica And Burkina Faso Compared", "Costa Rica and Burkina Faso compared"),
        # A word that makes a place name with the name after it; alone it is an ordinary word.
        ("Mortality In New Zealand And South Africa", "Mortality in New Zealand and South Africa"),
        ("A New Approach To The South Of Heat", "A new approach to the south of heat"),
        # A title in capitals: names spelt as names, the rest lowercased.
        ("HEAT MORTALITY IN LONDON AND CHINA", "Heat mortality in London and China"),
        (
            "HEAT IN SOUTH LONDON AND THE CHURCH–TURING THESIS",
            "Heat in South London and the Church–Turing thesis",
        ),
        ("Marking Against The Mark Scheme", "Marking against the mark scheme"),
    ],
)
def test_sentence_case_keeps_the_capitals_of_proper_nouns(title, expected):
    assert sentence_case(title) == expected


def test_the_abstract_tells_the_names_the_dictionary_does_not_know():
    title = "The Heat Vulnerability Index In Ahmedabad"
    abstract = (
        "Heat kills. We built the Heat Vulnerability Index for Ahmedabad, where heat and "
        "vulnerability are mapped by ward."
    )
    assert sentence_case(title) == "The heat vulnerability index in ahmedabad"
    # The authors' capitals for their own term are not a name's: APA lowercases it.
    assert sentence_case(title, evidence=abstract) == "The heat vulnerability index in Ahmedabad"


def test_a_word_the_abstract_writes_in_lower_case_or_only_at_a_sentence_start_is_not_a_name():
    title = "Shade And Cooling In Rajkot And Vadodara"
    abstract = "Rajkot: shade matters. Cooling by Shade works in Vadodara; shade is cheap."
    assert sentence_case(title, evidence=abstract) == "Shade and cooling in rajkot and Vadodara"


def test_each_part_of_a_joined_word_is_cased_on_its_own():
    assert (
        sentence_case("Platinum/Iridium Nanonets And The Church–Turing Thesis")
        == "Platinum/iridium nanonets and the Church–Turing thesis"
    )


def test_a_title_in_sentence_case_gets_its_subtitles_capital():
    assert (
        sentence_case("The state of OA: a large-scale analysis of Open Access articles")
        == "The state of OA: A large-scale analysis of Open Access articles"
    )
    # A word with capitals inside is left as the title has it.
    assert sentence_case("Treebase: anRpackage for phylogenies") == (
        "Treebase: anRpackage for phylogenies"
    )
