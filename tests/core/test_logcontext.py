"""JSON log lines carry the request, user and run they belong to; the request id goes in and out."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from apps.core import logcontext
from tests.factories import UserFactory


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the configured console handler writes, as the JSON lines it would print."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)
    )
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def _records(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_each_record_is_one_json_object_with_the_context(log_lines):
    with logcontext.bound(request_id="req-1", user_id=7, run_id="r-9", trace_id="r-9"):
        logging.getLogger("apps.test").warning("event=something happened")
    logging.getLogger("apps.test").warning("outside")
    inside, outside = _records(log_lines)
    assert inside["message"] == "event=something happened"
    assert inside["level"] == "WARNING"
    assert inside["logger"] == "apps.test"
    assert (inside["request_id"], inside["user_id"], inside["run_id"], inside["trace_id"]) == (
        "req-1",
        "7",
        "r-9",
        "r-9",
    )
    assert "request_id" not in outside


@pytest.mark.django_db
def test_a_request_id_is_echoed_or_made_up(client: Client):
    given = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given["X-Request-ID"] == "abc-123"
    made = client.get("/health/live")
    assert len(made["X-Request-ID"]) == 32
    # A header that is not a sane token is not trusted into the logs.
    odd = client.get("/health/live", headers={"X-Request-ID": 'x" y'})
    assert odd["X-Request-ID"] != 'x" y'


@pytest.mark.django_db
def test_a_request_logs_with_its_request_user_and_run(log_lines):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    run_id = "7b0c5d43-9d3b-4a51-a47a-4d3c0f5bd0b4"
    response = client.post(f"/api/runs/{run_id}/cancel", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 404
    # Django logs the 404 from inside the request: with the request's context.
    line = next(r for r in _records(log_lines) if r["logger"] == "django.request")
    assert line["request_id"] == "req-42"
    assert line["user_id"] == str(user.pk)
    assert line["run_id"] == line["trace_id"] == run_id


def test_a_task_carries_the_request_id_of_the_request_that_queued_it():
    headers: dict[str, str] = {}
    with logcontext.bound(request_id="req-7"):
        logcontext._add_request_id(headers=headers)
    task = SimpleNamespace(
        id_argument="run_id", request=SimpleNamespace(hwz_request_id=headers["hwz_request_id"])
    )
    logcontext._bind_task(task=task, args=["run-1"])
    try:
        assert logcontext.current() == {
            "request_id": "req-7",
            "run_id": "run-1",
            "trace_id": "run-1",
        }
    finally:
        logcontext._unbind_task()
    assert logcontext.current() == {}
