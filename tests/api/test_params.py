"""The first plan's JSON request mapped onto the form's fields, and its JSON type errors."""

from __future__ import annotations

import pytest

from apps.api.params import FIELD_NAMES, form_data, type_errors


def test_an_empty_request_gets_the_documented_defaults():
    assert form_data({"prompt": "Heat"}, {}, default_model="offline") == {
        "prompt": "Heat",
        "writeup_type": "essay",
        "citation_style": "apa7",
        "academic_level": "undergraduate",
        "target_word_count": 1000,
        "model": "offline",
    }


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("Literature Review", "literature_review"),
        ("literature-review", "literature_review"),
        ("LITERATURE_REVIEW", "literature_review"),
        ("Case study", "case_study"),
        ("poem", "poem"),  # as sent, so the form says it is not a choice
        (7, 7),
    ],
)
def test_a_mode_is_matched_loosely_by_value_or_label(mode: object, expected: object):
    assert form_data({"mode": mode}, {}, default_model="m")["writeup_type"] == expected


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("APA", "apa7"),
        ("apa 7", "apa7"),
        ("MLA", "mla9"),
        ("Chicago Author-Date", "chicago_author_date"),
        ("chicago", "chicago_author_date"),
        ("IEEE", "ieee"),
        ("harvard", "harvard"),
        ("vancouver", "vancouver"),
    ],
)
def test_a_citation_style_is_matched_by_its_aliases(style: str, expected: str):
    data = form_data({}, {"citationStyle": style}, default_model="m")
    assert data["citation_style"] == expected


def test_user_params_set_level_word_count_and_model_and_ignore_a_user_id():
    params = {"academicLevel": "Master's", "wordCount": 2500, "model": "gpt-4o", "user_id": 9}
    data = form_data({"prompt": "p", "user_id": 9}, params, default_model="offline")
    assert (data["academic_level"], data["target_word_count"], data["model"]) == (
        "masters",
        2500,
        "gpt-4o",
    )
    assert "user_id" not in data


def test_an_empty_model_falls_back_to_the_default():
    assert form_data({}, {"model": ""}, default_model="offline")["model"] == "offline"


def test_well_typed_values_have_no_errors():
    body = {"prompt": "p", "mode": "essay", "file_ids": ["a", "b"], "conversation_id": None}
    params = {"citationStyle": "apa", "wordCount": 500, "model": None}
    assert type_errors({**body, "user_params": params}, params) == {}


def test_values_of_the_wrong_json_type_are_reported_per_field_and_not_coerced():
    body = {"prompt": 123, "mode": ["essay"], "conversation_id": 5, "file_ids": "abc"}
    params = {"citationStyle": 1, "academicLevel": True, "model": {}, "wordCount": "500"}
    assert type_errors(body, params) == {
        "prompt": ["Must be a string."],
        "mode": ["Must be a string."],
        "conversation_id": ["Must be a string."],
        "user_params.citationStyle": ["Must be a string."],
        "user_params.academicLevel": ["Must be a string."],
        "user_params.model": ["Must be a string."],
        "user_params.wordCount": ["Must be a whole number."],
        "file_ids": ["Must be a list of file ids (strings)."],
    }


@pytest.mark.parametrize("count", [True, 10.0, "10"])
def test_a_word_count_must_be_a_whole_number_and_not_a_boolean(count: object):
    assert "user_params.wordCount" in type_errors({}, {"wordCount": count})


def test_file_ids_must_all_be_strings_and_user_params_an_object():
    errors = type_errors({"file_ids": ["a", 2], "user_params": ["x"]}, {})
    assert errors == {
        "file_ids": ["Must be a list of file ids (strings)."],
        "user_params": ["Must be an object."],
    }


def test_every_form_field_is_named_as_the_json_request_names_it():
    data = form_data({}, {}, default_model="m")
    assert set(FIELD_NAMES) == set(data)
    assert FIELD_NAMES["target_word_count"] == "user_params.wordCount"
