"""Health as a load balancer sees it when PostgreSQL is unreachable: a real Daphne whose database
address answers nothing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devtools.processes import Processes, django_env, start_daphne
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


@pytest.fixture
def web_without_database() -> Iterator[str]:
    group = Processes()
    env = django_env(
        settings_module="handywriterz.settings_test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/handywriterz",
        DB_CONNECT_TIMEOUT="1",
        DB_POOL_TIMEOUT="1",
    )
    try:
        yield start_daphne(group, env=env, log_dir=ARTIFACTS / "logs-db-down")
    finally:
        group.stop()


def test_ready_and_health_say_503_when_postgres_is_down(web_without_database: str):
    live = httpx.get(f"{web_without_database}/health/live", timeout=10)
    assert live.status_code == 200
    ready = httpx.get(f"{web_without_database}/health/ready", timeout=30)
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["database"]["ok"] is False
    assert checks["redis"]["ok"] is True
    health = httpx.get(f"{web_without_database}/health", timeout=30)
    assert health.status_code == 503
    assert health.json()["status"] == "down"
