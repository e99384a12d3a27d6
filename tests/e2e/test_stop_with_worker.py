"""The stop path through the real stack: the API, PostgreSQL, Redis and a real Celery worker
writing with an OpenAI-compatible model (a local fake server speaking the streaming wire format,
reached through LLM_BASE_URL exactly as Ollama or vLLM would be)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

from apps.conversations.models import Run
from apps.streaming.models import RunEvent
from handywriterz.celery import app as celery_app
from tests.llm_fakes import openai_chunk, openai_usage_chunk, sse_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MODEL = "fake-model"
WORD_SECONDS = 0.02  # the fake model writes fifty words a second


class SlowModel(BaseHTTPRequestHandler):
    """A chat model that writes slowly until the client hangs up."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        try:
            self.wfile.write(sse_data(openai_chunk(role=True)))
            for i in range(3000):
                self.wfile.write(sse_data(openai_chunk(content=f"word{i}. ")))
                self.wfile.flush()
                time.sleep(WORD_SECONDS)
            self.wfile.write(sse_data(openai_chunk(finish="stop")))
            self.wfile.write(sse_data(openai_usage_chunk(100, 4000)))
            self.wfile.write(sse_data("[DONE]"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the pipeline hung up: that is the point

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def model_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker(model_server: str, settings, tmp_path: Path) -> Iterator[None]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "handywriterz.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "LLM_BASE_URL": model_server,
        "LLM_MODELS": MODEL,
        "TEST_PROVIDERS_FROM_ENV": "1",  # the local fake above, never a real provider
    }
    settings.LLM_BASE_URL = model_server
    settings.LLM_MODELS = [MODEL]
    celery_app.control.purge()
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "handywriterz",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.2)
        yield
    finally:
        print(log.read_text())  # shown when the test fails
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(check, *, timeout: float, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.usefixtures("worker")
def test_stop_through_the_api_ends_a_real_run_within_a_second(token_client):
    started = token_client.post(
        "/api/chat",
        data=json.dumps({"prompt": "An essay on urban trees", "user_params": {"model": MODEL}}),
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
