"""Which models can be chosen, and the provider behind each."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from apps.pipeline.providers.base import Provider
from apps.pipeline.providers.offline import OfflineProvider

logger = logging.getLogger(__name__)

OFFLINE_MODEL = "offline"


@dataclass(frozen=True)
class ModelChoice:
    id: str
    label: str
    offline: bool


def _catalogue() -> dict[str, tuple[str, Callable[[], Provider]]]:
    """model id -> (label, provider factory), configured providers first, in a fixed order.
    Read per call: which models exist depends on settings (and tests override them)."""
    # Imported here: the SDKs are only loaded by processes that use a model.
    from apps.pipeline.providers.anthropic_provider import AnthropicProvider
    from apps.pipeline.providers.compatible_provider import CompatibleProvider, server_name
    from apps.pipeline.providers.openai_provider import OpenAIProvider

    sources: list[tuple[list[str], str, Callable[[str], Provider]]] = []
    if settings.OPENAI_API_KEY:
        sources.append((settings.OPENAI_MODELS, "OpenAI", lambda m: OpenAIProvider(model=m)))
    if settings.ANTHROPIC_API_KEY:
        sources.append(
            (settings.ANTHROPIC_MODELS, "Anthropic", lambda m: AnthropicProvider(model=m))
        )
    if settings.LLM_BASE_URL:
        sources.append((settings.LLM_MODELS, server_name(), lambda m: CompatibleProvider(model=m)))
    catalogue: dict[str, tuple[str, Callable[[], Provider]]] = {}
    for models, vendor, make in sources:
        for model in models:
            if model == OFFLINE_MODEL or model in catalogue:
                logger.warning("event=model_listed_twice model=%s vendor=%s", model, vendor)
                continue
            catalogue[model] = (f"{model} ({vendor})", functools.partial(make, model))
    catalogue[OFFLINE_MODEL] = (OfflineProvider.label, OfflineProvider)
    return catalogue


def available_models() -> list[ModelChoice]:
    """Configured models first; `offline` is always available and last."""
    return [
        ModelChoice(model, label, offline=model == OFFLINE_MODEL)
        for model, (label, _) in _catalogue().items()
    ]


def default_model() -> str:
    """DEFAULT_MODEL when it is one of the available models, else the first configured."""
    ids = [choice.id for choice in available_models()]
    return settings.DEFAULT_MODEL if settings.DEFAULT_MODEL in ids else ids[0]


def get_provider(model: str) -> Provider:
    entry = _catalogue().get(model)
    if entry is None:
        raise LookupError(f"No provider is configured for model {model!r}")
    return entry[1]()
