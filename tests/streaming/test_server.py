"""The stream server (apps.streaming.server) driven as an ASGI application in this process: the
routes handywriterz/asgi.py serves, with a short heartbeat."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django.utils import timezone

from apps.accounts.services import api_token_create
from apps.api.streams import submitted_run
from apps.conversations import streams as html_streams
from apps.conversations.models import Message, Run
from apps.core.deferred import after_answer
from apps.streaming.events import run_group
from apps.streaming.models import RunEvent
from apps.streaming.renderers import JSON_FORMAT
from apps.streaming.server import SubmitRoute
from handywriterz.asgi import streams as product_streams
from tests.factories import MessageFactory, RunFactory, UserFactory
from tests.live import agroup_size

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ROUTING = {"system": "simple", "complexity": 2.0, "reason": "r"}
DONE = {"message": "ok", "final_word_count": 3, "processing_time": 0.1, "system_used": "simple"}
HEARTBEAT = 0.2
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _content(text: str) -> dict:
    return {"message": text, "is_complete": False, "word_count": 1}


class Exchange:
    """One request to the app: what it sent back, as it arrives."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: dict[bytes, bytes] = {}
        self.body = bytearray()
        self.ended = False
        self.hung_up = asyncio.Event()
        self.arrived = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        await self.hung_up.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = dict(message["headers"])
        else:
            self.body += message.get("body", b"")
            self.ended = not message.get("more_body", False)
        self.arrived.set()

    @property
    def text(self) -> str:
        return self.body.decode()

    def events(self) -> list[dict]:
        return [
            json.loads(line[len("data: ") :])
            for line in self.text.splitlines()
            if line.startswith("data: {")
        ]

    async def until(self, condition, timeout: float = 5) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self.arrived.clear()
                await self.arrived.wait()


def _app():
    # The product's routes and resolvers, with a heartbeat short enough to wait for.
    app = product_streams
    return type(app)(routes=app._routes, fallback=app._fallback, heartbeat_seconds=HEARTBEAT)


def _open(
    path: str, *, headers: dict[str, str] | None = None, query: str = ""
) -> tuple[Exchange, asyncio.Task[None]]:
    exchange = Exchange()
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    task = asyncio.create_task(_app()(scope, exchange.receive, exchange.send))
    return exchange, task


@sync_to_async
def _store(run, seq: int, kind: str, payload: dict) -> Any:
    event = RunEvent.objects.create(
        run=run, seq=seq, type=kind, payload=payload, created_at=timezone.now()
    )
    return event.to_wire(conversation_id=run.conversation_id)


async def _send(wire: dict) -> None:
    await get_channel_layer().group_send(
        run_group(wire["run_id"]), {"type": "run.event", "event": wire}
    )


async def _publish(run, seq: int, kind: str, payload: dict) -> Any:
    wire = await _store(run, seq, kind, payload)
    await _send(wire)
    return wire


@sync_to_async
def _finished_run(user):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED, word_count=2)
    run.result_message = MessageFactory(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content="# Hi there"
    )
    run.save()
    for seq, kind, payload in [
        (1, "queued", {"message": "Queued: waiting for a worker"}),
        (2, "routing", ROUTING),
        (3, "content", {"message": "# Hi there", "is_complete": True, "word_count": 2}),
        (4, "done", DONE),
    ]:
        RunEvent.objects.create(
            run=run, seq=seq, type=kind, payload=payload, created_at=timezone.now()
        )
    return run


@pytest.fixture
async def owner():
    return await sync_to_async(UserFactory)()


async def _bearer(user) -> dict[str, str]:
    issued = await sync_to_async(api_token_create)(user=user, name="t")
    return {"Authorization": f"Bearer {issued.secret}"}


@sync_to_async
def _session_cookie(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


async def _eventually(condition, timeout: float = 5) -> bool:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)
    return True


