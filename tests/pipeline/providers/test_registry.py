from __future__ import annotations

import pytest

from apps.pipeline.providers.anthropic_provider import AnthropicProvider
from apps.pipeline.providers.offline import OfflineProvider
from apps.pipeline.providers.openai_provider import OpenAIProvider
from apps.pipeline.providers.registry import available_models, default_model, get_provider


def test_with_nothing_configured_only_offline_is_offered():
    assert [m.id for m in available_models()] == ["offline"]
    assert available_models()[0].offline is True
    assert default_model() == "offline"
    assert isinstance(get_provider("offline"), OfflineProvider)


def test_configured_models_come_first_in_a_fixed_order_and_offline_last(settings):
    settings.OPENAI_API_KEY = "sk-1"
    settings.OPENAI_MODELS = ["gpt-4o-mini"]
    settings.ANTHROPIC_API_KEY = "sk-ant"
    settings.ANTHROPIC_MODELS = ["claude-haiku-4-5"]
    settings.LLM_BASE_URL = "http://127.0.0.1:8080/v1"
    settings.LLM_MODELS = ["local-model", "gpt-4o-mini"]  # a clash: the first provider keeps it

    models = available_models()

    assert [m.id for m in models] == ["gpt-4o-mini", "claude-haiku-4-5", "local-model", "offline"]
    assert [m.offline for m in models] == [False, False, False, True]
    assert models[1].label == "claude-haiku-4-5 (Anthropic)"
    assert default_model() == "gpt-4o-mini"
    assert isinstance(get_provider("gpt-4o-mini"), OpenAIProvider)
    assert isinstance(get_provider("claude-haiku-4-5"), AnthropicProvider)


def test_a_model_of_an_unconfigured_provider_is_unknown(settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(LookupError):
        get_provider("gpt-4o-mini")


def test_default_model_names_the_preselected_model_when_it_is_available(settings):
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o"]
    settings.DEFAULT_MODEL = "gpt-4o"
    assert default_model() == "gpt-4o"
    settings.DEFAULT_MODEL = "offline"
    assert default_model() == "offline"
    settings.DEFAULT_MODEL = "not-configured"
    assert default_model() == "gpt-4o-mini"
