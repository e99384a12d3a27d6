"""The product's Prometheus metrics, kept in Redis.

Runs are counted in Celery workers, streams in Daphne processes, uploads in workers again, and
any of several web replicas answers `/metrics` behind the proxy. prometheus_client's
multiprocess mode shares a directory between the processes of one host; ours are on several
hosts. So every process adds its observations to Redis hashes (one per metric, a field per label
set), and `/metrics` reads them back as one cluster-wide view: scraping any web replica, or the
proxy, gives the same numbers, and they survive a process restart (counters reset only when
Redis does, which Prometheus' `rate()` handles as any counter reset).

Gauges that belong to one process (open SSE streams) are stored per process under a key that
expires unless the process refreshes it, so a process that died stops being counted.

Writing a metric never raises: a metric lost while Redis is away costs less than a failed run.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import redis
from django.conf import settings
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString
from redis.client import Pipeline

from apps.core.redis_connection import redis_client

logger = logging.getLogger(__name__)

NAMESPACE = "handywriterz"
# A process's per-process gauges vanish this long after it last wrote them.
PROCESS_TTL_SECONDS = 60
REFRESH_SECONDS = 15

_warned_at = 0.0


def _key(suffix: str) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:metrics:{suffix}"


Command = Callable[[Pipeline], object]


class _Writer:
    """Hands metric writes to a thread of this process, which sends whatever has queued up as
    one pipeline: a run's publisher or a Daphne event loop never waits for Redis to count."""

    BATCH = 500

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Command | threading.Event] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._main, name="metrics-writer", daemon=True)
        self._thread.start()

    def put(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self._queue.put(command)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far has been sent (or has failed)."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _main(self) -> None:
        while True:
            batch: list[Command] = []
            markers: list[threading.Event] = []
            item = self._queue.get()
            while True:
                if isinstance(item, threading.Event):
                    markers.append(item)
                else:
                    batch.append(item)
                if len(batch) >= self.BATCH or self._queue.empty():
                    break
                item = self._queue.get()
            if batch:
                _send(batch)
            for marker in markers:
                marker.set()


def _send(commands: list[Command]) -> None:
    global _warned_at
    try:
        pipe = redis_client().pipeline(transaction=False)
        for command in commands:
            command(pipe)
        pipe.execute()
    except redis.RedisError as error:
        # Once a minute at most: a Redis outage must not flood the logs from every event.
        if time.monotonic() - _warned_at > 60:
            _warned_at = time.monotonic()
            logger.warning("event=metrics_write_failed error=%s", error)


_writers: dict[int, _Writer] = {}
_writers_lock = threading.Lock()


def _writer() -> _Writer:
    # One per process, started on first use (threads do not survive a fork).
    pid = os.getpid()
    writer = _writers.get(pid)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(pid)
            if writer is None:
                writer = _writers[pid] = _Writer()
    return writer


def _run(*commands: Command) -> None:
    _writer().put(commands)


def flush(timeout: float = 5.0) -> bool:
    """Wait until this process's metric writes have reached Redis (tests; process exit)."""
    return _writer().flush(timeout)


atexit.register(lambda: _writers.get(os.getpid()) and flush(2.0))


@dataclass
class _Metric:
    name: str
    documentation: str
    labelnames: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        REGISTRY.append(self)

    @property
    def full_name(self) -> str:
        return f"{NAMESPACE}_{self.name}"

    def _field(self, labels: dict[str, str]) -> str:
        if set(labels) != set(self.labelnames):
            raise ValueError(f"{self.full_name} takes labels {self.labelnames}, got {labels}")
        return json.dumps([str(labels[n]) for n in self.labelnames])

    def collect(self, raw: dict[bytes, bytes]) -> Metric:
        raise NotImplementedError


@dataclass
class Counter(_Metric):
    def inc(self, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key, field_ = _key(self.name), self._field(labels)
        _run(lambda pipe: pipe.hincrbyfloat(key, field_, amount))

    def collect(self, raw: dict[bytes, bytes]) -> Metric:
        family = CounterMetricFamily(self.full_name, self.documentation, labels=self.labelnames)
        for encoded, value in sorted(raw.items()):
            family.add_metric(json.loads(encoded), float(value))
        return family


DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900)


@dataclass
class Histogram(_Metric):
    buckets: tuple[float, ...] = DURATION_BUCKETS

    def observe(self, value: float, **labels: str) -> None:
        base = self._field(labels)
        # Stored per bucket (not cumulative): one write per observation, summed when read.
        index = next((i for i, b in enumerate(self.buckets) if value <= b), len(self.buckets))
        key = _key(self.name)
        _run(
            lambda pipe: pipe.hincrbyfloat(key, f"{base}|b{index}", 1),
            lambda pipe: pipe.hincrbyfloat(key, f"{base}|sum", value),
        )

    def collect(self, raw: dict[bytes, bytes]) -> Metric:
        family = HistogramMetricFamily(self.full_name, self.documentation, labels=self.labelnames)
        series: dict[str, dict[str, float]] = {}
        for encoded, value in raw.items():
            base, _, part = encoded.decode().rpartition("|")
            series.setdefault(base, {})[part] = float(value)
        for base, parts in sorted(series.items()):
            counts = [parts.get(f"b{i}", 0.0) for i in range(len(self.buckets) + 1)]
            cumulative, running = [], 0.0
            for bound, count in zip(
                [*map(floatToGoString, self.buckets), "+Inf"], counts, strict=True
            ):
                running += count
                cumulative.append((bound, running))
            family.add_metric(json.loads(base), cumulative, parts.get("sum", 0.0))
        return family


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class ProcessGauge(_Metric):
    """A number per process (labelled `process`), counted up and down in memory and mirrored
    to Redis; it disappears once its process stops refreshing it."""

    _value: float = field(default=0.0, init=False)
    _written_at: float = field(default=0.0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.labelnames = ("process",)
        super().__post_init__()

    def inc(self, amount: float = 1.0) -> None:
        with self._lock:
            self._value += amount
        self.write()

    def dec(self, amount: float = 1.0) -> None:
        self.inc(-amount)

    def refresh(self) -> None:
        """Keep this process counted (called from a long-lived activity such as a heartbeat)."""
        if time.monotonic() - self._written_at >= REFRESH_SECONDS:
            self.write()

    def write(self) -> None:
        self._written_at = time.monotonic()
        name, value = process_name(), self._value
        _run(
            lambda pipe: pipe.hset(_key(self.name), name, value),
            lambda pipe: pipe.set(_key(f"alive:{self.name}:{name}"), 1, ex=PROCESS_TTL_SECONDS),
        )

    @property
    def local_value(self) -> float:
        return self._value

    def collect(self, raw: dict[bytes, bytes]) -> Metric:
        family = GaugeMetricFamily(self.full_name, self.documentation, labels=self.labelnames)
        names = sorted(raw)
        client = redis_client()
        alive = client.mget([_key(f"alive:{self.name}:{n.decode()}") for n in names])
        for encoded, is_alive in zip(names, alive, strict=True):
            if is_alive is None:
                client.hdel(_key(self.name), encoded)  # its process is gone
                continue
            family.add_metric([encoded.decode()], float(raw[encoded]))
        return family


REGISTRY: list[_Metric] = []


class RedisCollector:
    """A prometheus_client collector that reads every metric above back from Redis."""

    def collect(self) -> Iterator[Metric]:
        flush(1.0)  # this process's own latest writes are part of the answer
        client = redis_client()
        pipe = client.pipeline(transaction=False)
        for metric in REGISTRY:
            pipe.hgetall(_key(metric.name))
        for metric, raw in zip(REGISTRY, pipe.execute(), strict=True):
            yield metric.collect(raw)


def reset_all() -> None:
    """Forget every stored value (tests start from zero)."""
    flush()
    client = redis_client()
    keys = [_key(m.name) for m in REGISTRY]
    keys += list(client.scan_iter(match=_key("alive:*")))
    if keys:
        client.delete(*keys)


# --- The metrics -------------------------------------------------------------------------------
# Runs (conversations), counted where each is queued and where each ends.
RUNS = Counter(
    "runs_total",
    "Runs by status (started, succeeded, failed, cancelled) and reason (error code, if any).",
    ("status", "reason"),
)
RUN_DURATION = Histogram(
    "run_duration_seconds", "Time from a worker taking a run to its end.", ("status",)
)
TIME_TO_FIRST_EVENT = Histogram(
    "run_time_to_first_event_seconds", "Time from a run being queued to its first event."
)
TOKENS = Counter(
    "tokens_total", "Model tokens by model and direction (in, out).", ("model", "direction")
)
COST = Counter("cost_usd_total", "What runs cost (USD), by model.", ("model",))
# Streaming.
EVENTS_PUBLISHED = Counter("events_published_total", "Run events published, by type.", ("type",))
OPEN_STREAMS = ProcessGauge("sse_open_streams", "SSE run streams open now, per web process.")
STREAM_RESUMES = Counter(
    "stream_resumes_total", "Streams opened with Last-Event-ID (a reconnect that resumes)."
)
# Uploads and research.
EXTRACTIONS = Counter(
    "upload_extractions_total",
    "Uploaded files read, by outcome (ready or the error code).",
    ("outcome",),
)
RESEARCH_CALLS = Counter(
    "research_calls_total", "Scholarly index searches, by index and outcome.", ("index", "outcome")
)
# HTTP (every web process adds to the same numbers).
HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests by method, route and status.",
    ("method", "route", "status"),
)
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to the response (to its headers for a stream), by route.",
    ("route",),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def run_ended(
    *,
    status: str,
    reason: str,
    duration: float | None,
    model: str,
    tokens_in: int,
    tokens_out: int,
    cost_usd: float,
) -> None:
    """Everything one run's ending adds: its status, how long it took, what it spent."""
    RUNS.inc(status=status, reason=reason)
    if duration is not None:
        RUN_DURATION.observe(duration, status=status)
    if tokens_in:
        TOKENS.inc(tokens_in, model=model, direction="in")
    if tokens_out:
        TOKENS.inc(tokens_out, model=model, direction="out")
    if cost_usd:
        COST.inc(cost_usd, model=model)
