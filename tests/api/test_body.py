"""A JSON request body read strictly: media type, syntax, nesting and text checked first."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from apps.api.body import MAX_DEPTH, json_object

requests = RequestFactory()


def _post(body: bytes | str, content_type: str = "application/json") -> object:
    return json_object(requests.post("/api/chat", data=body, content_type=content_type))


def _refusal(result: object) -> tuple[int, str, str]:
    assert isinstance(result, HttpResponse)
    payload = json.loads(result.content)
    assert payload["success"] is False
    return result.status_code, payload["error_code"], payload["error_message"]


def test_a_json_object_is_returned_as_it_is():
    assert _post('{"prompt": "Heat", "user_params": {"wordCount": 500}}') == {
        "prompt": "Heat",
        "user_params": {"wordCount": 500},
    }


def test_another_media_type_is_refused_with_415():
    status, code, message = _refusal(_post("prompt=x", "application/x-www-form-urlencoded"))
    assert (status, code) == (415, "unsupported_media_type")
    assert message.endswith("(got application/x-www-form-urlencoded).")


@pytest.mark.parametrize("body", [b"  ", b"{", b"\xff\xfe", b"NaNx"])
def test_a_body_that_is_not_json_is_refused(body: bytes):
    assert _refusal(_post(body))[:2] == (400, "invalid_json")


@pytest.mark.parametrize("body", ["[]", '"text"', "3", "null"])
def test_json_that_is_not_an_object_is_refused(body: str):
    assert _refusal(_post(body)) == (400, "invalid_json", "The request body must be a JSON object.")


def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused():
    def nested(levels: int) -> str:
        return '{"a": ' * levels + "1" + "}" * levels

    assert isinstance(_post(nested(MAX_DEPTH)), dict)
    assert _refusal(_post(nested(MAX_DEPTH + 1)))[2] == (
        f"The request body nests deeper than {MAX_DEPTH} levels."
    )
    assert _refusal(_post('{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"))[0] == 400


def test_a_nul_character_anywhere_is_refused():
    assert "NUL" in _refusal(_post('{"prompt": "a\\u0000b"}'))[2]
    assert "NUL" in _refusal(_post('{"a\\u0000": 1}'))[2]
    assert "NUL" in _refusal(_post('{"ids": ["ok", "bad\\u0000"]}'))[2]


def test_a_lone_surrogate_is_refused():
    assert "lone surrogate" in _refusal(_post('{"prompt": "\\ud800"}'))[2]


def test_a_very_deep_body_is_refused_without_crashing():
    assert _refusal(_post("[" * 100_000 + "]" * 100_000))[:2] == (400, "invalid_json")