async def test_finished_run_replays_with_ids_then_closes(owner):
    run = await _finished_run(owner)
    exchange, task = _open(f"/api/stream/{run.id}", headers=await _bearer(owner))
    await asyncio.wait_for(task, 5)
    assert exchange.status == 200
    assert exchange.headers[b"content-type"] == b"text/event-stream"
    assert exchange.headers[b"cache-control"] == b"no-cache"
    assert exchange.text.startswith("retry: 2000\n: connected\n\n")
    assert [e["seq"] for e in exchange.events()] == [1, 2, 3, 4]
    assert [line for line in exchange.text.splitlines() if line.startswith("id: ")] == [
        "id: 1",
        "id: 2",
        "id: 3",
        "id: 4",
    ]
    assert exchange.ended
    assert await agroup_size(run.id) == 0


async def test_resume_after_last_event_id_by_header_or_query(owner):
    run = await _finished_run(owner)
    auth = await _bearer(owner)
    by_header, task = _open(f"/api/stream/{run.id}", headers={**auth, "Last-Event-ID": "2"})
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for e in by_header.events()] == [3, 4]
    by_query, task = _open(f"/api/stream/{run.id}", headers=auth, query="last_event_id=3")
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for e in by_query.events()] == [4]


async def test_session_cookie_authenticates_both_streams(owner):
    run = await _finished_run(owner)
    cookie = await _session_cookie(owner)
    api, task = _open(f"/api/stream/{run.id}", headers=cookie)
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for e in api.events()] == [1, 2, 3, 4]
    page, task = _open(f"/conversations/runs/{run.id}/stream/", headers=cookie)
    await asyncio.wait_for(task, 5)
    assert page.status == 200
    assert 'event: timeline\ndata: <li class="tl tl-routing" data-seq="2">' in page.text
    assert page.text.count("event: status\ndata: Running") == 1
    # Not before the queued event: a worker has not said anything yet at seq 1.
    assert page.text.index("id: 1\n: queued") < page.text.index("event: status")
    assert "event: finished" in page.text


async def test_errors_match_the_django_views(owner):
    run = await _finished_run(owner)
    path = f"/api/stream/{run.id}"
    cases = [
        (path, {}, 401, "authentication_required"),
        (path, {"Authorization": "Bearer nope"}, 401, "invalid_token"),
        (path, {"Authorization": "Token abc"}, 401, "invalid_token"),
        ("/api/stream/not-a-uuid", await _bearer(owner), 404, "not_found"),
        (path, {**await _bearer(owner), "Last-Event-ID": "abc"}, 400, "invalid_last_event_id"),
    ]
    for url, headers, status, code in cases:
        exchange, task = _open(url, headers=headers)
        await asyncio.wait_for(task, 5)
        assert (exchange.status, json.loads(exchange.text)["error_code"]) == (status, code)
    anonymous_page, task = _open(f"/conversations/runs/{run.id}/stream/")
    await asyncio.wait_for(task, 5)
    assert anonymous_page.status == 403


async def test_another_users_run_is_404_on_both_streams(owner):
    run = await _finished_run(owner)
    intruder = await sync_to_async(UserFactory)()
    api, task = _open(f"/api/stream/{run.id}", headers=await _bearer(intruder))
    await asyncio.wait_for(task, 5)
    assert (api.status, json.loads(api.text)["error_code"]) == (404, "not_found")
    page, task = _open(
        f"/conversations/runs/{run.id}/stream/", headers=await _session_cookie(intruder)
    )
    await asyncio.wait_for(task, 5)
    assert page.status == 404
    assert await agroup_size(run.id) == 0


async def test_live_tail_skips_duplicates_backfills_gaps_and_ends_on_the_terminal_event(owner):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    first = await _store(run, 1, "routing", ROUTING)
    exchange, task = _open(f"/api/stream/{run.id}", headers=await _bearer(owner))
    await exchange.until(lambda: len(exchange.events()) == 1)
    await _send(first)  # already replayed from the log: skipped
    await _publish(run, 2, "content", _content("x"))
    await exchange.until(lambda: len(exchange.events()) == 2)
    # 3 is stored but its live message is lost (over capacity): 4 arrives first.
    await _store(run, 3, "content", _content("y"))
    await _publish(run, 4, "done", DONE)
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for e in exchange.events()] == [1, 2, 3, 4]
    assert exchange.events()[2]["message"] == "y"
    assert exchange.ended
    assert await _eventually(lambda: _zero(run))


async def _zero(run) -> bool:
    return await agroup_size(run.id) == 0


