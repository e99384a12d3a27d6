from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.db import connection
from django.db.models import Max, QuerySet

from apps.streaming.events import TERMINAL_TYPES, Event
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


async def run_ended_by(*, run_id: uuid.UUID, seq: int) -> bool:
    """Whether the run's last event (`done` or `error`) has a `seq` at or before `seq`: a reader
    resuming after it has nothing more to receive, ever."""
    ended = await RunEvent.objects.filter(
        run_id=run_id, type__in=TERMINAL_TYPES, seq__lte=seq
    ).aexists()
    await _close_connection()
    return ended


def run_streamed_text(*, run_id: uuid.UUID) -> str:
    """The draft as readers received it: every stored content delta, in order. What is left of a
    run whose worker died before it could keep the text itself."""
    return "".join(
        str(payload.get("message", ""))
        for payload in RunEvent.objects.filter(run_id=run_id, type="content")
        .order_by("seq")
        .values_list("payload", flat=True)
    )


def run_ended_by_sync(*, run_id: uuid.UUID, seq: int) -> bool:
    """run_ended_by, for the stream server's worker thread."""
    return RunEvent.objects.filter(run_id=run_id, type__in=TERMINAL_TYPES, seq__lte=seq).exists()
