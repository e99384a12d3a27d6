"""The SSE response: where a reader resumes, 204 for one past the end, and the streamed body."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.test import RequestFactory

from apps.streaming.renderers import JsonRenderer
from apps.streaming.responses import (
    BadLastEventId,
    SseBody,
    last_event_id,
    nothing_after,
    sse_response,
)
from apps.streaming.sse import Heartbeat, Opened, StreamItem
from tests.factories import RunEventFactory, RunFactory

requests = RequestFactory()


def test_a_first_connect_resumes_from_the_query_parameter_or_the_start():
    assert last_event_id(requests.get("/s")) == 0
    assert last_event_id(requests.get("/s", {"last_event_id": "12"})) == 12


def test_the_browsers_last_event_id_header_wins_over_the_query_parameter():
    request = requests.get("/s", {"last_event_id": "12"}, headers={"Last-Event-ID": "40"})
    assert last_event_id(request) == 40


@pytest.mark.parametrize("raw", ["abc", "-1", "1.5", " "])
def test_a_last_event_id_that_is_not_a_count_is_refused(raw: str):
    with pytest.raises(BadLastEventId):
        last_event_id(requests.get("/s", headers={"Last-Event-ID": raw}))
    with pytest.raises(BadLastEventId):
        last_event_id(requests.get("/s", {"last_event_id": raw}))


@pytest.mark.django_db(transaction=True)
async def test_a_reader_at_or_past_the_runs_last_event_gets_204_and_others_none():
    run = await sync_to_async(RunFactory)()
    await sync_to_async(RunEventFactory)(run=run, seq=1)
    assert await nothing_after(run_id=run.id, after_seq=1) is None  # not ended yet
    await sync_to_async(RunEventFactory)(
        run=run, seq=2, type="done", payload={"message": "ok", "final_word_count": 1}
    )
    assert await nothing_after(run_id=run.id, after_seq=1) is None
    assert await nothing_after(run_id=run.id, after_seq=0) is None
    for after in (2, 3):
        ended = await nothing_after(run_id=run.id, after_seq=after)
        assert ended is not None
        assert (ended.status_code, ended.content) == (204, b"")


async def test_the_response_streams_rendered_items_unbuffered_and_uncached():
    async def items() -> AsyncGenerator[StreamItem]:
        yield Opened()
        yield Heartbeat()

    response = sse_response(items(), JsonRenderer())
    assert response["Content-Type"] == "text/event-stream"
    assert (response["Cache-Control"], response["X-Accel-Buffering"]) == ("no-cache", "no")
    content = response.streaming_content
    assert isinstance(content, AsyncIterator)
    body = b"".join([chunk async for chunk in content])
    assert body == b"retry: 2000\n: connected\n\n: heartbeat\n\n"


async def test_closing_the_body_closes_the_stream_under_it():
    closed: list[bool] = []

    async def items() -> AsyncGenerator[StreamItem]:
        try:
            yield Opened()
            yield Heartbeat()
        finally:
            closed.append(True)

    body = SseBody(items(), JsonRenderer())
    stream = aiter(body)
    assert await anext(stream) == b"retry: 2000\n: connected\n\n"
    # Django closes a finished response's body from a worker thread; it runs on the loop.
    await sync_to_async(body.close)()
    for _ in range(5):
        await asyncio.sleep(0)
    assert closed == [True]
