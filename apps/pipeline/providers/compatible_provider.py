"""Any server that speaks OpenAI's Chat Completions (Ollama, vLLM, llama.cpp, Gemini's OpenAI
endpoint...), reached by base URL through the official openai SDK. OpenAI's own API is reached
through the Responses API instead (openai_provider.py); compatible servers speak this one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

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
from apps.pipeline.providers.openai_provider import client_for
from apps.pipeline.state import Usage

logger = logging.getLogger(__name__)

# Local servers need no key, but the SDK insists on one.
NO_KEY = "not-needed"
# finish_reason values that mean the model ended on its own terms (or hit our token limit, which
# the writer handles like any short section).
_FINISHED = {"stop", "length"}


def server_name() -> str:
    return urlsplit(settings.LLM_BASE_URL).netloc or settings.LLM_BASE_URL


class CompatibleProvider:
    def __init__(self, *, model: str, client: openai.OpenAI | None = None) -> None:
        self.vendor = server_name()
        self.name = model
        self.label = f"{model} ({self.vendor})"
        self._client = client or client_for(
            api_key=settings.LLM_API_KEY or NO_KEY,
            base_url=settings.LLM_BASE_URL,
            timeout=settings.LLM_TIMEOUT,
            max_retries=settings.LLM_MAX_RETRIES,
        )

    def expected_words(self, task: SectionTask) -> int:
        return task.words_wanted

    def _limits(self, max_tokens: int) -> dict[str, Any]:
        # max_tokens is what Ollama, vLLM and llama.cpp understand.
        return {"max_tokens": max_tokens}

    def write_section(self, task: SectionTask) -> Iterator[TextDelta | Usage]:
        return self._stream(
            prompts.system_prompt(task), prompts.user_prompt(task), prompts.max_tokens(task)
        )

    def complete(self, *, system: str, prompt: str, max_tokens: int) -> Completion:
        return collect(self._stream(system, prompt, max_tokens), model=self.name)

    def _stream(self, system: str, user: str, max_tokens: int) -> Iterator[TextDelta | Usage]:
        finish: str | None = None
        reported: Any = None
        written = 0
        try:
            with self._client.chat.completions.create(
                model=self.name,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
                stream=True,
                stream_options={"include_usage": True},
                **self._limits(max_tokens),
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
        counts = (
            (reported.prompt_tokens, reported.completion_tokens) if reported is not None else None
        )
        yield pricing.call_usage(
            self.name, counts, prompt_chars=len(system) + len(user), written_chars=written
        )
