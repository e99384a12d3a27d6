"""The stop path through the real stack: the API, PostgreSQL, Redis and a real Celery worker
writing with an OpenAI-compatible model (the fake model server, tests/fakes/llm_server.py,
reached through LLM_BASE_URL exactly as Ollama or vLLM would be, writing slowly)."""

from __future__ import annotations

import json
import time

import pytest

from apps.conversations.models import Run
from apps.streaming.models import RunEvent
from tests.fakes.llm_server import FakeLLMServer, fake_model
from tests.live import LiveStack

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLOW = fake_model("slow", provider="compatible")


@pytest.fixture
def slow_model(live_stack: LiveStack, fake_llm_configured: FakeLLMServer) -> FakeLLMServer:
    # The live worker already writes with the fake models; fake_llm_configured makes this
    # process's API offer them too.
    return fake_llm_configured


def wait_for(check, *, timeout: float, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def test_stop_through_the_api_ends_a_real_run_within_a_second(token_client, slow_model):
    started = token_client.post(
        "/api/chat",
        data=json.dumps({"prompt": "An essay on urban trees", "user_params": {"model": SLOW}}),
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
    # The row is final first; its last event follows it out (usage, then the error).
    last = wait_for(
        lambda: RunEvent.objects.filter(run_id=run_id, type="error").order_by("-seq").first(),
        timeout=5,
    )
    assert RunEvent.objects.filter(run_id=run_id).order_by("-seq").first() == last
    assert last.payload["error_code"] == "cancelled"
    assert run.tokens_out > 0  # the interrupted call is still counted
    # It went through the compatible provider's wire format, and was hung up on.
    assert [r.path for r in slow_model.requests] == ["/v1/chat/completions"]
