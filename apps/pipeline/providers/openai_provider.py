"""OpenAI's own API through the official SDK: the Responses API, streamed.

Servers that merely speak OpenAI's older Chat Completions (Ollama, vLLM, llama.cpp...) are the
CompatibleProvider's job (compatible_provider.py).
"""

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
from apps.pipeline.providers.base import (
    Completion,
    ProviderError,
    SectionTask,
    TextDelta,
    collect,
)
from apps.pipeline.state import Usage

logger = logging.getLogger(__name__)

# Passed explicitly when OPENAI_BASE_URL is empty: given None, the SDK would read the
# environment itself, and an empty OPENAI_BASE_URL there would make every URL relative.
DEFAULT_BASE_URL = "https://api.openai.com/v1"
REASONING_MODELS = ("o1", "o3", "o4", "gpt-5")
REASONING_HEADROOM = 8_000
# Why a response may stop early without being an error: our own token limit, which the writer
# handles like any short section (it continues it).
_INCOMPLETE_OK = {"max_output_tokens"}
# `code` of a failed response (or an `error` event) -> our error code. Anything else is an
# unusable answer.
_FAILED_CODES = {
    "rate_limit_exceeded": errors.RATE_LIMITED,
    "insufficient_quota": errors.RATE_LIMITED,
    "server_error": errors.UNAVAILABLE,
    "server_is_overloaded": errors.UNAVAILABLE,
    "slow_down": errors.UNAVAILABLE,
    "invalid_api_key": errors.AUTH_FAILED,
    "invalid_prompt": errors.BAD_REQUEST,
}


@functools.cache
def client_for(*, api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    # One client (and connection pool) per configuration and process. The SDK retries 408, 409,
    # 429, 5xx and broken connections with exponential backoff, honouring retry-after.
    return openai.OpenAI(
        api_key=api_key, base_url=base_url, timeout=timeout, max_retries=max_retries
    )


def _failed(vendor: str, code: str | None, message: str) -> ProviderError:
    """A failure the server reported inside a stream that had started (HTTP 200)."""
    ours = _FAILED_CODES.get(code or "", errors.BAD_RESPONSE)
    return ProviderError(ours, f"{vendor} failed while writing ({code or 'no code'}): {message}")


class OpenAIProvider:
    vendor = "OpenAI"

    def __init__(self, *, model: str, client: openai.OpenAI | None = None) -> None:
        self.name = model
        self.label = f"{model} ({self.vendor})"
        self._client = client or client_for(
            api_key=settings.OPENAI_API_KEY,
            base_url=settings.OPENAI_BASE_URL or DEFAULT_BASE_URL,
            timeout=settings.LLM_TIMEOUT,
            max_retries=settings.LLM_MAX_RETRIES,
        )

    def expected_words(self, task: SectionTask) -> int:
        return task.words_wanted

    def _max_output_tokens(self, wanted: int) -> int:
        # Reasoning models spend part of the limit thinking before they write a word.
        headroom = REASONING_HEADROOM if self.name.startswith(REASONING_MODELS) else 0
        return wanted + headroom

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        return self._stream(
            prompts.system_prompt(task), prompts.user_prompt(task), prompts.max_tokens(task)
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        return collect(self._stream(system, prompt, max_tokens), model=self.name)

    def _stream(self, system: str, user: str, max_tokens: int) -> Iterator[TextDelta | Usage]:
        finished = False
        reported: Any = None
        written = 0
        try:
            with self._client.responses.create(
                model=self.name,
                instructions=system,
                input=user,
                max_output_tokens=self._max_output_tokens(max_tokens),
                # The draft is the app's to keep; nothing needs to live on OpenAI's side.
                store=False,
                stream=True,
            ) as stream:
                for event in stream:
                    if event.type == "response.output_text.delta":
                        if event.delta:
                            written += len(event.delta)
                            yield TextDelta(event.delta)
                    elif event.type == "response.completed":
                        finished, reported = True, event.response.usage
                    elif event.type == "response.incomplete":
                        details = event.response.incomplete_details
                        reason = details.reason if details is not None else None
                        if reason not in _INCOMPLETE_OK:
                            raise ProviderError(
                                errors.BAD_RESPONSE,
                                f"{self.vendor} stopped writing ({reason or 'no reason given'}).",
                            )
                        finished, reported = True, event.response.usage
                    elif event.type == "response.failed":
                        failure = event.response.error
                        raise _failed(
                            self.vendor,
                            failure.code if failure is not None else None,
                            failure.message if failure is not None else "no details",
                        )
                    elif event.type == "error":
                        raise _failed(self.vendor, event.code, event.message)
        except (openai.OpenAIError, httpx2.HTTPError) as error:
            raise errors.from_sdk(
                error, vendor=self.vendor, retries=self._client.max_retries
            ) from error
        if not finished:
            raise errors.cut_short(self.vendor)
        counts = (reported.input_tokens, reported.output_tokens) if reported is not None else None
        yield pricing.call_usage(
            self.name, counts, prompt_chars=len(system) + len(user), written_chars=written
        )
