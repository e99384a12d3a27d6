"""One generator for every run stream: subscribe, replay the stored log, then the live tail.

Renderers (JSON for the API, HTML fragments for htmx) turn what it yields into SSE text.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from apps.core import metrics
from apps.streaming.events import Event, is_terminal
from apps.streaming.hub import Resync, get_hub
from apps.streaming.selectors import stored_events_after


@dataclass(frozen=True)
class Opened:
    """First item: lets the response send its headers at once (Daphne waits for a body chunk)."""


@dataclass(frozen=True)
class Heartbeat:
    pass


StreamItem = Opened | Heartbeat | Event


async def run_event_stream(
    *,
    run_id: uuid.UUID,
    conversation_id: uuid.UUID,
    after_seq: int,
    heartbeat_seconds: float,
) -> AsyncGenerator[StreamItem]:
    """Every event of the run after `after_seq`, exactly once and in order, ending after the
    terminal one. Live events that skip a `seq` (the layer drops over capacity) are backfilled
    from the store; a quiet spell also checks the store, then sends a heartbeat."""
    hub = get_hub()
    # Subscribe before reading the log so nothing published in between is missed; the overlap
    # is removed by `seq`.
    queue = await hub.subscribe(run_id)
    last_seq = after_seq
    metrics.OPEN_STREAMS.inc()
    if after_seq:
        metrics.STREAM_RESUMES.inc()
    try:
        yield Opened()

        async def backfill(up_to: int | None = None) -> AsyncIterator[Event]:
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
            metrics.OPEN_STREAMS.refresh()  # a long, busy stream keeps its process counted
            live: Event | Resync | None
            try:
                live = await asyncio.wait_for(queue.get(), timeout=heartbeat_seconds)
            except TimeoutError:
                live = None
            if live is None or isinstance(live, Resync):
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
        metrics.OPEN_STREAMS.dec()
        await hub.unsubscribe(run_id, queue)
