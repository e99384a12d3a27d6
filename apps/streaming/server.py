"""The run streams as a plain ASGI application, routed in handywriterz/asgi.py ahead of Django.

Django's request cycle costs a stream a thread for its life, a pass through every middleware
(each a thread crossing) and a database connection while it connects. Here a stream costs one
trip to a worker thread when it opens — authentication, ownership and the backlog read in one go,
the database connection handed back before the first byte is written — and after that nothing
but its place among the hub's readers (apps.streaming.delivery).

The pages that own a stream say who may read it and how it is rendered: a `Route` pairs a path
with a resolver, a synchronous function of the request that answers a `StreamPlan` or a `Reject`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest
from django.http.cookie import parse_cookie

from apps.core import metrics
from apps.core.deferred import Held, holding, run_held
from apps.streaming import selectors
from apps.streaming.delivery import (
    LOG_BATCH,
    Connection,
    Format,
    ensure_ticker,
    in_thread,
    log_loader,
)
from apps.streaming.events import Event
from apps.streaming.hub import get_hub
from apps.streaming.responses import parse_last_event_id
from apps.streaming.writers import writer_for

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
# Loose: Django's handler and Channels' routers each spell the ASGI types their own way.
AsgiApp = Callable[..., Awaitable[None]]

SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    # A proxy in front must not buffer the stream.
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


@dataclass(frozen=True)
class StreamRequest:
    run_id: str  # as it appears in the path
    headers: Mapping[str, str]  # names in lower case
    query: Mapping[str, str]
    cookies: Mapping[str, str]
    # The same request as Django sees one (for what needs it: throttling reads the address).
    http: HttpRequest

    def last_event_id(self) -> int:
        """As Django's stream views read it (raises BadLastEventId)."""
        return parse_last_event_id(
            header=self.headers.get("last-event-id"), query=self.query.get("last_event_id")
        )


@dataclass(frozen=True)
class Reject:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[bytes, bytes], ...] = ()


@dataclass(frozen=True)
class StreamPlan:
    run_id: uuid.UUID
    conversation_id: uuid.UUID
    after_seq: int
    # Called in the event loop (formats share per-process caches that live there).
    make_format: Callable[[], Format]


Resolver = Callable[[StreamRequest], StreamPlan | Reject]


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]  # with a group named `run_id`
    resolve: Resolver


@dataclass(frozen=True)
class Submitted:
    """What a submit answer says it started: the run, and the events stored so far (written to
    the client first, before the stream subscribes: nothing waits for Redis or the log)."""

    run_id: uuid.UUID
    conversation_id: uuid.UUID
    events: list[Event]


@dataclass(frozen=True)
class SubmitRoute:
    """A POST that starts a run and, when the client accepts `text/event-stream`, answers with
    the run's stream instead of its JSON (the first event without a second request). The view
    that handles the POST (Django's, behind us) does the work; `run_of` reads its answer: what
    it started, or None to pass the answer through as it is."""

    path: str
    run_of: Callable[[int, bytes], Submitted | None]
    make_format: Callable[[uuid.UUID, uuid.UUID], Format]


@dataclass
class _Opened:
    plan: StreamPlan
    backlog: list[Event] = field(default_factory=list)


def _resolve_and_read(resolve: Resolver, request: StreamRequest) -> _Opened | Reject:
    answer = resolve(request)
    if isinstance(answer, Reject):
        return answer
    backlog = selectors.events_after(
        run_id=answer.run_id,
        conversation_id=answer.conversation_id,
        after_seq=answer.after_seq,
        limit=LOG_BATCH,
    )
    return _Opened(answer, backlog)


_resolve_in_thread = in_thread(_resolve_and_read)
_read_log = in_thread(selectors.events_after)


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return b""


