"""Faults on purpose, against real processes: connections cut at random, pool processes and
whole workers SIGKILLed mid-run, Redis SIGKILLed for ten seconds mid-run, and readers resuming
past the end. Each test records its figures (printed at the end of the run)."""

from __future__ import annotations

import itertools
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest
from django.utils import timezone

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from apps.streaming.models import RunEvent
from devtools.processes import wait_for_log
from devtools.sse import iter_sse
from tests.chaos.conftest import LEASE_SECONDS, ChaosStack, record
from tests.factories import MessageFactory, RunFactory, UserFactory

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")
BODY = {
    "prompt": "Write an essay on urban heat islands: causes, effects and mitigation",
    "mode": "essay",
    "user_params": {"wordCount": 1500, "model": "offline", "citationStyle": "APA"},
}
TERMINAL = ("done", "error")


def wait_for(check: Callable[[], T | None], *, timeout: float, step: float = 0.05) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s")


@pytest.fixture
def token(db) -> str:
    return api_token_create(user=UserFactory(), name="chaos").secret


def _client(stack: ChaosStack, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=15
    )


def submit(stack: ChaosStack, token: str) -> str:
    with _client(stack, token) as client:
        response = client.post("/api/chat", json=BODY)
    assert response.status_code == 200, response.text
    return str(response.json()["trace_id"])


class Reader(threading.Thread):
    """An API stream reader that reconnects with Last-Event-ID, as an EventSource does; keeps
    each event with the moment it arrived."""

    def __init__(self, stack: ChaosStack, token: str, run_id: str, timeout: float = 120) -> None:
        super().__init__(daemon=True)
        self.url = f"{stack.url}/api/stream/{run_id}"
        self.token = token
        self.timeout = timeout
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.reconnects = 0
        self.start()

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        last = 0
        while time.monotonic() < deadline:
            headers = {"Authorization": f"Bearer {self.token}"}
            if last:
                headers["Last-Event-ID"] = str(last)
            try:
                with httpx.stream("GET", self.url, headers=headers, timeout=30) as response:
                    if response.status_code == 204:
                        return
                    for message in iter_sse(response.iter_lines()):
                        event = message.json()
                        self.events.append((time.monotonic(), event))
                        last = event["seq"]
                        if event["type"] in TERMINAL:
                            return
            except httpx.HTTPError:
                pass
            self.reconnects += 1
            time.sleep(0.2)

    @property
    def last(self) -> dict[str, Any] | None:
        return self.events[-1][1] if self.events else None


def _writing(run_id: str, deltas: int = 3) -> Run:
    """The run once a worker has it and has streamed a few deltas."""
    return wait_for(
        lambda: (
            Run.objects.filter(id=run_id, status=Run.Status.RUNNING).first()
            if RunEvent.objects.filter(run_id=run_id, type="content").count() >= deltas
            else None
        ),
        timeout=60,
    )


def _ended(run_id: str, timeout: float = 60) -> Run:
    return wait_for(
        lambda: Run.objects.filter(id=run_id).exclude(status__in=Run.ACTIVE).first(),
        timeout=timeout,
        step=0.1,
    )


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _assert_lost_and_kept(run: Run, reader: Reader) -> None:
    assert (run.status, run.error_code) == (Run.Status.FAILED, "worker_lost")
    assert run.result_message is not None
    assert run.result_message.content.strip()
    reader.join(timeout=15)
    assert reader.last is not None
    assert (reader.last["type"], reader.last["error_code"]) == ("error", "worker_lost")


def test_fifty_random_cuts_lose_and_duplicate_nothing(chaos_stack: ChaosStack, token: str):
    run_id = submit(chaos_stack, token)
    rng = random.Random(10)
    seen: list[int] = []
    cuts = 0
    done = False
    while not done:
        headers = {"Authorization": f"Bearer {token}"}
        if seen:
            headers["Last-Event-ID"] = str(seen[-1])
        cut_at = time.monotonic() + rng.uniform(0.02, 0.25)
        with httpx.stream(
            "GET", f"{chaos_stack.url}/api/stream/{run_id}", headers=headers, timeout=30
        ) as response:
            assert response.status_code == 200
            for message in iter_sse(response.iter_lines()):
                event = message.json()
                seen.append(event["seq"])
                if event["type"] in TERMINAL:
                    done = True
                    break
                if time.monotonic() > cut_at:
                    break
        cuts += 0 if done else 1
    stored = list(
        RunEvent.objects.filter(run_id=run_id).order_by("seq").values_list("seq", flat=True)
    )
    lost = len(set(stored) - set(seen))
    duplicated = len(seen) - len(set(seen))
    record(
        f"forced reconnects: {cuts} random cuts over one run, {len(stored)} events: "
        f"lost {lost}, duplicated {duplicated}, out of order {int(seen != sorted(seen))}"
    )
    assert cuts >= 50
    assert seen == stored


