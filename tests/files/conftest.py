from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_directory(media_root):
    """Every test here stores uploads under its own `media_root`."""
