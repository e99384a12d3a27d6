from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.live import LiveStack, start_stack

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_stack(django_db_setup, django_db_blocker) -> Iterator[LiveStack]:
    stack = start_stack(
        database_name=settings.DATABASES["default"]["NAME"], log_dir=ARTIFACTS / "logs"
    )
    yield stack
    stack.stop()
