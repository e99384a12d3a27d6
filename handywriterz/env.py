"""Strict parsing of settings from the environment: a malformed value stops start-up with
ImproperlyConfigured instead of silently meaning something else."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0/yes/no), got {raw!r}")


def env_number(name: str, default: float, *, minimum: float, maximum: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, got {raw!r}")
    return value


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    value = env_number(name, default, minimum=minimum, maximum=maximum)
    if value != int(value):
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}")
    return int(value)


def env_url(name: str) -> str:
    """An optional http(s) base URL: empty means "not set" (the SDK's own default)."""
    raw = os.environ.get(name, "").strip()
    if raw and (not raw.startswith(("http://", "https://")) or not urlsplit(raw).netloc):
        raise ImproperlyConfigured(f"{name} must be an http(s) URL, got {raw!r}")
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_prices(
    name: str, default: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """`{"model": [usd_per_million_in, usd_per_million_out], ...}` as JSON, merged over the
    defaults so that adding one model does not drop the others."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} must be JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object of model: [in, out]")
    prices = dict(default)
    for model, pair in parsed.items():
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(p, int | float) and not isinstance(p, bool) for p in pair)
            or min(pair) < 0
        ):
            raise ImproperlyConfigured(
                f"{name}[{model!r}] must be [usd_per_million_in, usd_per_million_out], got {pair!r}"
            )
        prices[model] = (float(pair[0]), float(pair[1]))
    return prices
