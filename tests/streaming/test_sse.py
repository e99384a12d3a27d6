from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from apps.streaming.events import run_group
from apps.streaming.models import RunEvent
from apps.streaming.sse import Heartbeat, Opened, run_event_stream
from tests.factories import RunFactory
from tests.live import agroup_size

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

ROUTING = {"system": "simple", "complexity": 2.0, "reason": "r"}
DONE = {"message": "ok", "final_word_count": 3, "processing_time": 0.1, "system_used": "simple"}


def _content(text: str) -> dict:
    return {"message": text, "is_complete": False, "word_count": 1}


@sync_to_async
def _store(run, seq: int, kind: str, payload: dict) -> Any:
    event = RunEvent.objects.create(
        run=run, seq=seq, type=kind, payload=payload, created_at=timezone.now()
    )
    return event.to_wire(conversation_id=run.conversation_id)


async def _send(run, wire: dict) -> None:
    await get_channel_layer().group_send(run_group(run.id), {"type": "run.event", "event": wire})


async def _group_size(run) -> int:
    return await agroup_size(run.id)


async def _eventually_empty(run, timeout: float = 5) -> bool:
    """The last reader's group membership is removed by a task of its own, just after."""
    deadline = asyncio.get_running_loop().time() + timeout
    while await _group_size(run):
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@pytest.fixture
async def run():
    return await sync_to_async(RunFactory)()


def _stream(run, after: int = 0, heartbeat: float = 5.0):
    return run_event_stream(
        run_id=run.id,
        conversation_id=run.conversation_id,
        after_seq=after,
        heartbeat_seconds=heartbeat,
    )


async def test_finished_run_replays_after_last_event_id_and_closes(run):
    await _store(run, 1, "routing", ROUTING)
    await _store(run, 2, "content", _content("a"))
    await _store(run, 3, "content", _content("b"))
    await _store(run, 4, "done", DONE)
    items = [item async for item in _stream(run, after=2)]
    assert isinstance(items[0], Opened)
    assert [i["seq"] for i in items[1:]] == [3, 4]
    assert await _eventually_empty(run)


async def test_live_tail_follows_replay_without_duplicates_and_backfills_gaps(run):
    first = await _store(run, 1, "routing", ROUTING)
    stream = _stream(run)
    assert isinstance(await anext(stream), Opened)
    assert (await anext(stream))["seq"] == 1
    assert await _group_size(run) == 1
    # Already replayed: a late copy from the layer is skipped.
    await _send(run, first)
    two = await _store(run, 2, "content", _content("x"))
    await _send(run, two)
    assert (await anext(stream))["seq"] == 2
    # seq 3 is stored but its live message was lost (over capacity): 4 arrives first.
    await _store(run, 3, "content", _content("y"))
    four = await _store(run, 4, "done", DONE)
    await _send(run, four)
    got = [item async for item in stream]
    assert [i["seq"] for i in got] == [3, 4]
    assert got[0]["message"] == "y"
    assert await _eventually_empty(run)


async def test_quiet_stream_sends_heartbeats_and_catches_up_from_the_store(run):
    stream = _stream(run, heartbeat=0.2)
    assert isinstance(await anext(stream), Opened)
    assert isinstance(await asyncio.wait_for(anext(stream), 2), Heartbeat)
    # Stored but never sent live (a publisher that lost Redis): found at the next quiet spell.
    await _store(run, 1, "done", DONE)
    item = await asyncio.wait_for(anext(stream), 2)
    assert item["type"] == "done"
    with contextlib.suppress(StopAsyncIteration):
        await anext(stream)
    assert await _eventually_empty(run)


async def test_closing_the_stream_early_leaves_no_group_membership(run):
    stream = _stream(run)
    await anext(stream)
    assert await _group_size(run) == 1
    await stream.aclose()
    assert await _eventually_empty(run)


async def test_a_stream_resumed_past_a_finished_runs_end_ends_at_once(run):
    await _store(run, 1, "routing", ROUTING)
    await _store(run, 2, "done", DONE)
    items = [
        item
        async for item in run_event_stream(
            run_id=run.id,
            conversation_id=run.conversation_id,
            after_seq=2**40,
            heartbeat_seconds=60,
        )
    ]
    assert items == [Opened()]


async def test_a_live_stream_resumed_past_the_end_ends_when_the_run_ends(run):
    """A reader whose Last-Event-ID is past anything published yet still ends with the run."""
    stream = run_event_stream(
        run_id=run.id, conversation_id=run.conversation_id, after_seq=50, heartbeat_seconds=60
    )
    assert await anext(stream) == Opened()
    waiting = asyncio.ensure_future(anext(stream, None))
    await asyncio.sleep(0.2)
    try:
        await _send(run, await _store(run, 1, "done", DONE))
        assert await asyncio.wait_for(waiting, timeout=2) is None
    finally:
        await stream.aclose()  # its subscription is released before the layer closes
