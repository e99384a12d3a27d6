"""Reading a JSON request body strictly: the media type, the syntax, the nesting and the text are
checked before any field is looked at, so no input can reach the database as something else."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from apps.core.http import json_error

# Deeper than any request of the contract needs (it nests three levels), shallow enough that no
# later walk over the body can recurse far.
MAX_DEPTH = 8
_NOT_AN_OBJECT = "The request body must be a JSON object."


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _check(value: object, depth: int) -> None:
    """Refuse nesting past MAX_DEPTH and text PostgreSQL cannot store (lone surrogates, NUL)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise _Refused("Text in the request may not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _Refused(
                "Text in the request is not valid Unicode (it has a lone surrogate)."
            ) from None
        return
    if isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise _Refused(f"The request body nests deeper than {MAX_DEPTH} levels.")
        for key in value if isinstance(value, dict) else ():
            _check(key, depth + 1)
        for item in value.values() if isinstance(value, dict) else value:
            _check(item, depth + 1)


def json_object(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """The request's JSON object, or the JSON error response that refuses it."""
    media_type = request.content_type or ""
    if media_type != "application/json":
        return json_error(
            415,
            "unsupported_media_type",
            f"Send a JSON body with Content-Type: application/json (got {media_type or 'none'}).",
        )
    try:
        body = json.loads(request.body or b"")
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError and bytes that are not UTF-8.
        return json_error(400, "invalid_json", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return json_error(400, "invalid_json", _NOT_AN_OBJECT)
    try:
        _check(body, 0)
    except _Refused as refused:
        return json_error(400, "invalid_json", refused.message)
    return body
