from __future__ import annotations

import uuid

from apps.streaming.delivery import Connection, State
from apps.streaming.events import Event
from apps.streaming.renderers import JSON_FORMAT


class Recorder:
    """A writer that records what goes out in each send: a write, or a corked batch."""

    def __init__(self) -> None:
        self.paused = False
        self.closed = False
        self.sends: list[bytes] = []
        self._corked: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._corked is not None:
            self._corked.append(data)
        else:
            self.sends.append(data)

    def cork(self) -> None:
        self._corked = []

    def uncork(self) -> None:
        held, self._corked = self._corked, None
        if held:
            self.sends.append(b"".join(held))

    async def drained(self) -> None:
        pass

    def release(self) -> None:
        pass


def _event(run: uuid.UUID, seq: int, kind: str = "content") -> Event:
    event = {
        "type": kind,
        "conversation_id": str(uuid.uuid4()),
        "run_id": str(run),
        "seq": seq,
        "timestamp": "2026-11-26T01:00:00+00:00",
    }
    if kind == "content":
        event |= {"message": f"part {seq}", "is_complete": False, "word_count": seq}
    else:
        event |= {"message": "done", "final_word_count": 3, "processing_time": 1.0}
        event["system_used"] = "simple"
    return event  # type: ignore[return-value]


async def _live(after_seq: int = 0) -> tuple[Connection, Recorder]:
    async def no_log(after: int, limit: int) -> list[Event]:
        return []

    # A run of its own: the JSON format's rendering is shared per process by (run, seq).
    connection = Connection(run_id=uuid.uuid4())
    writer = Recorder()
    connection.start(after_seq=after_seq, fmt=JSON_FORMAT, writer=writer, load=no_log)
    await connection.catch_up()
    assert connection.state is State.LIVE
    return connection, writer


async def test_a_batch_of_events_goes_out_in_one_send_in_order():
    connection, writer = await _live()
    run = connection.run_id
    connection.offer_many([_event(run, 1), _event(run, 2), _event(run, 3)])
    [sent] = writer.sends
    assert sent.index(b"part 1") < sent.index(b"part 2") < sent.index(b"part 3")
    assert connection.last_seq == 3


async def test_a_batch_skips_what_the_reader_has_and_ends_with_the_run():
    connection, writer = await _live(after_seq=1)
    run = connection.run_id
    connection.offer_many([_event(run, 1), _event(run, 2), _event(run, 3, "done")])
    [sent] = writer.sends
    assert b"part 1" not in sent
    assert b"part 2" in sent
    assert b'"type":"done"' in sent
    assert connection.done
    assert connection.finished.done()
