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


FIELD_NAMES = {
    "prompt": "prompt",
    "writeup_type": "mode",
    "citation_style": "user_params.citationStyle",
    "academic_level": "user_params.academicLevel",
    "target_word_count": "user_params.wordCount",
    "model": "user_params.model",
}
