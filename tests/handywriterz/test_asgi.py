from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from daphne.http_protocol import WebRequest
from django.core import signals

from handywriterz.asgi import OneTripHandler


class _Channel:
    """What a Twisted request reads of its channel when it is made."""

    transport = None

    def __init__(self) -> None:
        self.factory = type("Factory", (), {"server": self})()

    def getPeer(self) -> None:
        return None

    def getHost(self) -> None:
        return None

    def protocol_connected(self, request: Any) -> None:
        pass


def test_daphne_leaves_post_bodies_to_django():
    """Twisted would parse every form or multipart body with the email package in the event
    loop, for Daphne to throw away (django/channels#1386)."""
    request = WebRequest(_Channel())
    assert request._parsePOSTFormSubmission is False


async def _get(app: OneTripHandler, path: str) -> int:
    sent: list[dict[str, Any]] = []
    messages = [{"type": "http.request", "body": b"", "more_body": False}]
    hung_up = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await hung_up.wait()  # the client stays until the answer is out
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return int(sent[0]["status"])


@pytest.mark.django_db(transaction=True)
async def test_requests_reuse_the_threads_django_runs_their_signals_in(monkeypatch):
    """The stock handler starts a thread for each request's thread-sensitive work and another to
    shut it down; here those threads are lent to one request at a time and last."""
    app = OneTripHandler()
    assert await _get(app, "/health/live") == 200  # the first request starts what it needs
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    for _ in range(20):
        assert await _get(app, "/health/live") == 200
    # The lasting pool may still grow to its size: a request that comes before the last one's
    # thread is back to idle makes it start another (the stock handler: 40 starts here).
    assert all(name.startswith("django_") for name in started), started
    assert len(started) < app._threads._max_workers


@pytest.mark.django_db(transaction=True)
async def test_request_started_is_sent_from_the_thread_that_serves_the_request(monkeypatch):
    """Its receivers act on their own thread (Django's close its stale database connections):
    sent from another, as Django's handler does, they were a thread crossing for nothing."""
    app = OneTripHandler()
    seen: list[tuple[str, str]] = []

    def started(**kwargs: Any) -> None:
        seen.append(("started", threading.current_thread().name))

    get_response = app.get_response

    def served(request: Any) -> Any:
        seen.append(("served", threading.current_thread().name))
        return get_response(request)

    monkeypatch.setattr(app, "get_response", served)
    signals.request_started.connect(started)
    try:
        assert await _get(app, "/health/live") == 200
    finally:
        signals.request_started.disconnect(started)
    (first, started_in), (then, served_in) = seen
    assert (first, then) == ("started", "served")
    assert started_in == served_in
    assert served_in.startswith("django_")


async def test_only_http_is_handled():
    with pytest.raises(ValueError, match="websocket"):
        await OneTripHandler()({"type": "websocket"}, None, None)


def test_the_web_process_imports_its_views_at_start_and_freezes_what_start_up_made():
    """Not on the first request (1.5 s of imports), and not walked by every full collection
    (tens of milliseconds each, with every stream of the process waiting)."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, sys; import handywriterz.asgi; "
        "print(gc.get_freeze_count(), 'apps.exports.views' in sys.modules)"
    )
    # The test settings, as pytest-django set them for this process.
    answer = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ, check=True
    )
    frozen, views = answer.stdout.split()
    assert int(frozen) > 50_000
    assert views == "True"
