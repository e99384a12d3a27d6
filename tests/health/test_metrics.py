"""`/metrics`: the token, and the product's counters moving through a real run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from django.test import Client
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from apps.conversations.models import Run
from apps.core import metrics
from apps.core.redis_connection import redis_client
from tests.fakes.llm_server import FakeLLMServer, fake_model
from tests.live import METRICS_TOKEN, LiveStack, iter_sse


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def clean_metrics(db) -> Iterator[None]:
    metrics.reset_all()
    yield
    metrics.reset_all()


def test_metrics_is_off_without_a_configured_token(client: Client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_metrics_needs_the_bearer_token(client: Client, settings, clean_metrics):
    settings.METRICS_TOKEN = "s3cret-token"
    missing = client.get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer s3cret-tokeX"})
    assert wrong.status_code == 401
    assert client.get("/metrics", headers={"Authorization": "s3cret-token"}).status_code == 401
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE handywriterz_runs_total counter" in right.content.decode()


def test_counters_histograms_and_gauges_read_back_as_written(clean_metrics):
    metrics.run_ended(
        status="failed",
        reason="provider_timeout",
        duration=3.0,
        model="gpt-4o-mini",
        tokens_in=120,
        tokens_out=80,
        cost_usd=0.25,
    )
    metrics.run_ended(
        status="failed",
        reason="provider_timeout",
        duration=0.2,
        model="gpt-4o-mini",
        tokens_in=0,
        tokens_out=0,
        cost_usd=0.5,
    )
    metrics.OPEN_STREAMS.inc()
    metrics.OPEN_STREAMS.inc()
    metrics.OPEN_STREAMS.dec()
    found = samples(_exposition())
    assert value(found, "handywriterz_runs_total", status="failed", reason="provider_timeout") == 2
    assert value(found, "handywriterz_tokens_total", model="gpt-4o-mini", direction="in") == 120
    assert value(found, "handywriterz_cost_usd_total", model="gpt-4o-mini") == pytest.approx(0.75)
    duration = "handywriterz_run_duration_seconds"
    assert value(found, f"{duration}_count", status="failed") == 2
    assert value(found, f"{duration}_sum", status="failed") == pytest.approx(3.2)
    assert value(found, f"{duration}_bucket", status="failed", le="0.25") == 1
    assert value(found, f"{duration}_bucket", status="failed", le="5.0") == 2
    assert value(found, f"{duration}_bucket", status="failed", le="+Inf") == 2
    assert value(found, "handywriterz_sse_open_streams", process=metrics.process_name()) == 1


def test_a_dead_processs_open_streams_stop_being_counted(clean_metrics):
    metrics.OPEN_STREAMS.inc()
    metrics.flush()
    client = redis_client()
    client.delete(metrics.key(f"alive:sse_open_streams:{metrics.process_name()}"))
    assert "handywriterz_sse_open_streams{" not in _exposition()
    metrics.OPEN_STREAMS.dec()


def test_many_writes_from_a_busy_path_all_arrive(clean_metrics):
    for _ in range(1000):
        metrics.EVENTS_PUBLISHED.inc(type="content")
    assert metrics.flush()
    assert value(samples(_exposition()), "handywriterz_events_published_total", type="content") == (
        1000
    )


def test_a_metric_refuses_labels_it_does_not_have():
    with pytest.raises(ValueError, match="takes labels"):
        metrics.RUNS.inc(status="started")


def _exposition() -> str:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(metrics.RedisCollector())
    return generate_latest(registry).decode()


# --- End to end: a real run through Daphne and a Celery worker ------------------------------

OBEYS = fake_model("obeys")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_real_run_moves_the_products_counters(
    live_stack: LiveStack, fake_llm_configured: FakeLLMServer, token_client: Client, api_token
):
    metrics.reset_all()
    started = token_client.post(
        "/api/chat",
        data=json.dumps(
            {
                "prompt": "An essay on urban trees and summer heat",
                "user_params": {"model": OBEYS, "wordCount": 300},
            }
        ),
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    assert started["X-Request-ID"]
    trace_id = started.json()["trace_id"]
    auth = {"Authorization": f"Bearer {api_token}"}
    scrape = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    with httpx.Client(base_url=live_stack.url, headers=auth, timeout=30) as api:
        first: list[dict] = []
        with api.stream("GET", f"/api/stream/{trace_id}") as response:
            for message in iter_sse(response.iter_lines()):
                first.append(message.json())
                if len(first) == 3:
                    # While the stream is open, its Daphne process counts it.
                    during = samples(api.get("/metrics", headers=scrape).text)
                    open_now = [
                        v
                        for (name, _labels), v in during.items()
                        if name == "handywriterz_sse_open_streams"
                    ]
                    assert sum(open_now) == 1
                    break
        rest = []
        with api.stream(
            "GET", f"/api/stream/{trace_id}", headers={"Last-Event-ID": str(first[-1]["seq"])}
        ) as response:
            for message in iter_sse(response.iter_lines()):
                rest.append(message.json())
        assert rest[-1]["type"] == "done"
        events = first + rest
        assert api.get("/metrics").status_code == 401
        # The worker counts the ending after its commit; the stream saw `done` just after.
        deadline = time.monotonic() + 5
        while True:
            found = samples(api.get("/metrics", headers=scrape).text)
            if value(found, "handywriterz_runs_total", status="succeeded", reason="") or (
                time.monotonic() > deadline
            ):
                break
            time.sleep(0.1)

    run = Run.objects.get(id=trace_id)
    assert run.status == Run.Status.SUCCEEDED
    assert value(found, "handywriterz_runs_total", status="started", reason="") == 1
    assert value(found, "handywriterz_runs_total", status="succeeded", reason="") == 1
    assert value(found, "handywriterz_run_duration_seconds_count", status="succeeded") == 1
    assert value(
        found, "handywriterz_run_duration_seconds_sum", status="succeeded"
    ) == pytest.approx(run.processing_time, abs=0.01)
    assert value(found, "handywriterz_run_time_to_first_event_seconds_count") == 1
    for kind in ("routing", "research", "writing", "content", "usage", "done"):
        published = value(found, "handywriterz_events_published_total", type=kind)
        assert published == sum(1 for e in events if e["type"] == kind), kind
    assert value(found, "handywriterz_tokens_total", model=OBEYS, direction="in") == run.tokens_in
    assert value(found, "handywriterz_tokens_total", model=OBEYS, direction="out") == (
        run.tokens_out
    )
    assert run.tokens_out > 0
    assert value(found, "handywriterz_stream_resumes_total") == 1
    # Both streams have closed: no process counts one any more.
    assert not [
        v for (name, _l), v in found.items() if name == "handywriterz_sse_open_streams" and v
    ]
    assert (
        value(
            found, "handywriterz_http_requests_total", method="POST", route="api:chat", status="200"
        )
        == 1
    )
    assert value(found, "handywriterz_http_request_duration_seconds_count", route="api:chat") == 1