async def test_quiet_stream_gets_heartbeats_and_a_lost_last_event_from_the_log(owner):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    exchange, task = _open(f"/api/stream/{run.id}", headers=await _bearer(owner))
    await exchange.until(lambda: ": heartbeat" in exchange.text)
    # Stored, never sent live: one read of the log for the quiet run finds it.
    await _store(run, 1, "done", DONE)
    await asyncio.wait_for(task, 5)
    assert [e["type"] for e in exchange.events()] == ["done"]


async def test_disconnect_releases_the_stream_and_the_group(owner):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    exchange, task = _open(f"/api/stream/{run.id}", headers=await _bearer(owner))
    await exchange.until(lambda: exchange.status == 200)
    assert await agroup_size(run.id) == 1
    exchange.hung_up.set()
    await asyncio.wait_for(task, 5)
    assert await _eventually(lambda: _zero(run))


async def test_many_readers_share_one_render_of_each_event_per_format(owner, monkeypatch):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    renders: list[int] = []
    original = html_streams.event_fragments

    def counting(**kwargs):
        renders.append(kwargs["event"]["seq"])
        return original(**kwargs)

    monkeypatch.setattr(html_streams, "event_fragments", counting)
    cookie = await _session_cookie(owner)
    pages = [_open(f"/conversations/runs/{run.id}/stream/", headers=cookie) for _ in range(20)]
    apis = [_open(f"/api/stream/{run.id}", headers=cookie) for _ in range(20)]
    for exchange, _ in pages + apis:
        await exchange.until(lambda e=exchange: e.status == 200)
    await _publish(run, 1, "routing", ROUTING)
    await _publish(
        run, 2, "writing", {"section": "Intro", "progress": 50, "word_count": 9, "agent": "w"}
    )
    await _publish(run, 3, "content", _content("Hello"))
    await _publish(run, 4, "content", {**_content("Whole draft"), "replace": True})
    await _publish(run, 5, "done", DONE)
    await asyncio.wait_for(asyncio.gather(*(task for _, task in pages + apis)), 10)
    assert sorted(renders) == [1, 2, 3, 4, 5]
    assert not any(html_streams.CSRF_PLACEHOLDER in exchange.text for exchange, _ in pages)
    tokens = [set(CSRF.findall(exchange.text)) for exchange, _ in pages]
    assert all(len(mine) == 1 for mine in tokens)  # each reader's forms carry its own token
    bodies = {CSRF.sub("", exchange.text).replace(": heartbeat\n\n", "") for exchange, _ in pages}
    assert len(bodies) == 1  # otherwise every page reader got the same bytes
    body = bodies.pop()
    assert "event: sections" in body
    assert "event: draft\ndata: <p>Hello</p>" in body  # the draft so far, formatted
    # `replace`: the whole draft so far is the next render, at once.
    assert "event: draft\ndata: <p>Whole draft</p>" in body
    assert body.count("event: status\ndata: Running") == 1
    assert all([e["seq"] for e in ex.events()] == [1, 2, 3, 4, 5] for ex, _ in apis)


class BlockingExchange(Exchange):
    """A server whose socket is full while `blocked` is clear: its send waits (as uvicorn's does
    when the transport is paused)."""

    def __init__(self) -> None:
        super().__init__()
        self.unblocked = asyncio.Event()
        self.unblocked.set()
        self.waiting_sends = 0

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not self.unblocked.is_set():
            self.waiting_sends += 1
            await self.unblocked.wait()
        await super().send(message)


async def test_a_reader_whose_socket_is_full_is_left_alone_then_catches_up_in_order(owner):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    exchange = BlockingExchange()
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"/api/stream/{run.id}",
        "query_string": b"",
        "headers": [(b"authorization", (await _bearer(owner))["Authorization"].encode())],
    }
    task = asyncio.create_task(_app()(scope, exchange.receive, exchange.send))
    await exchange.until(lambda: exchange.status == 200)
    exchange.unblocked.clear()
    # More than the connection keeps in memory (PENDING_MAX): the rest comes from the log.
    for seq in range(1, 151):
        await _publish(run, seq, "content", _content(str(seq)))
    await _publish(run, 151, "done", DONE)
    await asyncio.sleep(0.3)
    assert exchange.waiting_sends == 1  # one send waits; nothing more was piled behind it
    exchange.unblocked.set()
    await asyncio.wait_for(task, 10)
    assert [e["seq"] for e in exchange.events()] == list(range(1, 152))


