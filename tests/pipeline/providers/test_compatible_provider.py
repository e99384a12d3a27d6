from __future__ import annotations

import json

import pytest

from apps.pipeline.providers.base import TextDelta
from apps.pipeline.providers.compatible_provider import CompatibleProvider
from apps.pipeline.providers.registry import available_models, get_provider
from apps.pipeline.state import Usage
from tests.llm_fakes import openai_chunk, openai_pieces, openai_response, section_task, sse_data

URL = "http://localhost:11434/v1/chat/completions"


@pytest.fixture(autouse=True)
def ollama(settings):
    settings.LLM_BASE_URL = "http://localhost:11434/v1"
    settings.LLM_API_KEY = ""
    settings.LLM_MODELS = ["llama3.1:8b", "qwen2.5:14b"]


def test_models_come_from_llm_models_and_are_served_by_the_compatible_provider():
    models = available_models()
    assert [m.id for m in models] == ["llama3.1:8b", "qwen2.5:14b", "offline"]
    assert models[0].label == "llama3.1:8b (localhost:11434)"
    assert isinstance(get_provider("qwen2.5:14b"), CompatibleProvider)


def test_writes_through_the_base_url_with_max_tokens_and_a_placeholder_key(llm_http):
    route = llm_http.post(URL).mock(
        return_value=openai_response(openai_pieces(["Local ", "model."], tokens_out=7))
    )
    items = list(get_provider("llama3.1:8b").write_section(section_task(model="llama3.1:8b")))

    assert [i.text for i in items if isinstance(i, TextDelta)] == ["Local ", "model."]
    # Not in MODEL_PRICES: a local model costs nothing, but its tokens are still counted.
    assert items[-1] == Usage("llama3.1:8b", 120, 7, 0.0)
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer not-needed"
    body = json.loads(request.content)
    assert "max_tokens" in body
    assert "max_completion_tokens" not in body


def test_a_server_that_reports_no_usage_gets_an_estimate(llm_http):
    pieces = [
        sse_data(openai_chunk(role=True)),
        sse_data(openai_chunk(content="x" * 400)),
        sse_data(openai_chunk(finish="stop")),
        sse_data("[DONE]"),
    ]
    llm_http.post(URL).mock(return_value=openai_response(pieces))
    usage = list(get_provider("llama3.1:8b").write_section(section_task(model="llama3.1:8b")))[-1]

    assert isinstance(usage, Usage)
    assert usage.tokens_out == 100
    assert usage.tokens_in > 100
