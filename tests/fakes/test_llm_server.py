"""The fake model server, read by the real SDKs over real HTTP: each wire format parses into the
text and usage it sent; models, errors, slow streams; the app's own providers against it."""

from __future__ import annotations

import time

import anthropic
import httpx
import openai
import pytest

from apps.pipeline.providers.base import TextDelta
from apps.pipeline.providers.registry import available_models, get_provider
from apps.pipeline.state import Usage
from tests.fakes.clients import (
    SYSTEM,
    ask,
    within,
)
from tests.fakes.llm_server import FakeLLMServer, fake_model
from tests.fakes.prompt import count_words
from tests.fakes.wire import tokens_for
from tests.llm_fakes import section_task

# --- wire formats -------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "compatible", "anthropic"])
def test_each_wire_format_reads_back_through_the_real_sdk(server, provider):
    answer = ask(server, "obeys", 400, provider=provider)

    assert within(count_words(answer.text), 400, 0.05)
    assert answer.finish in {"completed", "stop", "end_turn"}
    assert answer.tokens_out == tokens_for(answer.text)
    assert within(answer.tokens_out, round(len(answer.text.split()) * 1.3), 0.05)
    assert answer.tokens_in > 100
    assert len(answer.deltas) > 100  # small deltas, not one block
    (request,) = server.requests
    path = {"openai": "/v1/responses", "compatible": "/v1/chat/completions"}
    assert request.path == path.get(provider, "/v1/messages")
    assert (request.behaviour, request.handles, request.words) == ("obeys", ("S1", "S2", "S3"), 400)
    assert request.system == SYSTEM
    assert not request.continuation


@pytest.mark.parametrize("provider", ["openai", "compatible", "anthropic"])
def test_the_token_limit_stops_a_long_answer_as_the_real_apis_do(server, provider):
    answer = ask(server, "too-long", 400, provider=provider, limit=300)

    assert answer.finish in {"incomplete:max_output_tokens", "length", "max_tokens"}
    assert answer.tokens_out <= 300
    assert count_words(answer.text) < 400 * 2


def test_the_same_request_writes_the_same_text(server):
    assert ask(server, "mixed").text == ask(server, "mixed").text
    assert ask(server, "mixed").text != ask(server, "mixed", 301).text


def test_models_are_listed_in_both_vendors_formats(server):
    listed = openai.OpenAI(api_key="k", base_url=server.openai_base_url).models.list()
    ids = {m.id for m in listed}
    assert {"fake-obeys", "fake-slow@compatible", "fake-mixed@anthropic"} <= ids
    claude = anthropic.Anthropic(api_key="k", base_url=server.anthropic_base_url).models.list()
    assert "fake-obeys@anthropic" in {m.id for m in claude}


def test_an_unknown_model_is_a_404_in_the_vendors_format(server):
    client = openai.OpenAI(api_key="k", base_url=server.openai_base_url, max_retries=0)
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.responses.create(model="gpt-4o", input="hi", stream=True)
    claude = anthropic.Anthropic(api_key="k", base_url=server.anthropic_base_url, max_retries=0)
    with pytest.raises(anthropic.NotFoundError):
        claude.messages.create(
            model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}]
        )


def test_slow_streams_slowly_and_lets_the_client_hang_up(server):
    client = openai.OpenAI(api_key="k", base_url=server.openai_base_url, max_retries=0)
    started = time.monotonic()
    seen = []
    with client.chat.completions.create(
        model=fake_model("slow", "compatible"),
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
    ) as stream:
        for chunk in stream:
            seen += [c.delta.content for c in chunk.choices if c.delta.content]
            if len(seen) == 6:
                break
    assert seen[:2] == ["word0. ", "word1. "]
    assert time.monotonic() - started >= 0.08
    # Hanging up does not disturb the server.
    assert ask(server, "obeys", 100).text


# --- through the app's own providers --------------------------------------------------------------


@pytest.mark.parametrize("provider", ["openai", "anthropic", "compatible"])
def test_the_apps_providers_write_with_the_fake_models(fake_llm_configured, provider):
    model = fake_model("obeys", provider)
    assert model in {m.id for m in available_models()}
    items = list(get_provider(model).write_section(section_task(model=model)))

    text = "".join(i.text for i in items if isinstance(i, TextDelta))
    asked = fake_llm_configured.requests[-1].words
    assert asked
    assert within(count_words(text), asked, 0.05)
    assert isinstance(items[-1], Usage)
    assert items[-1].tokens_out == tokens_for(text)


def test_the_server_runs_on_its_own_for_manual_use():
    with FakeLLMServer(delta_seconds=0) as standalone:
        models = httpx.get(f"{standalone.openai_base_url}/models").json()
        assert standalone.env()["OPENAI_BASE_URL"] == standalone.openai_base_url
    assert models["object"] == "list"
