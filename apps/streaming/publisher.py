"""The one way a run's events are published: numbered, stored, then sent."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from apps.core import metrics
from apps.streaming.bridge import get_bridge
from apps.streaming.events import (
    ContentFields,
    DoneFields,
    ErrorFields,
    Event,
    EventType,
    Fields,
    QueuedFields,
    ResearchFields,
    RoutingFields,
    UsageFields,
    WritingFields,
    run_group,
    validate_event,
)
from apps.streaming.models import RunEvent


class Sender(Protocol):
    def send(self, group: str, message: dict[str, Any]) -> None: ...

    def drain(self, timeout: float = ...) -> bool: ...


class RunPublisher:
    """Gives each event the run's next `seq`, stores it as a RunEvent, then sends it to the
    run's channel-layer group. Content deltas are coalesced: at most one content event per
    `coalesce_seconds`, and always before any other event so that order is preserved."""

    def __init__(
        self,
        *,
        run_id: uuid.UUID,
        conversation_id: uuid.UUID,
        sender: Sender | None = None,
        coalesce_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        after_seq: int | None = None,
        queued_at: datetime | None = None,
    ) -> None:
        self.run_id = run_id
        # When the run was queued: its first event then measures the time to first event.
        self._queued_at = queued_at
        self.conversation_id = conversation_id
        self._sender = sender if sender is not None else get_bridge()
        self._coalesce = (
            settings.CONTENT_COALESCE_SECONDS if coalesce_seconds is None else coalesce_seconds
        )
        self._clock = clock
        # Continue after whatever a previous attempt of this run stored (a caller that knows,
        # such as a run's creator, says so and saves the query).
        if after_seq is None:
            after_seq = RunEvent.objects.filter(run_id=run_id).aggregate(m=Max("seq"))["m"] or 0
        self._seq: int = after_seq
        self._pending: list[str] = []
        self._pending_since = 0.0
        self._pending_word_count = 0

    @property
    def last_seq(self) -> int:
        return self._seq

    # One method per event type, so that every publisher's fields are checked by mypy.
    def queued(self, *, message: str) -> Event:
        return self._publish(EventType.QUEUED, QueuedFields(message=message))

    def routing(self, *, system: str, complexity: float, reason: str) -> Event:
        fields = RoutingFields(system=system, complexity=complexity, reason=reason)
        return self._publish(EventType.ROUTING, fields)

    def research(self, *, query: str, sources_found: int, agent: str, status: str) -> Event:
        fields = ResearchFields(
            query=query, sources_found=sources_found, agent=agent, status=status
        )
        return self._publish(EventType.RESEARCH, fields)

    def writing(self, *, section: str, progress: int, word_count: int, agent: str) -> Event:
        fields = WritingFields(
            section=section, progress=progress, word_count=word_count, agent=agent
        )
        return self._publish(EventType.WRITING, fields)

    def usage(self, *, model: str, tokens_in: int, tokens_out: int, cost_usd: float) -> Event:
        fields = UsageFields(
            model=model, tokens_in=tokens_in, tokens_out=tokens_out, cost_usd=cost_usd
        )
        return self._publish(EventType.USAGE, fields)

    def done(
        self,
        *,
        message: str,
        final_word_count: int,
        processing_time: float,
        system_used: str,
        quality: dict[str, Any] | None = None,
    ) -> Event:
        fields = DoneFields(
            message=message,
            final_word_count=final_word_count,
            processing_time=processing_time,
            system_used=system_used,
        )
        if quality is not None:
            fields["quality"] = quality
        return self._publish(EventType.DONE, fields)

    def error(self, *, error_message: str, error_code: str) -> Event:
        fields = ErrorFields(error_message=error_message, error_code=error_code)
        return self._publish(EventType.ERROR, fields)

    def _publish(self, event_type: EventType, fields: Fields) -> Event:
        self.flush()  # pending content goes first: order is preserved
        return self._emit(event_type, fields)

    def content(self, delta: str, *, word_count: int) -> None:
        if not delta:
            return
        if not self._pending:
            self._pending_since = self._clock()
        self._pending.append(delta)
        self._pending_word_count = word_count
        if self._clock() - self._pending_since >= self._coalesce:
            self.flush()

    def flush(self, *, is_complete: bool = False) -> None:
        if not self._pending and not is_complete:
            return
        message = "".join(self._pending)
        self._pending.clear()
        self._emit(
            EventType.CONTENT,
            ContentFields(
                message=message, is_complete=is_complete, word_count=self._pending_word_count
            ),
        )

    def replace_content(self, document: str, *, word_count: int) -> None:
        """The whole document so far, replacing what readers have (`replace: true`)."""
        self.flush()
        fields = ContentFields(
            message=document, is_complete=False, word_count=word_count, replace=True
        )
        self._emit(EventType.CONTENT, fields)

    def complete_content(self, *, word_count: int) -> None:
        """Send what is pending with `is_complete: true` (an empty message if nothing is)."""
        self._pending_word_count = word_count
        self.flush(is_complete=True)

    def close(self, timeout: float = 5.0) -> None:
        """Flush and wait until every event has left the process."""
        self.flush()
        self._sender.drain(timeout)

    def _emit(
        self,
        event_type: EventType,
        fields: Fields,
        *,
        store: Callable[[RunEvent], None] | None = None,
    ) -> Event:
        validate_event({"type": event_type.value, **fields}, envelope=False)
        self._seq += 1
        stored = RunEvent(
            run_id=self.run_id,
            seq=self._seq,
            type=event_type.value,
            payload=fields,
            created_at=timezone.now(),
        )
        if store is None:
            stored.save(force_insert=True)
        else:  # the caller inserts it (with other rows, in one statement)
            store(stored)
        wire = stored.to_wire(conversation_id=self.conversation_id)
        self._sender.send(run_group(self.run_id), {"type": "run.event", "event": wire})
        metrics.EVENTS_PUBLISHED.inc(type=event_type.value)
        if self._queued_at is not None:
            # The worker's first event (seq 2: the request that queued the run wrote seq 1).
            waited = (stored.created_at - self._queued_at).total_seconds()
            self._queued_at = None
            metrics.TIME_TO_FIRST_EVENT.observe(max(0.0, waited))
        return wire


class _Held:
    """Holds what a publisher sends until `release`: a reader must never be told of an event
    the log does not (yet, or ever) hold, so news of a row written in an open transaction waits
    for its commit."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender
        self._held: list[tuple[str, dict[str, Any]]] = []

    def send(self, group: str, message: dict[str, Any]) -> None:
        self._held.append((group, message))

    def drain(self, timeout: float = 5.0) -> bool:
        return True

    def release(self) -> None:
        for group, message in self._held:
            self._sender.send(group, message)
        self._held.clear()


QUEUED_MESSAGE = "Queued: waiting for a worker"


def queued_event_row(
    *, run_id: uuid.UUID, conversation_id: uuid.UUID, sender: Sender | None = None
) -> tuple[RunEvent, Event, Callable[[], None]]:
    """A new run's first event (`queued`, seq 1): the row, for the caller to insert with the
    run's own rows in its transaction; the event as readers get it; and what sends it, for the
    caller to call once that transaction has committed."""
    held = _Held(sender if sender is not None else get_bridge())
    publisher = RunPublisher(
        run_id=run_id, conversation_id=conversation_id, sender=held, after_seq=0
    )
    rows: list[RunEvent] = []
    event = publisher._emit(
        EventType.QUEUED, QueuedFields(message=QUEUED_MESSAGE), store=rows.append
    )
    return rows[0], event, held.release
