"""Reads of a run's stored event log: after a seq, up to a seq, whether it ended, its text."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from apps.conversations.models import Run
from apps.streaming.selectors import (
    run_ended_by,
    run_events,
    run_streamed_text,
    stored_events_after,
)
from tests.factories import RunEventFactory, RunFactory


def _log(run: Run) -> None:
    RunEventFactory(run=run, seq=1)
    for seq, text in ((2, "Cities "), (3, "are "), (4, "warm.")):
        RunEventFactory(
            run=run,
            seq=seq,
            type="content",
            payload={"message": text, "is_complete": False, "word_count": seq - 1},
        )
    RunEventFactory(
        run=run,
        seq=5,
        type="done",
        payload={
            "message": "ok",
            "final_word_count": 3,
            "processing_time": 1.0,
            "system_used": "simple",
        },
    )


def test_run_events_are_the_events_after_a_seq_in_order(db):
    run = RunFactory()
    _log(run)
    RunEventFactory(run=RunFactory(), seq=9)  # another run's
    assert [e.seq for e in run_events(run_id=run.id)] == [1, 2, 3, 4, 5]
    assert [e.seq for e in run_events(run_id=run.id, after_seq=3)] == [4, 5]


def test_the_streamed_text_joins_the_content_deltas_in_order(db):
    run = RunFactory()
    _log(run)
    assert run_streamed_text(run_id=run.id) == "Cities are warm."
    assert run_streamed_text(run_id=RunFactory().id) == ""


@pytest.mark.django_db(transaction=True)
async def test_stored_events_are_read_as_wire_events_between_two_seqs():
    run = await sync_to_async(RunFactory)()
    await sync_to_async(_log)(run)
    events = [
        e
        async for e in stored_events_after(
            run_id=run.id, conversation_id=run.conversation_id, after_seq=1, up_to_seq=3
        )
    ]
    assert [(e["seq"], e["type"]) for e in events] == [(2, "content"), (3, "content")]
    assert events[0]["run_id"] == str(run.id)
    assert events[0]["conversation_id"] == str(run.conversation_id)
    rest = [
        e["seq"]
        async for e in stored_events_after(
            run_id=run.id, conversation_id=run.conversation_id, after_seq=3
        )
    ]
    assert rest == [4, 5]


@pytest.mark.django_db(transaction=True)
async def test_a_run_has_ended_by_a_seq_at_or_after_its_last_event():
    run = await sync_to_async(RunFactory)()
    await sync_to_async(_log)(run)
    assert [await run_ended_by(run_id=run.id, seq=seq) for seq in (4, 5, 6)] == [
        False,
        True,
        True,
    ]
