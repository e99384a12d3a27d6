"""What the SDKs raise, turned into the few error codes a run can end with."""

from __future__ import annotations

import anthropic
import httpx2
import openai
import pytest

from apps.pipeline.providers.errors import (
    AUTH_FAILED,
    BAD_REQUEST,
    BAD_RESPONSE,
    RATE_LIMITED,
    UNAVAILABLE,
    cut_short,
    from_sdk,
)

REQUEST = httpx2.Request("POST", "https://api.openai.com/v1/responses")


def _status(status: int, message: str = "Nope", sdk: str = "openai") -> Exception:
    response = httpx2.Response(status, request=REQUEST)
    if sdk == "anthropic":
        return anthropic.APIStatusError(message, response=response, body=None)
    return openai.APIStatusError(message, response=response, body=None)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, AUTH_FAILED),
        (403, AUTH_FAILED),
        (429, RATE_LIMITED),
        (500, UNAVAILABLE),
        (503, UNAVAILABLE),
        (408, UNAVAILABLE),
        (409, UNAVAILABLE),
        (400, BAD_REQUEST),
        (404, BAD_REQUEST),
        (422, BAD_REQUEST),
    ],
)
@pytest.mark.parametrize("sdk", ["openai", "anthropic"])
def test_an_http_status_maps_to_its_error_code(status: int, code: str, sdk: str):
    assert from_sdk(_status(status, sdk=sdk), vendor="OpenAI", retries=2).code == code


def test_a_timeout_says_the_vendor_did_not_answer_after_the_retries():
    error = from_sdk(openai.APITimeoutError(request=REQUEST), vendor="OpenAI", retries=2)
    assert (error.code, error.message) == (
        UNAVAILABLE,
        "OpenAI did not answer in time after 2 retries.",
    )
    once = from_sdk(anthropic.APITimeoutError(request=REQUEST), vendor="Anthropic", retries=1)
    assert once.message == "Anthropic did not answer in time after 1 retry."
    never = from_sdk(openai.APITimeoutError(request=REQUEST), vendor="OpenAI", retries=0)
    assert never.message == "OpenAI did not answer in time."


def test_a_broken_connection_is_unavailable_with_the_cause():
    error = from_sdk(httpx2.ConnectError("refused"), vendor="Ollama", retries=0)
    assert (error.code, error.message) == (UNAVAILABLE, "The connection to Ollama failed: refused")
    sdk = from_sdk(openai.APIConnectionError(request=REQUEST), vendor="OpenAI", retries=3)
    assert sdk.message == "The connection to OpenAI failed after 3 retries: Connection error."


def test_the_message_names_the_status_and_the_providers_words():
    error = from_sdk(_status(401, "Incorrect API key"), vendor="OpenAI", retries=2)
    assert error.message == "OpenAI rejected the API key (401): Incorrect API key"
    limited = from_sdk(_status(429, "Quota exceeded"), vendor="OpenAI", retries=2)
    assert limited.message == (
        "OpenAI is rate-limiting or out of quota after 2 retries; try again later. Quota exceeded"
    )


def test_a_long_provider_message_is_trimmed():
    error = from_sdk(_status(400, "x" * 500), vendor="OpenAI", retries=0)
    detail = error.message.split(": ", 1)[1]
    assert (len(detail), detail[-1]) == (300, "…")


def test_anything_else_is_a_bad_response():
    error = from_sdk(ValueError("no choices"), vendor="OpenAI", retries=2)
    assert (error.code, error.message) == (
        BAD_RESPONSE,
        "OpenAI sent an unexpected answer: no choices",
    )


def test_a_stream_cut_short_keeps_the_text_so_far():
    error = cut_short("Anthropic")
    assert error.code == BAD_RESPONSE
    assert error.message.startswith("Anthropic's stream ended before the model finished")
