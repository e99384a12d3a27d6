"""The bench's measurements (driven by benchmarks/stream_latency.py)."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import socket
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import redis
from django.conf import settings
from django.db import connection

from apps.accounts.models import User
from apps.conversations.models import Conversation, Message, Run
from apps.streaming.publisher import RunPublisher
from benchmarks import stream_client
from devtools.processes import Processes, start_worker

CONNECT_TIMEOUT = 60
RUN_TIMEOUT = 300


def _proc(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status)
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return {
        "rss_kib": int(fields["VmRSS"].split()[0]),
        "threads": int(fields["Threads"]),
        "cpu_ms": (int(stat[11]) + int(stat[12])) * 1000 // ticks,
    }


def _cpu_percent(before: dict[str, int], after: dict[str, int], wall: float) -> float:
    """The CPU a process used between two readings of `_proc`, in % of one core."""
    return round((after["cpu_ms"] - before["cpu_ms"]) / 10 / wall, 1)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def _summary(latencies: list[float]) -> dict[str, float | None]:
    return {
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": _percentile(latencies, 0.99),
        "max_ms": max(latencies) if latencies else None,
        "min_ms": min(latencies) if latencies else None,
        "p10_ms": _percentile(latencies, 0.10),
    }


def _make_run(user: User) -> Run:
    conversation = Conversation.objects.create(user=user, title="benchmark")
    message = Message.objects.create(conversation=conversation, role="user", content="benchmark")
    return Run.objects.create(
        conversation=conversation,
        user_message=message,
        status=Run.Status.RUNNING,
        writeup_type="essay",
        citation_style="apa7",
        academic_level="masters",
        target_word_count=1000,
        model="offline",
    )


def _end(run: Run) -> None:
    Run.objects.filter(id=run.id, status__in=Run.ACTIVE).update(status=Run.Status.SUCCEEDED)


def _paced(events: int, rate: float | None, emit: Callable[[int], None]) -> float:
    """Call emit(1..events) at `rate` per second (None: as fast as it goes); the time taken."""
    started = time.monotonic()
    for n in range(1, events + 1):
        if rate:
            wait = started + (n - 1) / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        emit(n)
    return time.monotonic() - started


@dataclass
class Bench:
    base: str
    token: str
    user: User
    daphne_pid: int
    floor_port: int
    floor_pid: int
    floor_channel: str
    clients: int

    # --- clients ---------------------------------------------------------------------------
    def _spawn(
        self, *, port: int, path: str, headers: dict[str, str], streams: int, expected: int
    ) -> list[tuple[multiprocessing.Process, Connection]]:
        count = max(1, min(self.clients, streams))
        spawned = []
        for index in range(count):
            share = streams // count + (1 if index < streams % count else 0)
            job = stream_client.Job(
                host="127.0.0.1",
                port=port,
                path=path,
                headers=headers,
                streams=share,
                connect_timeout=CONNECT_TIMEOUT,
                run_timeout=RUN_TIMEOUT,
                expected=expected,
            )
            mine, theirs = multiprocessing.Pipe()
            process = multiprocessing.Process(target=stream_client.run, args=(job, theirs))
            process.start()
            spawned.append((process, mine))
        return spawned

    @staticmethod
    def _ready(spawned: list[tuple[multiprocessing.Process, Connection]]) -> int:
        connected = 0
        for _, pipe in spawned:
            kind, value = pipe.recv()
            assert kind == "ready"
            connected += value
        return connected

    @staticmethod
    def _results(
        spawned: list[tuple[multiprocessing.Process, Connection]], *, wall: float
    ) -> dict[str, Any]:
        merged: dict[str, Any] = {"latencies_ms": [], "failures": Counter()}
        cpu = 0.0
        for process, pipe in spawned:
            kind, result = pipe.recv()
            assert kind == "result"
            process.join(10)
            merged["latencies_ms"] += result["latencies_ms"]
            merged["failures"].update(result["failures"])
            for key in ("connected", "lost", "duplicated", "disordered", "finished", "events"):
                merged[key] = merged.get(key, 0) + result[key]
            cpu += result["cpu_seconds"]
        latencies = merged.pop("latencies_ms")
        return {
            **merged,
            "failures": dict(merged["failures"]),
            **_summary(latencies),
            "deliveries": len(latencies),
            # Of one core, over the measured span: a client near 100 % per process is the limit.
            "client_cpu_percent": round(100 * cpu / wall / len(spawned), 1) if wall else None,
            "client_processes": len(spawned),
        }

    # --- steps -----------------------------------------------------------------------------
    def floor(self, *, streams: int, events: int, rate: float | None) -> dict[str, Any]:
        publisher = redis.Redis.from_url(settings.REDIS_URL)
        run_id, conversation_id = str(uuid.uuid4()), str(uuid.uuid4())

        def emit(n: int, kind: str = "content") -> None:
            event: dict[str, Any] = {
                "type": kind,
                "conversation_id": conversation_id,
                "run_id": run_id,
                "seq": n,
                "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            }
            if kind == "content":
                event |= {"message": f"{time.time():.6f}", "is_complete": False, "word_count": 1}
            else:
                event |= {"message": "bench", "final_word_count": 0, "processing_time": 0.0}
                event["system_used"] = "simple"
            data = json.dumps(event, separators=(",", ":"))
            publisher.publish(self.floor_channel, f"id: {n}\ndata: {data}\n\n".encode())

        spawned = self._spawn(
            port=self.floor_port, path="/", headers={}, streams=streams, expected=events + 1
        )
        connected = self._ready(spawned)
        before = _proc(self.floor_pid)
        started = time.monotonic()
        _paced(events, rate, emit)
        emit(events + 1, "done")
        result = self._results(spawned, wall=time.monotonic() - started)
        wall = time.monotonic() - started
        after = _proc(self.floor_pid)
        publisher.close()
        return {
            **result,
            "streams": streams,
            "connected": connected,
            "server_cpu_percent": _cpu_percent(before, after, wall),
        }

    def ours(self, *, streams: int, events: int, rate: float | None) -> dict[str, Any]:
        run = _make_run(self.user)
        try:
            spawned = self._spawn(
                port=self._port,
                path=f"/api/stream/{run.id}",
                headers={"Authorization": f"Bearer {self.token}"},
                streams=streams,
                expected=events + 1,
            )
            connected = self._ready(spawned)
            publisher = RunPublisher(
                run_id=run.id, conversation_id=run.conversation_id, coalesce_seconds=0
            )
            before = _proc(self.daphne_pid)
            started = time.monotonic()

            def emit(n: int) -> None:
                publisher.content(f"{time.time():.6f}", word_count=1)
                publisher.flush()

            publishing = _paced(events, rate, emit)
            publisher.done(
                message="bench", final_word_count=0, processing_time=0, system_used="simple"
            )
            publisher.close(timeout=30)
            result = self._results(spawned, wall=time.monotonic() - started)
            wall = time.monotonic() - started
            after = _proc(self.daphne_pid)
        finally:
            _end(run)
        return {
            **result,
            "streams": streams,
            "connected": connected,
            "publishing_seconds": round(publishing, 3),
            "deliveries_per_second": round(result["deliveries"] / wall) if wall else None,
            "daphne_cpu_percent": _cpu_percent(before, after, wall),
        }

    def idle(self, *, streams: int) -> dict[str, Any]:
        run = _make_run(self.user)
        try:
            before = _proc(self.daphne_pid)
            spawned = self._spawn(
                port=self._port,
                path=f"/api/stream/{run.id}",
                headers={"Authorization": f"Bearer {self.token}"},
                streams=streams,
                expected=1,
            )
            connected = self._ready(spawned)
            time.sleep(2)
            held = _proc(self.daphne_pid)
            database = _database_connections()
            publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
            started = time.monotonic()
            publisher.done(
                message="bench", final_word_count=0, processing_time=0, system_used="simple"
            )
            publisher.close(timeout=30)
            result = self._results(spawned, wall=time.monotonic() - started)
        finally:
            _end(run)
        return {
            "streams": streams,
            "connected": connected,
            "failures": result["failures"],
            "lost": result["lost"],
            "kib_per_stream": round((held["rss_kib"] - before["rss_kib"]) / max(connected, 1), 1),
            "threads": held["threads"],
            "threads_before": before["threads"],
            "database_connections": database,
        }

    def post_to_first_event(
        self, *, group: Processes, env: dict[str, str], log_dir: Path, runs: int
    ) -> dict[str, Any]:
        start_worker(group, env=env, log_dir=log_dir)
        headers = {"Authorization": f"Bearer {self.token}"}
        body = {
            "prompt": "Write an essay on urban heat islands.",
            "mode": "essay",
            "file_ids": [],
            "user_params": {"wordCount": 500, "model": "offline"},
        }
        totals, posts, opens, streamed = [], [], [], []
        with httpx.Client(base_url=self.base, timeout=60) as client:
            # One run first, not counted: the processes' first POST imports and connects what
            # every later one reuses (seconds, once per process).
            warm_up = client.post("/api/chat", json=body, headers=headers).json()["trace_id"]
            self._stop(client, warm_up, headers)
            for _ in range(runs):
                # The client posts, then opens the stream with the trace_id it got.
                started = time.monotonic()
                answer = client.post("/api/chat", json=body, headers=headers)
                posted = time.monotonic()
                trace = answer.json()["trace_id"]
                first = _first_event(self._port, f"GET /api/stream/{trace}", self.token)
                done = time.monotonic()
                assert first.startswith(b"queued"), first
                totals.append((done - started) * 1000)
                posts.append((posted - started) * 1000)
                opens.append((done - posted) * 1000)
                self._stop(client, trace, headers)
                # The client asks the POST itself for the stream (Accept: text/event-stream).
                started = time.monotonic()
                first = _first_event(self._port, "POST /api/chat", self.token, json.dumps(body))
                streamed.append((time.monotonic() - started) * 1000)
                assert first.startswith(b"queued"), first
                trace = first.split(b'"run_id":"', 1)[1][:36].decode()
                self._stop(client, trace, headers)
        return {
            "runs": runs,
            **_summary(totals),
            "post_p50_ms": statistics.median(posts),
            "stream_open_to_first_event_p50_ms": statistics.median(opens),
            "post_answering_with_the_stream": _summary(streamed),
        }

    @staticmethod
    def _stop(client: httpx.Client, trace: str, headers: dict[str, str]) -> None:
        client.post(f"/api/runs/{trace}/cancel", headers=headers)
        while Run.objects.filter(id=trace, status__in=Run.ACTIVE).exists():
            time.sleep(0.02)

    @property
    def _port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])


def _first_event(port: int, request_line: str, token: str, body: str = "") -> bytes:
    """What follows `"type":"` in the first event of a fresh connection (a raw socket: no client
    library's overhead in the figure)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        head = (
            f"{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Accept: text/event-stream\r\n"
        )
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        sock.sendall(f"{head}\r\n{body}".encode())
        seen = b""
        while b'"type":"' not in seen or b"\n\n" not in seen.split(b'"type":"', 1)[1]:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError(f"closed before the first event: {seen!r}")
            seen += chunk
        return seen.split(b'"type":"', 1)[1]


def _database_connections() -> dict[str, int]:
    """Connections to the bench's database by state, other than this one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(state, '?'), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1"
        )
        return dict(cursor.fetchall())
