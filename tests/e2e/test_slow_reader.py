"""A reader that stops reading while its run publishes, through a real Daphne: the server stops
writing to it (its memory does not grow with what it is not reading), and when it reads again
it gets everything, in order, once."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from apps.streaming.publisher import RunPublisher
from tests.factories import RunFactory, UserFactory
from tests.live import LiveStack, iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EVENTS = int(__import__("os").environ.get("SLOW_EVENTS", "2000"))
PAUSE_SECONDS = float(__import__("os").environ.get("SLOW_PAUSE", "10"))
# 8 KiB an event: 16 MiB published while the reader sleeps, far more than the kernel's socket
# buffers hold, so a server that kept writing would have to hold megabytes of it.
DELTA = ("word " * 1638)[:8190] + " "


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _publish(run: Run) -> None:
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id, coalesce_seconds=0)
    for n in range(EVENTS - 1):
        publisher.content(DELTA, word_count=n)
    publisher.done(message="ok", final_word_count=EVENTS, processing_time=1.0, system_used="simple")
    publisher.close(timeout=30)


def test_a_reader_that_stops_reading_gets_every_event_in_order_once(live_stack: LiveStack):
    user = UserFactory()
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    secret = api_token_create(user=user, name="slow").secret
    daphne = next(p for p in live_stack.group.processes if "daphne" in str(p.args))
    # A fixed receive buffer (the kernel would grow it to megabytes): the client's kernel holds
    # little of what it does not read, yet enough for it to read at speed afterwards.
    transport = httpx.HTTPTransport(
        socket_options=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)]
    )
    with (
        httpx.Client(
            transport=transport,
            base_url=live_stack.url,
            headers={"Authorization": f"Bearer {secret}"},
            timeout=httpx.Timeout(60, read=60),
        ) as client,
        client.stream("GET", f"/api/stream/{run.id}") as response,
    ):
        assert response.status_code == 200
        lines = response.iter_lines()
        assert next(lines) == "retry: 2000"
        before = _rss_kib(daphne.pid)
        started = time.monotonic()
        publishing = threading.Thread(target=_publish, args=(run,))
        publishing.start()
        publishing.join(timeout=PAUSE_SECONDS * 3)
        assert not publishing.is_alive()
        time.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - started)))
        grown = _rss_kib(daphne.pid) - before
        seqs = [message.json()["seq"] for message in iter_sse(lines)]
    assert seqs == list(range(1, EVENTS + 1))
    # Bounded: one socket buffer and a few dozen shared references, not the 16 MiB it missed.
    assert grown < 6 * 1024, f"Daphne grew by {grown} KiB while the reader slept"
