"""Real processes for end-to-end tests: Daphne and a Celery worker against the test database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from devtools.processes import Processes, django_env, start_daphne, start_worker
from devtools.sse import SseMessage, iter_sse

# The live Daphne answers /metrics to this token (tests/health/test_metrics.py).
METRICS_TOKEN = "e2e-metrics-token"

__all__ = [
    "METRICS_TOKEN",
    "LiveStack",
    "SseMessage",
    "agroup_size",
    "group_size",
    "iter_sse",
    "start_stack",
]


@dataclass
class LiveStack:
    url: str
    group: Processes

    def stop(self) -> None:
        self.group.stop()


def start_stack(
    *,
    database_name: str,
    log_dir: Path,
    worker_env: dict[str, str] | None = None,
    web_env: dict[str, str] | None = None,
) -> LiveStack:
    env = django_env(
        settings_module="handywriterz.settings_test",
        database_name=database_name,
        OFFLINE_STREAM_DELAY="0.01",
        SSE_HEARTBEAT_SECONDS="2",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    group = Processes()
    try:
        url = start_daphne(group, env={**env, **(web_env or {})}, log_dir=log_dir)
        start_worker(group, env={**env, **(worker_env or {})}, log_dir=log_dir)
    except BaseException:
        group.stop()
        raise
    return LiveStack(url=url, group=group)


def _group_key(run_id: object) -> str:
    from django.conf import settings

    from apps.streaming.events import run_group

    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    return f"{prefix}:group:{run_group(run_id)}"


def group_size(run_id: object) -> int:
    """How many channels are subscribed to a run's channel-layer group right now."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return int(client.zcard(_group_key(run_id)))
    finally:
        client.close()


async def agroup_size(run_id: object) -> int:
    """group_size, for tests that run in an event loop."""
    import redis.asyncio as aioredis
    from django.conf import settings

    client = aioredis.from_url(settings.REDIS_URL)
    try:
        return int(await client.zcard(_group_key(run_id)))
    finally:
        await client.aclose()