def test_a_killed_pool_process_ends_its_run_within_a_minute(chaos_stack: ChaosStack, token: str):
    times = []
    for _ in range(3):
        run_id = submit(chaos_stack, token)
        reader = Reader(chaos_stack, token, run_id)
        run = _writing(run_id)
        os.kill(int(run.worker.rsplit(":", 1)[1]), signal.SIGKILL)  # the pool child (OOM-style)
        killed = time.monotonic()
        ended = _ended(run_id)
        times.append(time.monotonic() - killed)
        _assert_lost_and_kept(ended, reader)
    record(
        "pool child SIGKILL x3: run ended worker_lost after "
        + ", ".join(f"{t:.1f} s" for t in times)
        + f" (lease {LEASE_SECONDS} s); error event delivered to the open stream, partial text kept"
    )
    assert max(times) < 60


def test_a_killed_worker_ends_its_run_within_a_minute(chaos_stack: ChaosStack, token: str):
    times = []
    for _ in range(3):
        run_id = submit(chaos_stack, token)
        reader = Reader(chaos_stack, token, run_id)
        run = _writing(run_id)
        main = _parent(int(run.worker.rsplit(":", 1)[1]))
        log_size = chaos_stack.worker_log.stat().st_size
        os.killpg(main, signal.SIGKILL)  # the whole worker: main process and pool, as a lost host
        killed = time.monotonic()
        ended = _ended(run_id)
        times.append(time.monotonic() - killed)
        _assert_lost_and_kept(ended, reader)
        # The supervisor has started a new worker meanwhile; the next kill is of that one.
        wait_for_log(chaos_stack.group, chaos_stack.worker_log, " ready.", after=log_size)
    record(
        "whole worker SIGKILL x3: run ended worker_lost after "
        + ", ".join(f"{t:.1f} s" for t in times)
        + " (lease lapsed, then the beat sweep); error event delivered, partial text kept"
    )
    assert max(times) < 60


def test_redis_killed_for_ten_seconds_mid_run(chaos_stack: ChaosStack, token: str):
    figures = []
    # Once with its data (append-only file), once without (a Redis run without persistence):
    # then the queue, the channel-layer groups and the cache are all gone.
    for wipe in (False, True):
        log_size = chaos_stack.worker_log.stat().st_size
        run_id = submit(chaos_stack, token)
        reader = Reader(chaos_stack, token, run_id)
        _writing(run_id)
        chaos_stack.redis.kill()
        killed = time.monotonic()
        time.sleep(0.5)
        with _client(chaos_stack, token) as client:
            refused = client.post("/api/chat", json=BODY)
        assert refused.status_code == 503
        assert refused.json()["error_code"] == "service_unavailable"
        assert int(refused.headers["Retry-After"]) > 0
        time.sleep(max(0.0, killed + 10 - time.monotonic()))
        chaos_stack.redis.start(wipe=wipe)
        back = time.monotonic()

        ended = _ended(run_id, timeout=60)
        assert ended.status == Run.Status.SUCCEEDED or (
            ended.status == Run.Status.FAILED and ended.error_code and ended.error_message
        )
        reader.join(timeout=30)
        arrivals = [back] + [at for at, _ in reader.events if at > back]
        gap = max(b - a for a, b in itertools.pairwise(arrivals))
        after = submit(chaos_stack, token)
        submitted = time.monotonic()
        finished = _ended(after, timeout=90)
        assert finished.status == Run.Status.SUCCEEDED, finished.error_message
        worker_log = chaos_stack.worker_log.read_bytes()[log_size:]
        # The worker rode it out itself: no crash, and the supervisor did not restart it.
        assert b"Unrecoverable error" not in worker_log
        assert b"event=exited" not in worker_log
        figures.append(
            f"{'without' if wipe else 'with'} its data: run {ended.status}, "
            f"{len(arrivals) - 1} events after the restart, max gap "
            f"{gap:.2f} s; next run succeeded {time.monotonic() - submitted:.1f} s after submit"
        )
        assert gap < 2
    record(
        "Redis SIGKILLed for 10 s mid-run x2 (API answered 503 + Retry-After meanwhile): "
        + " | ".join(figures)
    )


def test_resuming_past_the_end_closes_at_once(chaos_stack: ChaosStack, token: str, db):
    user = UserFactory()
    issued = api_token_create(user=user, name="resume").secret
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    run.result_message = MessageFactory(
        conversation=run.conversation, role="assistant", content="x"
    )
    run.save()
    for seq, kind, payload in (
        (1, "routing", {"system": "simple", "complexity": 1.0, "reason": "short"}),
        (2, "content", {"message": "x", "is_complete": True, "word_count": 1}),
        (
            3,
            "done",
            {
                "message": "ok",
                "final_word_count": 1,
                "processing_time": 0.1,
                "system_used": "simple",
            },
        ),
    ):
        RunEvent.objects.create(
            run=run, seq=seq, type=kind, payload=payload, created_at=timezone.now()
        )
    slowest = 0.0
    for after in ("3", "4", "103", str(2**31), str(2**63), str(10**23)):
        started = time.monotonic()
        response = httpx.get(
            f"{chaos_stack.url}/api/stream/{run.id}",
            headers={"Authorization": f"Bearer {issued}", "Last-Event-ID": after},
            timeout=5,
        )
        took = time.monotonic() - started
        slowest = max(slowest, took)
        assert (response.status_code, response.content) == (204, b"")
        assert took < 1
    record(
        f"resume past the end (6 Last-Event-IDs up to 10^23): closed with 204 in at most "
        f"{slowest * 1000:.0f} ms"
    )
