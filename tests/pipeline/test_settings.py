from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from handywriterz.env import env_prices, env_url

DEFAULT = {"gpt-4o-mini": (0.15, 0.6)}


def test_prices_from_json_are_merged_over_the_defaults(monkeypatch):
    monkeypatch.setenv("MODEL_PRICES", '{"llama3.1:70b": [0.5, 0.8], "gpt-4o-mini": [1, 2]}')
    assert env_prices("MODEL_PRICES", DEFAULT) == {
        "gpt-4o-mini": (1.0, 2.0),
        "llama3.1:70b": (0.5, 0.8),
    }


def test_unset_prices_are_the_defaults(monkeypatch):
    monkeypatch.delenv("MODEL_PRICES", raising=False)
    assert env_prices("MODEL_PRICES", DEFAULT) == DEFAULT


@pytest.mark.parametrize(
    "raw",
    ["not json", "[1, 2]", '{"m": [1]}', '{"m": [-1, 2]}', '{"m": ["1", 2]}', '{"m": [true, 1]}'],
)
def test_malformed_prices_fail_at_start_up(monkeypatch, raw):
    monkeypatch.setenv("MODEL_PRICES", raw)
    with pytest.raises(ImproperlyConfigured):
        env_prices("MODEL_PRICES", DEFAULT)


@pytest.mark.parametrize("name", ["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "LLM_BASE_URL"])
def test_a_base_url_is_optional_and_kept_as_given(monkeypatch, name):
    monkeypatch.delenv(name, raising=False)
    assert env_url(name) == ""
    monkeypatch.setenv(name, "http://127.0.0.1:8765/v1")
    assert env_url(name) == "http://127.0.0.1:8765/v1"


@pytest.mark.parametrize("raw", ["127.0.0.1:8765", "ftp://proxy.example/v1", "https://", "api"])
def test_a_base_url_that_is_not_http_fails_at_start_up(monkeypatch, raw):
    monkeypatch.setenv("OPENAI_BASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="OPENAI_BASE_URL must be an http"):
        env_url("OPENAI_BASE_URL")
