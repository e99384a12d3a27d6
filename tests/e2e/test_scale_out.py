"""Two Daphne processes and two Celery workers on one PostgreSQL and one Redis serve one writer:
a run started through web process A streams from web process B, a reconnect to the other
process resumes with nothing lost or repeated, and runs are spread over both workers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from devtools.processes import Processes, django_env, start_daphne, start_worker
from tests.factories import UserFactory
from tests.live import iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOGS = Path(__file__).resolve().parents[2] / "test-artifacts" / "logs-scale-out"


@dataclass
class Cluster:
    web: list[str]
    worker_logs: dict[str, Path]


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker) -> Iterator[Cluster]:
    env = django_env(
        settings_module="handywriterz.settings_test",
        database_name=settings.DATABASES["default"]["NAME"],
        OFFLINE_STREAM_DELAY="0.01",
        SSE_HEARTBEAT_SECONDS="2",
        # A queue of its own: no other test's worker takes these runs.
        CELERY_QUEUE=f"{settings.CELERY_TASK_DEFAULT_QUEUE}-scale-out",
    )
    group = Processes()
    try:
        web = [start_daphne(group, env=env, log_dir=LOGS / f"web-{n}") for n in "ab"]
        logs = {}
        for n in "ab":
            name = start_worker(group, env=env, log_dir=LOGS / f"worker-{n}", name=f"scale-{n}")
            logs[name] = group.logs[-1]
        yield Cluster(web=web, worker_logs=logs)
    finally:
        group.stop()


def _client(url: str, secret: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}, timeout=30)


def _start(client: httpx.Client, prompt: str) -> str:
    body = {
        "prompt": prompt,
        "mode": "essay",
        "user_params": {"model": "offline", "wordCount": 1200, "citationStyle": "APA"},
    }
    response = client.post("/api/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()["trace_id"]


def _read(
    client: httpx.Client, trace_id: str, *, after: int | None = None, stop_after: int | None = None
) -> list[dict]:
    headers = {"Last-Event-ID": str(after)} if after is not None else {}
    events: list[dict] = []
    with client.stream(
        "GET", f"/api/stream/{trace_id}", headers=headers, timeout=httpx.Timeout(60, read=30)
    ) as response:
        assert response.status_code == 200
        for message in iter_sse(response.iter_lines()):
            events.append(message.json())
            if stop_after is not None and len(events) >= stop_after:
                break
    return events


def _runs_started(log: Path) -> set[str]:
    started = set()
    for line in log.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # Celery's own banner is not JSON
        if str(record.get("message", "")).startswith("event=run_started"):
            started.add(record["run_id"])
    return started


def test_a_run_started_on_one_web_process_streams_whole_from_the_other(cluster: Cluster):
    secret = api_token_create(user=UserFactory(), name="scale-out").secret
    with _client(cluster.web[0], secret) as a, _client(cluster.web[1], secret) as b:
        trace_id = _start(a, "An essay on district heating networks in cold cities")
        first = _read(b, trace_id, stop_after=12)
        assert Run.objects.get(id=trace_id).is_active  # hung up mid-run
        rest = _read(a, trace_id, after=first[-1]["seq"])
    events = first + rest
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "done"
    assert {e["run_id"] for e in events} == {trace_id}
    run = Run.objects.select_related("result_message").get(id=trace_id)
    assert run.status == Run.Status.SUCCEEDED
    assert run.result_message is not None
    content = "".join(e["message"] for e in events if e["type"] == "content")
    assert content == run.result_message.content


def test_runs_are_spread_over_both_workers(cluster: Cluster):
    secret = api_token_create(user=UserFactory(), name="scale-out").secret
    with _client(cluster.web[0], secret) as a, _client(cluster.web[1], secret) as b:
        trace_ids = [
            _start(client, f"An essay on urban cooling, part {n}")
            for n, client in enumerate([a, b, a, b])
        ]
    deadline = time.monotonic() + 90
    while Run.objects.filter(id__in=trace_ids, status__in=Run.ACTIVE).exists():
        assert time.monotonic() < deadline, "runs did not finish"
        time.sleep(0.2)
    assert set(Run.objects.filter(id__in=trace_ids).values_list("status", flat=True)) == {
        Run.Status.SUCCEEDED
    }
    by_worker = {
        name: _runs_started(log) & set(trace_ids) for name, log in cluster.worker_logs.items()
    }
    assert all(by_worker.values()), by_worker  # each worker ran some
    first, second = by_worker.values()
    assert not first & second  # and none ran twice
    assert first | second == set(trace_ids)
