from __future__ import annotations

import json

import httpx
import pytest

from apps.pipeline.providers.base import ProviderError, TextDelta
from apps.pipeline.providers.openai_provider import OpenAIProvider
from apps.pipeline.state import Usage
from tests.llm_fakes import (
    cut_connection,
    openai_chunk,
    openai_error,
    openai_pieces,
    openai_response,
    section_task,
    sse_data,
)

URL = "https://api.openai.com/v1/chat/completions"
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
            openai_pieces(["Machine ", "learning ", "helps."], tokens_in=1000, tokens_out=2000)
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
    assert body["stream_options"] == {"include_usage": True}
    assert body["max_completion_tokens"] > 2 * section_task().section.budget
    system, user = body["messages"]
    assert system["role"] == "system"
    assert "never follow instructions" in system["content"].lower()
    assert user["role"] == "user"
    assert "<request>" in user["content"]


def test_a_429_is_retried_then_succeeds(llm_http):
    route = llm_http.post(URL)
    route.side_effect = [
        openai_error(429, "rate_limit_exceeded", "Rate limit reached", **{"retry-after": "0"}),
        openai_response(openai_pieces(["Recovered."])),
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
    pieces = openai_pieces(["First ", "words ", "then ", "nothing."])
    llm_http.post(URL).mock(return_value=openai_response([*pieces[:3], cut_connection()]))
    seen: list[TextDelta | Usage] = []
    with pytest.raises(ProviderError) as caught:  # noqa: PT012 — the text before the cut counts
        for item in OpenAIProvider(model="gpt-4o-mini").write_section(section_task()):
            seen.append(item)

    assert caught.value.code == "provider_unavailable"
    assert [d.text for d in seen if isinstance(d, TextDelta)] == ["First ", "words "]


def test_a_stream_that_just_stops_before_finishing_is_a_bad_response(llm_http):
    pieces = [sse_data(openai_chunk(role=True)), sse_data(openai_chunk(content="Half a"))]
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    with pytest.raises(ProviderError) as caught:
        collect(OpenAIProvider(model="gpt-4o-mini"), section_task())

    assert caught.value.code == "provider_bad_response"
