"""Map the first plan's JSON request onto the writing-request form's fields."""

from __future__ import annotations

import re
from typing import Any

from apps.core.writing import AcademicLevel, CitationStyle, WriteupType

_STYLE_ALIASES = {
    "apa": CitationStyle.APA7,
    "apa7": CitationStyle.APA7,
    "harvard": CitationStyle.HARVARD,
    "mla": CitationStyle.MLA9,
    "mla9": CitationStyle.MLA9,
    "chicago": CitationStyle.CHICAGO,
    "chicagoauthordate": CitationStyle.CHICAGO,
    "ieee": CitationStyle.IEEE,
}


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _choice(value: Any, choices: type[WriteupType] | type[AcademicLevel]) -> Any:
    """A known choice given loosely ("Literature Review", "literature-review"), else as sent
    so the form reports it as not one of the choices."""
    if not isinstance(value, str):
        return value
    wanted = _squash(value)
    for choice in choices:
        if wanted in (_squash(choice.value), _squash(str(choice.label))):
            return choice.value
    return value


def _style(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return _STYLE_ALIASES.get(_squash(value), value)


def form_data(
    body: dict[str, Any], params: dict[str, Any], *, default_model: str
) -> dict[str, Any]:
    """Form fields from `{prompt, mode, user_params: {...}}`. `user_params.user_id` is ignored:
    identity comes from authentication only."""
    return {
        "prompt": body.get("prompt"),
        "writeup_type": _choice(body.get("mode", WriteupType.ESSAY), WriteupType),
        "citation_style": _style(params.get("citationStyle", CitationStyle.APA7)),
        "academic_level": _choice(
            params.get("academicLevel", AcademicLevel.UNDERGRADUATE), AcademicLevel
        ),
        "target_word_count": params.get("wordCount", 1000),
        "model": params.get("model") or default_model,
    }


# Fields of the body and of user_params that must be JSON strings when sent (null is "not sent").
_STRING_FIELDS = ("prompt", "mode", "conversation_id")
_STRING_PARAMS = ("citationStyle", "academicLevel", "model")


def type_errors(body: dict[str, Any], params: dict[str, Any]) -> dict[str, list[str]]:
    """Per-field errors for values of the wrong JSON type. Nothing is coerced: `123` is not the
    prompt "123", and `"500"` is not the word count 500."""
    errors: dict[str, list[str]] = {}
    for name in _STRING_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], str):
            errors[name] = ["Must be a string."]
    for name in _STRING_PARAMS:
        if params.get(name) is not None and not isinstance(params[name], str):
            errors[f"user_params.{name}"] = ["Must be a string."]
    count = params.get("wordCount")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        errors["user_params.wordCount"] = ["Must be a whole number."]
    file_ids = body.get("file_ids")
    if file_ids is not None and (
        not isinstance(file_ids, list) or not all(isinstance(f, str) for f in file_ids)
    ):
        errors["file_ids"] = ["Must be a list of file ids (strings)."]
    if body.get("user_params") is not None and not isinstance(body["user_params"], dict):
        errors["user_params"] = ["Must be an object."]
    return errors


FIELD_NAMES = {
    "prompt": "prompt",
    "writeup_type": "mode",
    "citation_style": "user_params.citationStyle",
    "academic_level": "user_params.academicLevel",
    "target_word_count": "user_params.wordCount",
    "model": "user_params.model",
}
