"""What model calls cost, from the price table in settings (USD per million tokens)."""

from __future__ import annotations

import math

from django.conf import settings

# English prose runs at about 1.3 tokens a word; budgets are estimated on the generous side.
TOKENS_PER_WORD = 1.4
# Every section call carries the request, the outline and the system prompt.
PROMPT_TOKENS_PER_CALL = 900


def price_of(model: str) -> tuple[float, float]:
    """(input, output) USD per million tokens; (0, 0) for a model not in the table (a local
    server). Paid OpenAI-compatible models must be listed in MODEL_PRICES to be counted."""
    prices: dict[str, tuple[float, float]] = settings.MODEL_PRICES
    return prices.get(model, (0.0, 0.0))


def cost_usd(model: str, *, tokens_in: int, tokens_out: int) -> float:
    price_in, price_out = price_of(model)
    return (tokens_in * price_in + tokens_out * price_out) / 1_000_000


def estimate_run_cost(*, model: str, target_word_count: int, sections: int = 6) -> float:
    """A deliberately high estimate of a run's cost before it starts, for the budget check: the
    output plus a continuation's worth, and a prompt per section call."""
    tokens_out = math.ceil(target_word_count * TOKENS_PER_WORD * 1.2)
    tokens_in = sections * 2 * PROMPT_TOKENS_PER_CALL
    return cost_usd(model, tokens_in=tokens_in, tokens_out=tokens_out)
