"""Cooperative stop, as the engine sees it: a token it polls between deltas and steps.

The engine is handed the token; it does not know where a stop request is recorded. The run's
lifecycle (apps.conversations.cancel) supplies the real one, which polls Redis and the database.
"""

from __future__ import annotations

from typing import Protocol


class RunCancelled(Exception):
    """Raised inside the pipeline once a stop was requested."""


class CancelToken(Protocol):
    def check(self, *, force: bool = False) -> None:
        """Raise RunCancelled if a stop was requested. Cheap enough to call on every delta;
        `force` asks the slower source of truth too (between steps, where a query is nothing)."""
        ...


class NeverCancelled:
    """For steps run outside a real run (tests, previews)."""

    def check(self, *, force: bool = False) -> None:
        return None
