"""An SSE response over a run's stream, whatever renders it: the views that serve the JSON stream
(apps.api) and the page's HTML stream (apps.conversations) both answer with `sse_response`."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from apps.streaming.renderers import Renderer
from apps.streaming.selectors import run_ended_by
from apps.streaming.sse import StreamItem


class BadLastEventId(ValueError):
    pass


def last_event_id(request: HttpRequest) -> int:
    return parse_last_event_id(
        header=request.headers.get("Last-Event-ID"), query=request.GET.get("last_event_id")
    )


def parse_last_event_id(*, header: str | None, query: str | None) -> int:
    """Where to resume: the browser's `Last-Event-ID` header on reconnect wins over the
    `last_event_id` query parameter the page sets on its first connect."""
    raw = header or query or "0"
    try:
        value = int(raw)
    except ValueError:
        raise BadLastEventId(raw) from None
    if value < 0:
        raise BadLastEventId(raw)
    return value


async def nothing_after(*, run_id: uuid.UUID, after_seq: int) -> HttpResponse | None:
    """204 No Content for a reader resuming at or past the run's last event: nothing more will
    come, and 204 is what stops an EventSource from reconnecting (the HTML spec's "fail the
    connection"). None when there is something to stream."""
    if after_seq > 0 and await run_ended_by(run_id=run_id, seq=after_seq):
        return HttpResponse(status=204)
    return None


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


def sse_response(items: AsyncGenerator[StreamItem], renderer: Renderer) -> StreamingHttpResponse:
    response = StreamingHttpResponse(SseBody(items, renderer), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer the stream
    return response
