"""`python -m handywriterz.healthcheck`: the containers' health check, against a real Daphne."""

from __future__ import annotations

import subprocess
import sys

import pytest

from devtools.processes import free_port
from tests.live import LiveStack

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handywriterz.healthcheck", url],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_ready_web_process_is_healthy(live_stack: LiveStack):
    result = _check(f"{live_stack.url}/health/ready")
    assert result.returncode == 0, result.stderr


def test_nothing_listening_is_unhealthy():
    result = _check(f"http://127.0.0.1:{free_port()}/health/ready")
    assert result.returncode == 1
    assert "not ready" in result.stderr


def test_an_answer_other_than_ready_is_unhealthy(live_stack: LiveStack):
    result = _check(f"{live_stack.url}/no-such-page")
    assert result.returncode == 1
