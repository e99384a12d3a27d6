"""The chaos suite's stack: its own Redis (on a spare port, persisting every write, so it can
be killed and started again), a Daphne, a prefork Celery worker and Celery beat, both under
devtools.supervise as `make run` runs them, against the test database. Figures collected by
the tests are printed at the end of the session (and kept in test-artifacts/)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from devtools.processes import (
    Processes,
    RedisServer,
    django_env,
    start_beat,
    start_daphne,
    start_supervised_worker,
)
from tests.conftest import ARTIFACTS

# Short enough that a dead worker's run ends within seconds, long enough to ride out a pause.
LEASE_SECONDS = 6
SWEEP_SECONDS = 2
# 185 deltas a run (the offline provider's plan) at this pace: about 20 seconds of writing.
DELTA_SECONDS = 0.11

FIGURES: list[str] = []


def record(line: str) -> None:
    FIGURES.append(line)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("chaos figures")
    for line in FIGURES:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "chaos-figures.txt").write_text("\n".join(FIGURES) + "\n")


@dataclass
class ChaosStack:
    url: str
    redis: RedisServer
    group: Processes
    worker_log: Path
    log_dir: Path


@pytest.fixture(scope="session")
def chaos_stack(django_db_setup, django_db_blocker) -> Iterator[ChaosStack]:
    log_dir = ARTIFACTS / "logs-chaos"
    redis = RedisServer(directory=log_dir / "redis-data", log_dir=log_dir)
    for stale in (log_dir / "redis-data").glob("**/*"):
        if stale.is_file():
            stale.unlink()
    for stale in log_dir.glob("*.log"):
        stale.unlink()
    redis.start()
    env = django_env(
        settings_module="handywriterz.settings_test",
        database_name=django_settings.DATABASES["default"]["NAME"],
        REDIS_URL=redis.url,
        CELERY_BROKER_URL=redis.url,
        CELERY_QUEUE=f"hwz-chaos-{os.getpid()}",
        CHANNEL_LAYER_PREFIX="hwz-chaos",
        CACHE_KEY_PREFIX="hwz-chaos",
        OFFLINE_STREAM_DELAY=str(DELTA_SECONDS),
        RUN_LEASE_SECONDS=str(LEASE_SECONDS),
        RUN_SWEEP_SECONDS=str(SWEEP_SECONDS),
        SUBMISSION_RATE="1000/m",
        # Live delivery, not the heartbeat's backfill, must carry the events: a gap in
        # delivery then shows as a gap.
        SSE_HEARTBEAT_SECONDS="15",
    )
    group = Processes()
    try:
        url = start_daphne(group, env=env, log_dir=log_dir)
        worker_log = start_supervised_worker(group, env=env, log_dir=log_dir)
        start_beat(group, env=env, log_dir=log_dir)
        yield ChaosStack(url=url, redis=redis, group=group, worker_log=worker_log, log_dir=log_dir)
    finally:
        group.stop()
        redis.kill()
