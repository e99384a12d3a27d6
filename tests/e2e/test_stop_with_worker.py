"""The stop path through the real stack: the API, PostgreSQL, Redis and a real Celery worker
writing with an OpenAI-compatible model (a local fake server speaking the streaming wire format,
reached through LLM_BASE_URL exactly as Ollama or vLLM would be)."""

from __future__ import annotations

import json
import time

import pytest

from apps.conversations.models import Run
from apps.streaming.models import RunEvent
from tests.live import LiveStack
from tests.llm_fakes import FAKE_MODEL

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_model_configured(settings, live_stack: LiveStack, fake_model_url: str) -> None:
    # The live worker already writes with the fake model; this process's API must offer it too.
    settings.LLM_BASE_URL = fake_model_url
    settings.LLM_MODELS = [FAKE_MODEL]


def wait_for(check, *, timeout: float, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.usefixtures("fake_model_configured")
def test_stop_through_the_api_ends_a_real_run_within_a_second(token_client):
    started = token_client.post(
        "/api/chat",
        data=json.dumps(
            {"prompt": "An essay on urban trees", "user_params": {"model": FAKE_MODEL}}
        ),
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    run_id = started.json()["trace_id"]
    # Wait until the model is well into writing.
    wait_for(
        lambda: RunEvent.objects.filter(run_id=run_id, type="content").count() >= 5, timeout=30
    )

    asked = time.monotonic()
    response = token_client.post(f"/api/runs/{run_id}/cancel")
    assert response.json()["status"] == "cancelling"
    run = wait_for(
        lambda: Run.objects.filter(id=run_id, status=Run.Status.CANCELLED).first(), timeout=5
    )
    assert time.monotonic() - asked < 1.0

    assert run.result_message is not None
    assert "word3. " in run.result_message.content
    last = RunEvent.objects.filter(run_id=run_id).order_by("-seq").first()
    assert last is not None
    assert last.type == "error"
    assert last.payload["error_code"] == "cancelled"
    assert run.tokens_out > 0  # the interrupted call is still counted
