from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from handywriterz.env import env_prices

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
