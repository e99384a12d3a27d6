"""Which models can be chosen, and the provider behind each."""

from __future__ import annotations

from dataclasses import dataclass

from apps.pipeline.providers.base import Provider
from apps.pipeline.providers.offline import OfflineProvider

OFFLINE_MODEL = "offline"


@dataclass(frozen=True)
class ModelChoice:
    id: str
    label: str
    offline: bool


def available_models() -> list[ModelChoice]:
    """Configured models first; `offline` is always available and last."""
    return [ModelChoice(OFFLINE_MODEL, OfflineProvider.label, offline=True)]


def default_model() -> str:
    return available_models()[0].id


def get_provider(model: str) -> Provider:
    if model == OFFLINE_MODEL:
        return OfflineProvider()
    raise LookupError(f"No provider is configured for model {model!r}")
