"""OpenAI Chat Completions, streamed, through the official SDK."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
from django.conf import settings

from apps.pipeline import pricing
from apps.pipeline.providers import errors, prompts
from apps.pipeline.providers.base import ProviderError, SectionTask, TextDelta
from apps.pipeline.state import Usage

logger = logging.getLogger(__name__)

# finish_reason values that mean the model ended on its own terms (or hit our token limit, which
# the writer handles like any short section).
_FINISHED = {"stop", "length"}
REASONING_MODELS = ("o1", "o3", "o4", "gpt-5")
REASONING_HEADROOM = 8_000


@functools.cache
def client_for(
    *, api_key: str, base_url: str | None, timeout: float, max_retries: int
) -> openai.OpenAI:
    # One client (and connection pool) per configuration and process. The SDK retries 408, 409,
    # 429, 5xx and broken connections with exponential backoff, honouring retry-after.
    return openai.OpenAI(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


class OpenAIProvider:
    vendor = "OpenAI"

    def __init__(self, *, model: str, client: openai.OpenAI | None = None) -> None:
        self.name = model
        self.label = f"{model} ({self.vendor})"
        self._client = client or client_for(
            api_key=settings.OPENAI_API_KEY,
            base_url=None,
            timeout=settings.LLM_TIMEOUT,
            max_retries=settings.LLM_MAX_RETRIES,
        )

    def expected_words(self, task: SectionTask) -> int:
        return task.words_wanted

    def _limits(self, task: SectionTask) -> dict[str, Any]:
        # OpenAI's own API wants max_completion_tokens (max_tokens is refused by newer models).
        # Reasoning models spend part of it thinking before they write a word.
        headroom = REASONING_HEADROOM if self.name.startswith(REASONING_MODELS) else 0
        return {"max_completion_tokens": prompts.max_tokens(task) + headroom}

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        system, user = prompts.system_prompt(task), prompts.user_prompt(task)
        finish: str | None = None
        reported: Any = None
        written = 0
        try:
            with self._client.chat.completions.create(
                model=self.name,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                stream=True,
                stream_options={"include_usage": True},
                **self._limits(task),
            ) as stream:
                for chunk in stream:
                    if chunk.usage is not None:
                        reported = chunk.usage
                    for choice in chunk.choices:
                        if choice.delta is not None and choice.delta.content:
                            written += len(choice.delta.content)
                            yield TextDelta(choice.delta.content)
                        if choice.finish_reason:
                            finish = choice.finish_reason
        except (openai.OpenAIError, httpx2.HTTPError) as error:
            raise errors.from_sdk(
                error, vendor=self.vendor, retries=self._client.max_retries
            ) from error
        if finish is None:
            raise errors.cut_short(self.vendor)
        if finish not in _FINISHED:
            raise ProviderError(errors.BAD_RESPONSE, f"{self.vendor} stopped writing ({finish}).")
        if reported is not None:
            tokens_in, tokens_out = reported.prompt_tokens, reported.completion_tokens
        else:
            # Some compatible servers ignore include_usage: count ~4 characters a token.
            tokens_in, tokens_out = (len(system) + len(user)) // 4, written // 4
            logger.info("event=usage_estimated model=%s", self.name)
        yield Usage(
            model=self.name,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            cost_usd=pricing.cost_usd(self.name, tokens_in=tokens_in, tokens_out=tokens_out),
        )
