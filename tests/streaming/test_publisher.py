from __future__ import annotations

from typing import Any

import pytest

from apps.streaming.events import InvalidEvent
from apps.streaming.models import RunEvent
from apps.streaming.publisher import RunPublisher
from tests.factories import RunEventFactory, RunFactory


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send(self, group: str, message: dict[str, Any]) -> None:
        self.sent.append((group, message))

    def drain(self, timeout: float = 5.0) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def run(db):
    return RunFactory()


def _publisher(run, clock=None, recorder=None):
    return RunPublisher(
        run_id=run.id,
        conversation_id=run.conversation_id,
        sender=recorder or Recorder(),
        coalesce_seconds=0.05,
        clock=clock or Clock(),
    )


def test_each_event_is_numbered_stored_then_sent(run):
    recorder = Recorder()
    publisher = _publisher(run, recorder=recorder)
    wire = publisher.routing(system="simple", complexity=2.0, reason="short")
    stored = RunEvent.objects.get(run=run)
    assert stored.seq == 1
    assert wire == stored.to_wire(conversation_id=run.conversation_id)
    assert recorder.sent == [(f"run.{run.id}", {"type": "run.event", "event": wire})]
    assert set(wire) == {
        "type",
        "conversation_id",
        "run_id",
        "seq",
        "timestamp",
        "system",
        "complexity",
        "reason",
    }


def test_fields_must_match_the_schema(run):
    publisher = _publisher(run)
    with pytest.raises(InvalidEvent, match="routing event's complexity is 'high'"):
        publisher.routing(system="simple", complexity="high", reason="typed wrong")
    assert not RunEvent.objects.exists()


def test_content_is_coalesced_by_time(run):
    clock = Clock()
    publisher = _publisher(run, clock=clock)
    for i in range(10):
        publisher.content(f"w{i} ", word_count=i + 1)
        clock.now += 0.01
    # 50 ms of deltas make one event; the rest waits for the next flush.
    contents = list(RunEvent.objects.filter(run=run, type="content").order_by("seq"))
    assert len(contents) == 1
    assert contents[0].payload["message"] == "w0 w1 w2 w3 w4 w5 "
    publisher.complete_content(word_count=10)
    contents = list(RunEvent.objects.filter(run=run, type="content").order_by("seq"))
    assert [c.payload["message"] for c in contents] == ["w0 w1 w2 w3 w4 w5 ", "w6 w7 w8 w9 "]
    assert contents[-1].payload == {
        "message": "w6 w7 w8 w9 ",
        "is_complete": True,
        "word_count": 10,
    }


def test_pending_content_goes_out_before_any_other_event(run):
    publisher = _publisher(run)
    publisher.content("Hello ", word_count=1)
    publisher.writing(section="Intro", progress=50, word_count=1, agent="writer")
    assert list(
        RunEvent.objects.filter(run=run).order_by("seq").values_list("type", flat=True)
    ) == ["content", "writing"]


def test_numbering_continues_after_stored_events(run):
    RunEventFactory(run=run, seq=1)
    RunEventFactory(run=run, seq=2)
    publisher = _publisher(run)
    assert publisher.last_seq == 2
    assert publisher.error(error_message="x", error_code="y")["seq"] == 3
