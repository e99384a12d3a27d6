"""Redis behind Sentinel: the channel layer, the cache, the Celery broker and our own clients
find the master through it, and a run goes on streaming, whole, across a forced failover.

The test starts its own Redis master, a replica and a Sentinel (Debian's redis-sentinel), then
Daphne and a Celery worker configured with REDIS_SENTINELS only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from devtools.processes import (
    Processes,
    django_env,
    start_daphne,
    start_redis,
    start_sentinel,
    start_worker,
)
from tests.factories import UserFactory
from tests.live import iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOGS = Path(__file__).resolve().parents[2] / "test-artifacts" / "logs-sentinel"
MASTER = "hwz-master"


@dataclass
class SentinelStack:
    url: str
    sentinel: redis.Redis
    master_port: int
    replica_port: int

    def master(self) -> int:
        address = self.sentinel.sentinel_get_master_addr_by_name(MASTER)
        assert isinstance(address, tuple), address
        return int(address[1])


def _wait(condition, *, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _force_failover(sentinel: redis.Redis) -> None:
    # Refused (NOGOODSLAVE) until the Sentinel has heard from the replica itself: ask again.
    deadline = time.monotonic() + 15
    while True:
        try:
            sentinel.execute_command("SENTINEL", "FAILOVER", MASTER)
            return
        except redis.ResponseError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[SentinelStack]:
    group = Processes()
    try:
        master = start_redis(group, log_dir=LOGS, name="redis-master")
        replica = start_redis(group, log_dir=LOGS, name="redis-replica", replica_of=master)
        replica_client = redis.Redis(port=replica)
        _wait(
            lambda: replica_client.info("replication").get("master_link_status") == "up",
            what="the replica in sync",
        )
        port = start_sentinel(
            group, log_dir=LOGS, name="redis-sentinel", master=MASTER, master_port=master
        )
        sentinel = redis.Redis(port=port, decode_responses=True)
        _wait(
            lambda: any(
                r["port"] == replica and "s_down" not in r["flags"]
                for r in sentinel.sentinel_slaves(MASTER)
            ),
            what="the Sentinel knowing the replica",
        )
        env = django_env(
            settings_module="handywriterz.settings_test",
            database_name=settings.DATABASES["default"]["NAME"],
            # The host here is never dialled: the Sentinels name the master. Database 0.
            REDIS_URL="redis://sentinel-managed/0",
            REDIS_SENTINELS=f"127.0.0.1:{port}",
            REDIS_SENTINEL_MASTER=MASTER,
            CELERY_QUEUE=f"{settings.CELERY_TASK_DEFAULT_QUEUE}-sentinel",
            OFFLINE_STREAM_DELAY="0.03",
            SSE_HEARTBEAT_SECONDS="1",
        )
        url = start_daphne(group, env=env, log_dir=LOGS)
        start_worker(group, env=env, log_dir=LOGS, name="sentinel-worker", ping=False)
        yield SentinelStack(url=url, sentinel=sentinel, master_port=master, replica_port=replica)
    finally:
        group.stop()


def test_a_run_streams_whole_across_a_forced_failover(stack: SentinelStack):
    assert stack.master() == stack.master_port
    secret = api_token_create(user=UserFactory(), name="sentinel").secret
    events: list[dict] = []
    failed_over_at = None
    with httpx.Client(
        base_url=stack.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as api:
        started = api.post(
            "/api/chat",
            json={
                "prompt": "A report on heat pumps in terraced housing",
                "mode": "report",
                "user_params": {"model": "offline", "wordCount": 3000},
            },
        )
        assert started.status_code == 200, started.text  # queued through the Sentinel's master
        trace_id = started.json()["trace_id"]
        with api.stream(
            "GET", f"/api/stream/{trace_id}", timeout=httpx.Timeout(60, read=45)
        ) as response:
            for message in iter_sse(response.iter_lines()):
                events.append(message.json())
                if len(events) == 10:
                    assert Run.objects.get(id=trace_id).status == Run.Status.RUNNING
                    _force_failover(stack.sentinel)
                    _wait(
                        lambda: stack.master() == stack.replica_port,
                        what="the replica promoted",
                    )
                    failed_over_at = time.time()
    assert failed_over_at is not None
    run = Run.objects.select_related("result_message").get(id=trace_id)
    assert run.status == Run.Status.SUCCEEDED, (run.error_code, run.error_message)
    assert run.finished_at is not None
    assert run.finished_at.timestamp() > failed_over_at  # it was still writing after the switch
    # The stream is whole: every event once, in order, through to `done`.
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "done"
    assert run.result_message is not None
    assert "".join(e["message"] for e in events if e["type"] == "content") == (
        run.result_message.content
    )
    # And the promoted master is the one in use now: a new run starts and finishes on it.
    with httpx.Client(
        base_url=stack.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as api:
        again = api.post(
            "/api/chat",
            json={"prompt": "A short note on loft insulation", "user_params": {"wordCount": 300}},
        )
        assert again.status_code == 200, again.text
        with api.stream("GET", f"/api/stream/{again.json()['trace_id']}") as response:
            tail = [message.json() for message in iter_sse(response.iter_lines())]
    assert tail[-1]["type"] == "done"
