"""Any server that speaks OpenAI's Chat Completions (Ollama, vLLM, llama.cpp, Gemini's OpenAI
endpoint...), reached by base URL through the official openai SDK."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import openai
from django.conf import settings

from apps.pipeline.providers import prompts
from apps.pipeline.providers.base import SectionTask
from apps.pipeline.providers.openai_provider import OpenAIProvider, client_for

# Local servers need no key, but the SDK insists on one.
NO_KEY = "not-needed"


def server_name() -> str:
    return urlsplit(settings.LLM_BASE_URL).netloc or settings.LLM_BASE_URL


class CompatibleProvider(OpenAIProvider):
    def __init__(self, *, model: str, client: openai.OpenAI | None = None) -> None:
        self.vendor = server_name()
        super().__init__(
            model=model,
            client=client
            or client_for(
                api_key=settings.LLM_API_KEY or NO_KEY,
                base_url=settings.LLM_BASE_URL,
                timeout=settings.LLM_TIMEOUT,
                max_retries=settings.LLM_MAX_RETRIES,
            ),
        )

    def _limits(self, task: SectionTask) -> dict[str, Any]:
        # max_tokens is what Ollama, vLLM and llama.cpp understand.
        return {"max_tokens": prompts.max_tokens(task)}
