"""The run streams: JSON events for the API, HTML fragments for the page. One generator each."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from apps.accounts.auth import AuthFailure, aauthenticate_request
from apps.conversations.selectors import arun_for, run_card
from apps.core.http import json_error
from apps.streaming.events import EventType
from apps.streaming.progress import RunProgress
from apps.streaming.renderers import HtmlRenderer, JsonRenderer, Renderer
from apps.streaming.selectors import run_events
from apps.streaming.sse import StreamItem, run_event_stream


class BadLastEventId(ValueError):
    pass


def last_event_id(request: HttpRequest) -> int:
    """Where to resume: the browser's `Last-Event-ID` header on reconnect wins over the
    `last_event_id` query parameter the page sets on its first connect."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or "0"
    try:
        value = int(raw)
    except ValueError:
        raise BadLastEventId(raw) from None
    if value < 0:
        raise BadLastEventId(raw)
    return value


async def _encode(items: AsyncGenerator[StreamItem], renderer: Renderer) -> AsyncGenerator[bytes]:
    # Closing this generator closes the stream under it (and so its subscription).
    async with contextlib.aclosing(items) as source:
        async for item in source:
            yield (await renderer.render(item)).encode()


class SseBody:
    """A stream's response body that always releases its subscription.

    When a client hangs up while Django is writing, Django stops iterating without closing the
    generators underneath, which would leave them (and the run's group membership) to the
    garbage collector. Django does call close() once the response is over, from a worker thread:
    it hands the closing back to the event loop."""

    def __init__(self, items: AsyncGenerator[StreamItem], renderer: Renderer) -> None:
        self._loop = asyncio.get_running_loop()
        self._body = _encode(items, renderer)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._body

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._aclose(), self._loop)

    async def _aclose(self) -> None:
        with contextlib.suppress(RuntimeError):  # still running: it is ending by itself
            await self._body.aclose()


def _sse_response(items: AsyncGenerator[StreamItem], renderer: Renderer) -> StreamingHttpResponse:
    response = StreamingHttpResponse(SseBody(items, renderer), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer the stream
    return response


@require_GET
async def run_stream_json(request: HttpRequest, trace_id: str) -> HttpResponseBase:
    try:
        user = await aauthenticate_request(request)
    except AuthFailure as failure:
        return json_error(401, failure.code, failure.message)
    try:
        run_id = uuid.UUID(trace_id)
    except ValueError:
        return json_error(404, "not_found", "No run with this trace_id.")
    run = await arun_for(user=user, run_id=run_id)
    if run is None:
        return json_error(404, "not_found", "No run with this trace_id.")
    try:
        after = last_event_id(request)
    except BadLastEventId:
        return json_error(400, "invalid_last_event_id", "Last-Event-ID must be a whole number ≥ 0.")
    items = run_event_stream(
        run_id=run.id,
        conversation_id=run.conversation_id,
        after_seq=after,
        heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
    )
    return _sse_response(items, JsonRenderer())


@require_GET
async def run_stream_html(request: HttpRequest, run_id: uuid.UUID) -> HttpResponseBase:
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Log in to follow this run.", status=403, content_type="text/plain")
    run = await arun_for(user=user, run_id=run_id)
    if run is None:
        return HttpResponse("No such run.", status=404, content_type="text/plain")
    try:
        after = last_event_id(request)
    except BadLastEventId:
        return HttpResponse("Bad Last-Event-ID.", status=400, content_type="text/plain")
    # The page already shows everything up to `after`; fold it so new fragments build on it.
    progress = RunProgress.from_events(
        [
            e.to_wire(conversation_id=run.conversation_id)
            async for e in run_events(run_id=run.id)
            .filter(seq__lte=after)
            .exclude(type=EventType.CONTENT)
        ]
    )

    async def finished_context() -> dict[str, Any]:
        fresh = await arun_for(user=user, run_id=run_id)
        assert fresh is not None
        return (await sync_to_async(run_card)(run=fresh)).context

    items = run_event_stream(
        run_id=run.id,
        conversation_id=run.conversation_id,
        after_seq=after,
        heartbeat_seconds=settings.SSE_HEARTBEAT_SECONDS,
    )
    return _sse_response(items, HtmlRenderer(progress=progress, finished_context=finished_context))