async def test_draft_text_held_back_by_the_render_interval_arrives_with_a_heartbeat(owner):
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.RUNNING)
    page, task = _open(
        f"/conversations/runs/{run.id}/stream/", headers=await _session_cookie(owner)
    )
    await page.until(lambda: page.status == 200)
    await _publish(run, 1, "content", _content("First"))
    await _publish(run, 2, "content", _content(" and second"))  # within the render interval
    await page.until(lambda: "<p>First and second</p>" in page.text, timeout=3)
    block = next(b for b in page.text.split("\n\n") if "<p>First and second</p>" in b)
    assert block.startswith("event: draft\n")  # at a quiet moment: not event 2's (no id)
    assert "<p>First</p>" in page.text
    await _publish(run, 3, "done", DONE)
    await asyncio.wait_for(task, 5)


def _submit_app(django) -> Any:
    return type(product_streams)(
        routes=product_streams._routes,
        fallback=django,
        heartbeat_seconds=HEARTBEAT,
        submit=SubmitRoute("/api/chat", submitted_run, lambda r, c: JSON_FORMAT),
    )


SUBMIT_SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/api/chat",
    "query_string": b"",
    "headers": [(b"accept", b"text/event-stream")],
}


def _deferring_django(
    run: Run, queued: Any, deferred: Callable[[], None], *, closing: asyncio.Event | None = None
) -> Any:
    """Django behind a submit: the view, in its thread, defers `deferred` (as the run's news and
    task are deferred on commit) and answers with the run and its stored `queued` event; given
    `closing`, the handler then waits for it, as Django's closing the response does."""

    def view() -> bytes:
        after_answer(deferred)
        answer = {"trace_id": str(run.id), "conversation_id": str(run.conversation_id)}
        return json.dumps({**answer, "success": True, "events": [queued]}).encode()

    async def django(scope, receive, send) -> None:
        body = await sync_to_async(view, thread_sensitive=False)()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
        if closing is not None:
            await closing.wait()

    return django


async def test_a_submit_answered_with_the_stream_writes_its_events_then_follows_the_log(owner):
    """POST with Accept: text/event-stream: the answer's events (the stored `queued`) go out
    before the stream subscribes; what was published before it did (seq 2, never seen live
    here) comes from the log; what comes after, live; each exactly once, in order."""
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.QUEUED)
    queued = await _store(run, 1, "queued", {"message": "Queued: waiting for a worker"})

    async def django(scope, receive, send) -> None:
        # The view's part: the run made, its first event stored, and a worker already quick
        # enough to have published the next one before the stream subscribes.
        await _publish(run, 2, "routing", ROUTING)
        answer = {"trace_id": str(run.id), "conversation_id": str(run.conversation_id)}
        body = json.dumps({**answer, "success": True, "events": [queued]}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    exchange = Exchange()
    task = asyncio.create_task(_submit_app(django)(SUBMIT_SCOPE, exchange.receive, exchange.send))
    await exchange.until(lambda: [e["seq"] for e in exchange.events()] == [1, 2])
    assert await agroup_size(run.id) == 1  # subscribed, after the first event went out
    await _publish(run, 3, "content", _content("Live."))
    await _publish(run, 4, "done", DONE)
    await asyncio.wait_for(task, 5)
    assert exchange.status == 200
    assert exchange.headers[b"x-trace-id"] == str(run.id).encode()
    assert [e["seq"] for e in exchange.events()] == [1, 2, 3, 4]
    assert exchange.events()[0] == queued
    assert exchange.ended


async def test_a_submit_sends_what_the_view_deferred_only_once_its_first_event_is_written(owner):
    """The run's news and its task (apps.core.deferred) wait for the first event, and Django
    closing its response (request_finished, after the answer) does not hold the stream up."""
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.QUEUED)
    queued = await _store(run, 1, "queued", {"message": "Queued: waiting for a worker"})
    exchange = Exchange()
    seen_when_sent: list[list[int]] = []
    closing = asyncio.Event()

    django = _deferring_django(
        run,
        queued,
        lambda: seen_when_sent.append([e["seq"] for e in exchange.events()]),
        closing=closing,
    )
    task = asyncio.create_task(_submit_app(django)(SUBMIT_SCOPE, exchange.receive, exchange.send))
    await exchange.until(lambda: [e["seq"] for e in exchange.events()] == [1])

    async def sent() -> bool:
        return bool(seen_when_sent)

    await _eventually(sent)
    assert seen_when_sent == [[1]]  # sent after the first event was written, not before
    closing.set()
    await _publish(run, 2, "done", DONE)
    await asyncio.wait_for(task, 5)
    assert [e["seq"] for e in exchange.events()] == [1, 2]
    assert seen_when_sent == [[1]]  # once


