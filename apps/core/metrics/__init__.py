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

from apps.core.metrics.kinds import (
    Counter,
    Histogram,
    ProcessGauge,
    RedisCollector,
    process_name,
    read_back,
    reset_all,
)
from apps.core.metrics.store import flush, key

__all__ = [
    "COST",
    "EVENTS_PUBLISHED",
    "EXTRACTIONS",
    "HTTP_LATENCY",
    "HTTP_REQUESTS",
    "OPEN_STREAMS",
    "RESEARCH_CALLS",
    "RUNS",
    "RUN_DURATION",
    "STREAM_RESUMES",
    "TIME_TO_FIRST_EVENT",
    "TOKENS",
    "RedisCollector",
    "flush",
    "key",
    "process_name",
    "read_back",
    "reset_all",
    "run_ended",
]

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
