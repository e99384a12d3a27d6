"""Anthropic Messages, streamed, through the official SDK."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import anthropic
import httpx2
from django.conf import settings

from apps.pipeline import pricing
from apps.pipeline.providers import errors, prompts
from apps.pipeline.providers.base import (
    Completion,
    ProviderError,
    SectionTask,
    TextDelta,
    collect,
)
from apps.pipeline.state import Usage

# Passed explicitly when ANTHROPIC_BASE_URL is empty: given None, the SDK would read the
# environment itself, and an empty ANTHROPIC_BASE_URL there would make every URL relative.
DEFAULT_BASE_URL = "https://api.anthropic.com"
_FINISHED = {"end_turn", "max_tokens", "stop_sequence"}


@functools.cache
def client_for(
    *, api_key: str, base_url: str, timeout: float, max_retries: int
) -> anthropic.Anthropic:
    # The SDK retries 408, 409, 429, 5xx (529 overloaded included) and broken connections with
    # exponential backoff, honouring retry-after.
    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


class AnthropicProvider:
    vendor = "Anthropic"

    def __init__(self, *, model: str, client: anthropic.Anthropic | None = None) -> None:
        self.name = model
        self.label = f"{model} ({self.vendor})"
        self._client = client or client_for(
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL or DEFAULT_BASE_URL,
            timeout=settings.LLM_TIMEOUT,
            max_retries=settings.LLM_MAX_RETRIES,
        )

    def expected_words(self, task: SectionTask) -> int:
        return task.words_wanted

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        return self._stream(
            prompts.system_prompt(task), prompts.user_prompt(task), prompts.max_tokens(task)
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        return collect(self._stream(system, prompt, max_tokens), model=self.name)

    def _stream(self, system: str, user: str, max_tokens: int) -> Iterator[TextDelta | Usage]:
        tokens_in = tokens_out = 0
        stop_reason: str | None = None
        stopped = False
        try:
            with self._client.messages.create(
                model=self.name,
                max_tokens=max_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
                stream=True,
            ) as stream:
                for event in stream:
                    if event.type == "message_start":
                        usage = event.message.usage
                        tokens_in = (
                            usage.input_tokens
                            + (usage.cache_creation_input_tokens or 0)
                            + (usage.cache_read_input_tokens or 0)
                        )
                        tokens_out = usage.output_tokens
                    elif event.type == "content_block_delta":
                        if event.delta.type == "text_delta" and event.delta.text:
                            yield TextDelta(event.delta.text)
                    elif event.type == "message_delta":
                        # output_tokens here is the running total, not an increment.
                        tokens_out = event.usage.output_tokens
                        stop_reason = event.delta.stop_reason
                    elif event.type == "message_stop":
                        stopped = True
        except (anthropic.AnthropicError, httpx2.HTTPError) as error:
            raise errors.from_sdk(
                error, vendor=self.vendor, retries=self._client.max_retries
            ) from error
        if not stopped:
            raise errors.cut_short(self.vendor)
        if stop_reason not in _FINISHED:
            raise ProviderError(
                errors.BAD_RESPONSE, f"{self.vendor} stopped writing ({stop_reason})."
            )
        yield pricing.call_usage(
            self.name, (tokens_in, tokens_out), prompt_chars=0, written_chars=0
        )
