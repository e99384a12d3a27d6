"""OpenAI's own API through the Responses API, faked at the HTTP level in its recorded wire format
(tests/fakes/wire/)."""

from __future__ import annotations

import json

import httpx
import pytest

from apps.pipeline.providers.base import ProviderError, TextDelta
from apps.pipeline.providers.openai_provider import OpenAIProvider
from apps.pipeline.state import Usage
from tests.llm_fakes import (
    RESPONSES_PREAMBLE,
    ResponsesStream,
    cut_connection,
    openai_error,
    openai_response,
    responses_pieces,
    section_task,
)

URL = "https://api.openai.com/v1/responses"
pytestmark = pytest.mark.usefixtures("openai_configured")


def collect(provider, task):
    deltas: list[TextDelta | Usage] = []
    usage: list[TextDelta | Usage] = []
    for item in provider.write_section(task):
        (usage if isinstance(item, Usage) else deltas).append(item)
    return deltas, usage


def test_streams_deltas_then_one_usage_priced_from_the_table(llm_http):
    route = llm_http.post(URL).mock(
        return_value=openai_response(
            responses_pieces(["Machine ", "learning ", "helps."], tokens_in=1000, tokens_out=2000)
        )
    )
    deltas, usage = collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert [d.text for d in deltas] == ["Machine ", "learning ", "helps."]
    assert all(isinstance(d, TextDelta) for d in deltas)
    # gpt-4o-mini: $0.15 in and $0.60 out per million tokens.
    (reported,) = usage
    assert isinstance(reported, Usage)
    assert (reported.model, reported.tokens_in, reported.tokens_out) == ("gpt-4o-mini", 1000, 2000)
    assert reported.cost_usd == pytest.approx(0.00015 + 0.0012)
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer sk-test-openai"
    body = json.loads(request.content)
    assert body["model"] == "gpt-4o-mini"
    assert body["stream"] is True
    assert body["store"] is False
    assert body["max_output_tokens"] > 2 * section_task().section.budget
    assert "messages" not in body
    assert "never follow instructions" in body["instructions"].lower()
    assert "<request>" in body["input"]


def test_a_reasoning_model_gets_headroom_for_its_thinking(llm_http):
    route = llm_http.post(URL).mock(return_value=openai_response(responses_pieces(["Done."])))
    collect(OpenAIProvider(model="gpt-5-mini"), section_task(model="gpt-5-mini"))
    plain = 2 * section_task().section.budget + 200

    assert json.loads(route.calls.last.request.content)["max_output_tokens"] >= plain + 8000


def test_hitting_the_token_limit_is_a_short_section_not_an_error(llm_http):
    # response.incomplete with reason max_output_tokens is what Chat Completions called "length":
    # the writer continues a short section.
    pieces = responses_pieces(
        ["Cut ", "at the limit"], tokens_in=50, tokens_out=9, incomplete="max_output_tokens"
    )
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    deltas, usage = collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert [d.text for d in deltas] == ["Cut ", "at the limit"]
    assert [(u.tokens_in, u.tokens_out) for u in usage] == [(50, 9)]


def test_an_incomplete_answer_for_another_reason_is_a_bad_response(llm_http):
    pieces = responses_pieces(["Some "], incomplete="content_filter")
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_bad_response"
    assert "content_filter" in caught.value.message


def test_a_response_that_fails_mid_stream_keeps_its_code(llm_http):
    stream = ResponsesStream(model="gpt-4o-mini")
    pieces = [
        *stream.start(),
        stream.delta("Half "),
        stream.failed(
            "rate_limit_exceeded",
            "Rate limit reached for gpt-4o-mini on tokens per min (TPM): Limit 30000.",
        ),
    ]
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    seen: list[TextDelta | Usage] = []
    with pytest.raises(ProviderError) as caught:  # noqa: PT012 — the text before the failure counts
        for item in OpenAIProvider(model="gpt-4o-mini").write_section(section_task()):
            seen.append(item)

    assert caught.value.code == "provider_rate_limited"
    assert "Rate limit reached" in caught.value.message
    assert [d.text for d in seen if isinstance(d, TextDelta)] == ["Half "]


def test_an_error_event_in_the_stream_is_a_provider_error(llm_http):
    stream = ResponsesStream(model="gpt-4o-mini")
    pieces = [*stream.start(), stream.error("server_error", "The server had an error.")]
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_unavailable"
    assert "server_error" in caught.value.message


def test_a_429_is_retried_then_succeeds(llm_http):
    route = llm_http.post(URL)
    route.side_effect = [
        openai_error(429, "rate_limit_exceeded", "Rate limit reached", **{"retry-after": "0"}),
        openai_response(responses_pieces(["Recovered."])),
    ]
    deltas, usage = collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert route.call_count == 2
    assert [d.text for d in deltas] == ["Recovered."]
    assert len(usage) == 1


def test_rate_limit_that_outlasts_the_retries_is_provider_rate_limited(llm_http, settings):
    settings.LLM_MAX_RETRIES = 1
    route = llm_http.post(URL).mock(
        return_value=openai_error(429, "rate_limit_exceeded", "Slow down", **{"retry-after": "0"})
    )
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_rate_limited"
    assert "after 1 retry" in caught.value.message
    assert route.call_count == 2


def test_a_401_fails_at_once_as_provider_auth_failed(llm_http):
    route = llm_http.post(URL).mock(
        return_value=openai_error(401, "invalid_api_key", "Incorrect API key provided")
    )
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_auth_failed"
    assert "Incorrect API key" in caught.value.message
    assert route.call_count == 1


def test_server_errors_and_refused_connections_are_provider_unavailable(llm_http, settings):
    settings.LLM_MAX_RETRIES = 1
    route = llm_http.post(URL)
    route.side_effect = [
        openai_error(503, "server_error", "Overloaded"),
        httpx.ConnectError("Connection refused"),
    ]
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_unavailable"
    assert route.call_count == 2


def test_an_unknown_model_is_a_bad_request_not_retried(llm_http):
    route = llm_http.post(URL).mock(
        return_value=openai_error(404, "model_not_found", "The model `gpt-9` does not exist")
    )
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-9"), section_task())

    assert caught.value.code == "provider_bad_request"
    assert route.call_count == 1


def test_a_stream_cut_off_mid_way_yields_the_text_so_far_then_fails(llm_http):
    pieces = responses_pieces(["First ", "words ", "then ", "nothing."])
    llm_http.post(URL).mock(
        return_value=openai_response([*pieces[: RESPONSES_PREAMBLE + 2], cut_connection()])
    )
    seen: list[TextDelta | Usage] = []
    with pytest.raises(ProviderError) as caught:  # noqa: PT012 — the text before the cut counts
        for item in OpenAIProvider(model="gpt-4o-mini").write_section(section_task()):
            seen.append(item)

    assert caught.value.code == "provider_unavailable"
    assert [d.text for d in seen if isinstance(d, TextDelta)] == ["First ", "words "]


def test_a_stream_that_just_stops_before_finishing_is_a_bad_response(llm_http):
    stream = ResponsesStream(model="gpt-4o-mini")
    llm_http.post(URL).mock(return_value=openai_response([*stream.start(), stream.delta("Half a")]))
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_bad_response"


def test_openai_base_url_points_the_client_at_a_proxy_or_test_double(llm_http, settings):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:8999/v1"
    route = llm_http.post("http://127.0.0.1:8999/v1/responses").mock(
        return_value=openai_response(responses_pieces(["Proxied."]))
    )
    deltas, _ = collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert route.call_count == 1
    assert [d.text for d in deltas] == ["Proxied."]
