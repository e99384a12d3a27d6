from __future__ import annotations

import pytest

from apps.pipeline.pricing import cost_usd, estimate_run_cost, price_of


def test_cost_is_per_million_tokens_in_and_out():
    assert cost_usd("gpt-4o", tokens_in=1_000_000, tokens_out=100_000) == pytest.approx(3.5)


@pytest.mark.parametrize(
    "model", ["gpt-4o-mini-2024-07-18", "claude-haiku-4-5-20251001", "gpt-4o-mini-latest"]
)
def test_a_pinned_snapshot_costs_what_its_family_costs(model):
    family = model.rsplit("-", 1)[0] if model.endswith("latest") else model[: model.rfind("-20")]
    assert price_of(model) == price_of(family) != (0.0, 0.0)


def test_an_unpriced_model_is_free(settings):
    settings.MODEL_PRICES = {"gpt-4o": (2.5, 10.0)}
    assert price_of("llama3.1:8b") == (0.0, 0.0)
    assert estimate_run_cost(model="llama3.1:8b", target_word_count=5000) == 0


def test_the_estimate_errs_on_the_high_side():
    # 1,000 words at ~1.3 tokens a word would cost 1300 * 10 / 1e6 in output alone.
    assert estimate_run_cost(model="gpt-4o", target_word_count=1000) > 1300 * 10 / 1_000_000