class SocketExchange(Exchange):
    """An exchange whose bytes leave as a reactor's do (Twisted's, under Daphne): a send
    buffers them, and they are written to the socket when the event loop finds it writable."""

    def __init__(self) -> None:
        super().__init__()
        self.ours, self.client = socket.socketpair()
        self.ours.setblocking(False)
        self.client.setblocking(False)
        self._buffered = bytearray()

    async def send(self, message: dict[str, Any]) -> None:
        await super().send(message)
        if message["type"] == "http.response.body":
            self._buffered += message.get("body", b"")
            asyncio.get_running_loop().add_writer(self.ours, self._write)

    def _write(self) -> None:
        asyncio.get_running_loop().remove_writer(self.ours)
        self.ours.send(bytes(self._buffered))
        self._buffered.clear()

    def received(self) -> bytes:
        try:
            return self.client.recv(65536)
        except BlockingIOError:
            return b""

    def close(self) -> None:
        asyncio.get_running_loop().remove_writer(self.ours)
        self.ours.close()
        self.client.close()


async def test_a_submit_starts_what_the_view_deferred_once_its_first_event_is_on_the_socket(
    owner,
):
    """The deferred work (a Celery publish, milliseconds in a thread holding the GIL) must not
    hold back the bytes the writer is waiting for: it starts once they have reached the socket."""
    run = await sync_to_async(RunFactory)(conversation__user=owner, status=Run.Status.QUEUED)
    queued = await _store(run, 1, "queued", {"message": "Queued: waiting for a worker"})
    exchange = SocketExchange()
    on_socket_when_started: list[bytes] = []

    django = _deferring_django(
        run, queued, lambda: on_socket_when_started.append(exchange.received())
    )
    task = asyncio.create_task(_submit_app(django)(SUBMIT_SCOPE, exchange.receive, exchange.send))
    try:
        await exchange.until(lambda: bool(on_socket_when_started))
        assert b'"type":"queued"' in on_socket_when_started[0]
    finally:
        exchange.hung_up.set()
        await asyncio.wait_for(task, 5)
        exchange.close()


async def test_a_submit_answered_without_a_stream_still_sends_what_the_view_deferred():
    ran: list[str] = []

    async def django(scope, receive, send) -> None:
        # A view that deferred work and then answered with an error (no run to stream).
        await sync_to_async(lambda: after_answer(lambda: ran.append("sent")))()
        body = b'{"success": false, "error_code": "validation_error", "error_message": "x"}'
        await send({"type": "http.response.start", "status": 400, "headers": []})
        await send({"type": "http.response.body", "body": body})

    exchange = Exchange()
    await asyncio.wait_for(_submit_app(django)(SUBMIT_SCOPE, exchange.receive, exchange.send), 5)
    assert exchange.status == 400
    assert json.loads(exchange.body)["error_code"] == "validation_error"
    assert ran == ["sent"]


async def test_a_submit_whose_handler_fails_still_sends_what_the_view_deferred():
    ran: list[str] = []

    async def django(scope, receive, send) -> None:
        await sync_to_async(lambda: after_answer(lambda: ran.append("sent")))()
        raise RuntimeError("the handler broke before answering")

    exchange = Exchange()
    with pytest.raises(RuntimeError, match="handler broke"):
        await _submit_app(django)(SUBMIT_SCOPE, exchange.receive, exchange.send)
    assert ran == ["sent"]
