from __future__ import annotations

from pathlib import Path

from apps.pipeline.proper_nouns import bare, dictionary_names, evidence_names, names_for


def test_a_word_the_list_spells_only_with_a_capital_is_a_name(tmp_path: Path):
    wordlist = tmp_path / "words"
    wordlist.write_text("London\nLondon's\nmark\nMark\nheat\nATV\nParis\n", encoding="utf-8")
    assert dictionary_names(wordlist) == {"London", "Paris", "ATV"}


def test_the_installed_list_knows_places_and_eponyms_but_not_common_words():
    names = names_for()
    for name in ("London", "English", "Bayesian", "Alzheimer", "China", "Turkey", "Japan"):
        assert names.is_name(name), name
    for word in ("Heat", "Mark", "Study", "New", "South"):
        assert not names.is_name(word), word


def test_multi_word_names_are_found_by_their_words_and_spelt_as_named():
    names = names_for()
    words = ["in", "the", "united", "arab", "emirates"]
    assert names.phrase_at(words, 2) == ("United", "Arab", "Emirates")
    assert names.phrase_at(words, 0) is None


def test_evidence_names_are_capitalised_in_mid_sentence_and_never_in_lower_case():
    assert evidence_names(
        "Methods: We asked the World Health Organization. Heat and Shade were measured; shade "
        "helped in Ahmedabad's wards."
    ) == {"World", "Health", "Organization", "Ahmedabad"}


def test_only_evidence_of_words_the_dictionary_lacks_in_lower_case_is_taken():
    names = names_for("We trained Deep Learning models in Ahmedabad.")
    assert names.is_name("Ahmedabad")
    assert not names.is_name("Learning")


def test_a_title_word_is_looked_up_without_its_quotes_and_possessive():
    assert bare("“London’s”") == "London"
    assert bare("(Paris),") == "Paris"
