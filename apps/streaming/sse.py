"""One generator for every run stream: subscribe, replay the stored log, then the live tail.

Renderers (JSON for the API, HTML fragments for htmx) turn what it yields into SSE text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from channels.layers import BaseChannelLayer, get_channel_layer

from apps.streaming.events import is_terminal, run_group
from apps.streaming.selectors import stored_events_after

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    """First item: lets the response send its headers at once (Daphne waits for a body chunk)."""


@dataclass(frozen=True)
class Heartbeat:
    pass


StreamItem = Opened | Heartbeat | dict[str, Any]

# Put on a stream's queue when live delivery may have lost something: backfill from the log.
RESYNC: dict[str, Any] = {"type": "resync", "seq": -1}


async def _pump(
    layer: BaseChannelLayer, channel: str, queue: asyncio.Queue[dict[str, Any]]
) -> None:
    # One long-lived receive per stream: cancelling a channels-redis receive can drop what it
    # buffered, so it is cancelled only when the stream ends.
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A failed receive may have lost a message: ask the stream to read the log now,
            # then keep listening rather than leave the stream to poll.
            logger.exception("event=sse_receive_failed channel=%s", channel)
            queue.put_nowait(RESYNC)
            await asyncio.sleep(0.1)
            continue
        event = message.get("event")
        if isinstance(event, dict):
            queue.put_nowait(event)


async def run_event_stream(
    *,
    run_id: uuid.UUID,
    conversation_id: uuid.UUID,
    after_seq: int,
    heartbeat_seconds: float,
) -> AsyncIterator[StreamItem]:
    """Every event of the run after `after_seq`, exactly once and in order, ending after the
    terminal one. Live events that skip a `seq` (the layer drops over capacity) are backfilled
    from the store; a quiet spell also checks the store, then sends a heartbeat."""
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is not configured"
    group = run_group(run_id)
    channel = await layer.new_channel(prefix="sse")
    # Join the group before reading the log so nothing published in between is missed; the
    # overlap is removed by `seq`.
    await layer.group_add(group, channel)
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    pump = asyncio.create_task(_pump(layer, channel, queue))
    last_seq = after_seq
    try:
        yield Opened()

        async def backfill(up_to: int | None = None) -> AsyncIterator[dict[str, Any]]:
            async for stored in stored_events_after(
                run_id=run_id, conversation_id=conversation_id, after_seq=last_seq, up_to_seq=up_to
            ):
                yield stored

        async for event in backfill():
            yield event
            last_seq = event["seq"]
            if is_terminal(event):
                return

        while True:
            live: dict[str, Any] | None
            try:
                live = await asyncio.wait_for(queue.get(), timeout=heartbeat_seconds)
            except TimeoutError:
                live = None
            if live is None or live is RESYNC:
                # A quiet spell or a failed receive: whatever the layer lost, the log has.
                async for stored in backfill():
                    yield stored
                    last_seq = stored["seq"]
                    if is_terminal(stored):
                        return
                if live is None:
                    yield Heartbeat()
                continue
            seq = live["seq"]
            if seq <= last_seq:
                continue
            if seq > last_seq + 1:
                async for stored in backfill(up_to=seq - 1):
                    yield stored
                    last_seq = stored["seq"]
            yield live
            last_seq = seq
            if is_terminal(live):
                return
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump
        # Shielded: a disconnect cancels us, and the membership must still be removed.
        with contextlib.suppress(Exception):
            await asyncio.shield(layer.group_discard(group, channel))
