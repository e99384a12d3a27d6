from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models import Max, QuerySet

from apps.streaming.events import Event
from apps.streaming.models import RunEvent


@sync_to_async
def _close_connection() -> None:
    # Runs in the request's own thread, where its connection lives.
    connection.close()


def run_events(*, run_id: uuid.UUID, after_seq: int = 0) -> QuerySet[RunEvent]:
    return RunEvent.objects.filter(run_id=run_id, seq__gt=after_seq).order_by("seq")


async def stored_events_after(
    *,
    run_id: uuid.UUID,
    conversation_id: uuid.UUID,
    after_seq: int,
    up_to_seq: int | None = None,
) -> AsyncIterator[Event]:
    qs = run_events(run_id=run_id, after_seq=after_seq)
    if up_to_seq is not None:
        qs = qs.filter(seq__lte=up_to_seq)
    events = [event async for event in qs]
    # A stream stays open for minutes and reads the log only now and then: it must not hold one
    # of PostgreSQL's connections in between (a thousand streams would exhaust them).
    await _close_connection()
    for event in events:
        yield event.to_wire(conversation_id=conversation_id)


def events_after(
    *, run_id: uuid.UUID, conversation_id: uuid.UUID, after_seq: int, limit: int
) -> list[Event]:
    """At most `limit` events after `after_seq`, in order (synchronous: the stream server calls
    it in a worker thread and gives the connection back at once)."""
    rows = run_events(run_id=run_id, after_seq=after_seq)[:limit]
    return [row.to_wire(conversation_id=conversation_id) for row in rows]


def last_seqs(*, run_ids: list[uuid.UUID]) -> dict[str, int]:
    """The highest stored `seq` of each run that has events."""
    rows = (
        RunEvent.objects.filter(run_id__in=run_ids)
        .values("run_id")
        .annotate(last=Max("seq"))
        .values_list("run_id", "last")
    )
    return {str(run_id): int(last) for run_id, last in rows}
