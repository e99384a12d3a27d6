from __future__ import annotations

from tests.e2e.conftest import live_stack

__all__ = ["live_stack"]