class StreamApp:
    def __init__(
        self,
        *,
        routes: list[Route],
        fallback: AsgiApp,
        heartbeat_seconds: float,
        submit: SubmitRoute | None = None,
    ):
        self._routes = routes
        self._fallback = fallback
        self._heartbeat = heartbeat_seconds
        self._submit = submit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            submit = self._submit
            if (
                submit is not None
                and scope["path"] == submit.path
                and scope["method"] == "POST"
                and b"text/event-stream" in _header(scope, b"accept")
            ):
                await self._submit_then_stream(submit, scope, receive, send)
                return
            for route in self._routes:
                match = route.pattern.fullmatch(scope["path"])
                if match is not None:
                    await self._serve(route, match["run_id"], scope, receive, send)
                    return
        await self._fallback(scope, receive, send)

    async def _serve(
        self, route: Route, raw_id: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if scope["method"] != "GET":
            await _respond(send, Reject(405, b"Use GET on this endpoint."), allow=b"GET")
            return
        request = _request(scope, raw_id)
        hub = get_hub()
        try:
            run_key: uuid.UUID | None = uuid.UUID(raw_id)
        except ValueError:
            run_key = None
        connection = Connection(run_id=run_key or uuid.UUID(int=0))
        try:
            if run_key is not None:
                # Attached before the log is read, so nothing published meanwhile is in neither.
                await hub.attach(run_key, connection)
            opened = await _resolve_in_thread(route.resolve, request)
        except Exception:
            logger.exception("event=sse_open_failed path=%s", scope["path"])
            if run_key is not None:
                await hub.detach(run_key, connection)
            await _respond(send, Reject(503, b"The stream is unavailable; retry shortly."))
            return
        if isinstance(opened, Reject):
            if run_key is not None:
                await hub.detach(run_key, connection)
            await _respond(send, opened)
            return
        if opened.plan.after_seq:
            metrics.STREAM_RESUMES.inc()
        await self._stream(opened.plan, opened.backlog, connection, receive, send)

    async def _submit_then_stream(
        self, submit: SubmitRoute, scope: Scope, receive: Receive, send: Send
    ) -> None:
        start: dict[str, Any] = {}
        body = bytearray()
        answered = asyncio.Event()

        async def keep(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    answered.set()

        # What the view defers (the run's news, its task) waits until the first event is out:
        # see apps.core.deferred. It runs whatever becomes of the answer.
        with holding() as held:
            # Django's handler goes on after the answer's last byte (closing the response sends
            # request_finished, a trip to a thread): the stream does not wait for that.
            handling: asyncio.Future[None] = asyncio.ensure_future(
                self._fallback(scope, receive, keep)
            )
            answer: asyncio.Future[Any] = asyncio.ensure_future(answered.wait())
            try:
                await asyncio.wait([handling, answer], return_when=asyncio.FIRST_COMPLETED)
                if not answered.is_set():
                    await handling  # it ended without an answer: its error is raised here

                async def receive_after_django() -> MutableMapping[str, Any]:
                    # Until it ends, Django's handler is listening for the disconnect: one
                    # message goes to one listener, so the stream's listens after it.
                    await asyncio.wait([handling])
                    return await receive()

                await self._answer_submit(
                    submit, start, bytes(body), receive_after_django, send, held
                )
            finally:
                answer.cancel()
                run_held(held)
                await asyncio.wait([handling])
                if answered.is_set() and not handling.cancelled() and handling.exception():
                    logger.error("event=submit_handler_failed", exc_info=handling.exception())

    async def _answer_submit(
        self,
        submit: SubmitRoute,
        start: dict[str, Any],
        body: bytes,
        receive: Receive,
        send: Send,
        held: Held,
    ) -> None:
        if not start:
            return  # the client left before Django answered (it read no body)
        started = submit.run_of(start.get("status", 500), body)
        if started is None:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        fmt = submit.make_format(started.run_id, started.conversation_id)
        # The run was made by this request, for its caller: no one else's to check. What it has
        # stored so far goes out at once; the stream then follows from the last of it.
        lead = bytearray()
        for event in started.events:
            lead += fmt.render_now(event) or await fmt.render(event)
        after = started.events[-1]["seq"] if started.events else 0
        plan = StreamPlan(
            run_id=started.run_id,
            conversation_id=started.conversation_id,
            after_seq=after,
            make_format=lambda: fmt,
        )
        await self._stream(
            plan, None, Connection(run_id=started.run_id), receive, send, bytes(lead), held
        )

    async def _stream(
        self,
        plan: StreamPlan,
        backlog: list[Event] | None,
        connection: Connection,
        receive: Receive,
        send: Send,
        lead: bytes = b"",
        after_lead: Held | None = None,
    ) -> None:
        """Write the stream. `connection` is attached to the hub and `backlog` read already;
        or, with `backlog` None, the head and `lead` (events up to `plan.after_seq`) are
        written first, then `after_lead` is run, and the stream attaches and reads the log."""
        hub = get_hub()
        ensure_ticker(hub, interval=self._heartbeat)
        fmt = plan.make_format()
        watcher: asyncio.Task[None] | None = None
        attached = backlog is not None
        metrics.OPEN_STREAMS.inc()
        try:
            headers = [*SSE_HEADERS, (b"x-trace-id", str(plan.run_id).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            head = fmt.opened() + lead
            await send({"type": "http.response.body", "body": head, "more_body": True})
            if after_lead is not None:
                await _written()
                run_held(after_lead)
            if backlog is None:
                await hub.attach(plan.run_id, connection)
                attached = True
                backlog = await _read_log(
                    run_id=plan.run_id,
                    conversation_id=plan.conversation_id,
                    after_seq=plan.after_seq,
                    limit=LOG_BATCH,
                )
            connection.start(
                after_seq=plan.after_seq,
                fmt=fmt,
                writer=writer_for(send),
                load=log_loader(run_id=plan.run_id, conversation_id=plan.conversation_id),
            )
            connection.seed(backlog, more=len(backlog) >= LOG_BATCH)
            watcher = asyncio.create_task(_watch_disconnect(receive, connection))
            await connection.catch_up()
            await connection.finished
        finally:
            metrics.OPEN_STREAMS.dec()
            if watcher is not None:
                watcher.cancel()
            connection.close()
            connection.cancel()
            connection.writer.release()
            if attached:
                await hub.detach(plan.run_id, connection)
        if not connection.writer.closed:
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _written() -> None:
    """Return once the event loop has done what the last `send` asked of it. Twisted's reactor
    (Daphne's) sends a write's bytes when the loop next finds the socket writable; work started
    before that holds them back. The held work of a submit (the run's news, its Celery publish:
    milliseconds of Python in a thread, holding the GIL) did so: the first event reached the
    client 3.2 ms after it was sent, 1.3 ms when that work waits for this. The loop polls its
    selector once a pass: the first pass queues the socket's writer behind us, the second finds
    us behind it."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


async def _watch_disconnect(receive: Receive, connection: Connection) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            connection.writer.closed = True
            connection.close()
            return


def _request(scope: Scope, raw_id: str) -> StreamRequest:
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        headers[name.decode("latin-1").lower()] = value.decode("latin-1")
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    cookies = parse_cookie(headers.get("cookie", ""))
    http = ASGIRequest(scope, io.BytesIO())
    return StreamRequest(run_id=raw_id, headers=headers, query=query, cookies=cookies, http=http)


async def _respond(send: Send, reject: Reject, *, allow: bytes | None = None) -> None:
    headers = [(b"content-type", reject.content_type.encode()), *reject.headers]
    if allow is not None:
        headers.append((b"allow", allow))
    await send({"type": "http.response.start", "status": reject.status, "headers": headers})
    await send({"type": "http.response.body", "body": reject.body})
