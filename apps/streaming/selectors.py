from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from django.db.models import QuerySet

from apps.streaming.models import RunEvent


def run_events(*, run_id: uuid.UUID, after_seq: int = 0) -> QuerySet[RunEvent]:
    return RunEvent.objects.filter(run_id=run_id, seq__gt=after_seq).order_by("seq")


async def stored_events_after(
    *,
    run_id: uuid.UUID,
    conversation_id: uuid.UUID,
    after_seq: int,
    up_to_seq: int | None = None,
) -> AsyncIterator[dict[str, Any]]:
    qs = run_events(run_id=run_id, after_seq=after_seq)
    if up_to_seq is not None:
        qs = qs.filter(seq__lte=up_to_seq)
    async for event in qs:
        yield event.to_wire(conversation_id=conversation_id)
