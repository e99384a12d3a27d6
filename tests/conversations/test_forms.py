from __future__ import annotations

import pytest

from apps.conversations.forms import WritingRequestForm

VALID = {
    "prompt": "Write an essay on urban heat islands.",
    "writeup_type": "essay",
    "citation_style": "harvard",
    "academic_level": "masters",
    "target_word_count": 1500,
    "model": "offline",
}


def test_valid_form_builds_the_request():
    form = WritingRequestForm(VALID)
    assert form.is_valid(), form.errors
    request = form.to_request()
    assert request.prompt == VALID["prompt"]
    assert request.target_word_count == 1500
    assert request.citation_style == "harvard"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("prompt", ""),
        ("prompt", "   "),
        ("prompt", "x" * 20_001),
        ("target_word_count", 99),
        ("target_word_count", 20_001),
        ("target_word_count", "many"),
        ("writeup_type", "poem"),
        ("citation_style", "vancouver"),
        ("academic_level", "kindergarten"),
        ("model", "gpt-imaginary"),
    ],
)
def test_invalid_value_is_a_field_error(field, value):
    form = WritingRequestForm({**VALID, field: value})
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [("prompt", "x" * 20_000), ("target_word_count", 100), ("target_word_count", 20_000)],
)
def test_bounds_are_inclusive(field, value):
    assert WritingRequestForm({**VALID, field: value}).is_valid()


def test_offline_is_the_default_and_labelled_when_nothing_is_configured():
    form = WritingRequestForm()
    assert form.fields["model"].initial == "offline"
    assert form.offline_only
