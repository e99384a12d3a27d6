"""What model calls cost, from the price table in settings (USD per million tokens)."""

from __future__ import annotations

import functools
import logging
import math
import re

from django.conf import settings

from apps.pipeline.state import Usage

logger = logging.getLogger(__name__)

# English prose runs at about 1.3 tokens a word; budgets are estimated on the generous side.
TOKENS_PER_WORD = 1.4
# Every section call carries the request, the outline and the system prompt.
PROMPT_TOKENS_PER_CALL = 900


# A pinned snapshot ("gpt-4o-mini-2024-07-18", "claude-haiku-4-5-20251001") or "-latest" costs
# what its family costs.
_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$")


def price_of(model: str) -> tuple[float, float]:
    """(input, output) USD per million tokens; (0, 0) for a model not in the table (a local
    server). Paid OpenAI-compatible models must be listed in MODEL_PRICES to be counted."""
    prices: dict[str, tuple[float, float]] = settings.MODEL_PRICES
    price = prices.get(model) or prices.get(_SNAPSHOT.sub("", model))
    if price is None:
        _warn_unpriced(model)
        return (0.0, 0.0)
    return price


@functools.cache
def _warn_unpriced(model: str) -> None:
    if model != "offline":
        logger.warning("event=model_unpriced model=%s cost=0 hint=set MODEL_PRICES", model)


def cost_usd(model: str, *, tokens_in: int, tokens_out: int) -> float:
    price_in, price_out = price_of(model)
    return (tokens_in * price_in + tokens_out * price_out) / 1_000_000


def estimate_run_cost(*, model: str, target_word_count: int, sections: int = 6) -> float:
    """A deliberately high estimate of a run's cost before it starts, for the budget check: the
    output plus a continuation's worth, and a prompt per section call."""
    tokens_out = math.ceil(target_word_count * TOKENS_PER_WORD * 1.2)
    tokens_in = sections * 2 * PROMPT_TOKENS_PER_CALL
    return cost_usd(model, tokens_in=tokens_in, tokens_out=tokens_out)


def call_usage(
    model: str, reported: tuple[int, int] | None, *, prompt_chars: int, written_chars: int
) -> Usage:
    """What one call cost: the tokens the provider reported (in, out), or where it reported
    none (some compatible servers and proxies) an estimate at about four characters a token."""
    if reported is None:
        logger.info("event=usage_estimated model=%s", model)
        reported = (prompt_chars // 4, written_chars // 4)
    tokens_in, tokens_out = reported
    return Usage(
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        cost_usd=cost_usd(model, tokens_in=tokens_in, tokens_out=tokens_out),
    )
