"""The kinds of metric, stored in Redis (store.py) and read back by RedisCollector."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.utils import floatToGoString

from apps.core.metrics.store import flush, key, run
from apps.core.redis_connection import redis_client

NAMESPACE = "handywriterz"
# A process's per-process gauges vanish this long after it last wrote them.
PROCESS_TTL_SECONDS = 60
REFRESH_SECONDS = 15


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
        hash_key, field_ = key(self.name), self._field(labels)
        run(lambda pipe: pipe.hincrbyfloat(hash_key, field_, amount))

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
        hash_key = key(self.name)
        run(
            lambda pipe: pipe.hincrbyfloat(hash_key, f"{base}|b{index}", 1),
            lambda pipe: pipe.hincrbyfloat(hash_key, f"{base}|sum", value),
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
        run(
            lambda pipe: pipe.hset(key(self.name), name, value),
            lambda pipe: pipe.set(key(f"alive:{self.name}:{name}"), 1, ex=PROCESS_TTL_SECONDS),
        )

    @property
    def local_value(self) -> float:
        return self._value

    def collect(self, raw: dict[bytes, bytes]) -> Metric:
        family = GaugeMetricFamily(self.full_name, self.documentation, labels=self.labelnames)
        names = sorted(raw)
        client = redis_client()
        alive = client.mget([key(f"alive:{self.name}:{n.decode()}") for n in names])
        for encoded, is_alive in zip(names, alive, strict=True):
            if is_alive is None:
                client.hdel(key(self.name), encoded)  # its process is gone
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
            pipe.hgetall(key(metric.name))
        for metric, raw in zip(REGISTRY, pipe.execute(), strict=True):
            yield metric.collect(raw)


def reset_all() -> None:
    """Forget every stored value (tests start from zero)."""
    flush()
    client = redis_client()
    keys = [key(m.name) for m in REGISTRY]
    keys += list(client.scan_iter(match=key("alive:*")))
    if keys:
        client.delete(*keys)


def read_back() -> dict[tuple[str, tuple[str, ...]], float]:
    """Every stored sample as `{(name, label values in order): value}`: what a scrape shows,
    for code and tests that check a number without parsing the text format."""
    return {
        (sample.name, tuple(sample.labels.values())): sample.value
        for family in RedisCollector().collect()
        for sample in family.samples
    }
