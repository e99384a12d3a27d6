from __future__ import annotations

import json

import pytest

from apps.pipeline.providers.anthropic_provider import AnthropicProvider
from apps.pipeline.providers.base import ProviderError, TextDelta
from apps.pipeline.state import Usage
from tests.llm_fakes import (
    anthropic_error,
    anthropic_event,
    anthropic_pieces,
    anthropic_response,
    cut_connection,
    section_task,
)

URL = "https://api.anthropic.com/v1/messages"
MODEL = "claude-haiku-4-5"


@pytest.fixture(autouse=True)
def anthropic_configured(settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.LLM_MAX_RETRIES = 2


def collect(task=None):
    deltas: list[TextDelta | Usage] = []
    usage: list[TextDelta | Usage] = []
    for item in AnthropicProvider(model=MODEL).write_section(task or section_task(model=MODEL)):
        (usage if isinstance(item, Usage) else deltas).append(item)
    return deltas, usage


def test_streams_text_deltas_and_usage_from_message_start_and_message_delta(llm_http):
    route = llm_http.post(URL).mock(
        return_value=anthropic_response(
            anthropic_pieces(["Consent ", "matters."], tokens_in=2000, tokens_out=500)
        )
    )
    deltas, usage = collect()

    assert [d.text for d in deltas] == ["Consent ", "matters."]
    # Input from message_start, output from message_delta's running total; haiku: $1 / $5.
    (reported,) = usage
    assert isinstance(reported, Usage)
    assert (reported.model, reported.tokens_in, reported.tokens_out) == (MODEL, 2000, 500)
    assert reported.cost_usd == pytest.approx(0.002 + 0.0025)
    request = route.calls.last.request
    # This SDK release authenticates with a bearer token (older ones sent x-api-key).
    assert "sk-ant-test" in (
        request.headers.get("authorization", "") + request.headers.get("x-api-key", "")
    )
    body = json.loads(request.content)
    assert body["model"] == MODEL
    assert body["stream"] is True
    assert body["max_tokens"] > 2 * section_task().section.budget
    assert "<material>" in body["system"]
    assert body["messages"][0]["role"] == "user"


def test_overloaded_then_success_is_retried(llm_http):
    route = llm_http.post(URL)
    route.side_effect = [
        anthropic_error(529, "overloaded_error", "Overloaded", **{"retry-after": "0"}),
        anthropic_error(429, "rate_limit_error", "Too many requests", **{"retry-after": "0"}),
        anthropic_response(anthropic_pieces(["Fine."])),
    ]
    deltas, usage = collect()

    assert route.call_count == 3
    assert [d.text for d in deltas] == ["Fine."]
    assert len(usage) == 1


def test_a_401_is_provider_auth_failed(llm_http):
    route = llm_http.post(URL).mock(
        return_value=anthropic_error(401, "authentication_error", "invalid x-api-key")
    )
    with pytest.raises(ProviderError) as caught:
        collect()
    assert caught.value.code == "provider_auth_failed"
    assert route.call_count == 1


def test_rate_limited_after_the_retries_is_provider_rate_limited(llm_http, settings):
    settings.LLM_MAX_RETRIES = 1
    llm_http.post(URL).mock(
        return_value=anthropic_error(429, "rate_limit_error", "Slow down", **{"retry-after": "0"})
    )
    with pytest.raises(ProviderError) as caught:
        collect()
    assert caught.value.code == "provider_rate_limited"


def test_a_stream_cut_off_mid_way_yields_the_text_so_far_then_fails(llm_http):
    pieces = anthropic_pieces(["One ", "two ", "three."])
    # message_start, content_block_start, ping, two deltas, then the connection drops.
    llm_http.post(URL).mock(return_value=anthropic_response([*pieces[:5], cut_connection()]))
    seen: list[TextDelta | Usage] = []
    with pytest.raises(ProviderError) as caught:  # noqa: PT012 — the text before the cut counts
        for item in AnthropicProvider(model=MODEL).write_section(section_task(model=MODEL)):
            seen.append(item)
    assert caught.value.code == "provider_unavailable"
    assert [d.text for d in seen if isinstance(d, TextDelta)] == ["One ", "two "]


def test_an_error_event_mid_stream_fails_the_call(llm_http):
    pieces = anthropic_pieces(["Start."])
    error = anthropic_event(
        "error", {"error": {"type": "overloaded_error", "message": "Overloaded"}}
    )
    llm_http.post(URL).mock(return_value=anthropic_response([*pieces[:4], error]))
    with pytest.raises(ProviderError) as caught:
        collect()
    assert caught.value.code in {"provider_unavailable", "provider_bad_response"}


def test_a_stream_without_message_stop_is_a_bad_response(llm_http):
    pieces = anthropic_pieces(["Cut."])
    llm_http.post(URL).mock(return_value=anthropic_response(pieces[:-1]))
    with pytest.raises(ProviderError) as caught:
        collect()
    assert caught.value.code == "provider_bad_response"


def test_anthropic_base_url_points_the_client_at_a_proxy_or_test_double(llm_http, settings):
    settings.ANTHROPIC_BASE_URL = "http://127.0.0.1:8999"
    route = llm_http.post("http://127.0.0.1:8999/v1/messages").mock(
        return_value=anthropic_response(anthropic_pieces(["Proxied."]))
    )
    deltas, _ = collect()

    assert route.call_count == 1
    assert [d.text for d in deltas] == ["Proxied."]
