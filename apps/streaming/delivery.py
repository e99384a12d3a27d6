"""One open stream: the events of a run after `last_seq`, each exactly once and in order, written
to its socket straight from the hub's pass while it keeps up, caught up from the stored log when
it does not.

A connection is `live` while everything up to `last_seq` is written and its socket takes more:
the hub's `offer` then renders (a cache hit for all readers but the first) and writes in place,
with no task woken. Anything else — a gap in `seq`, a socket that is full, a fragment that needs
the database to render — turns it to `catching_up`: one task of its own writes from a small
queue of the live events it was offered (references to the hub's shared dicts, at most
`PENDING_MAX`) and reads the log for whatever is not there, then turns it back to live. The
server therefore holds at most one socket buffer and `PENDING_MAX` references per slow reader,
and never loses an event: whatever it did not keep, the log has.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import uuid
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from typing import ParamSpec, Protocol, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection

from apps.core import metrics
from apps.streaming import selectors
from apps.streaming.events import Event, is_terminal
from apps.streaming.hub import RunHub
from apps.streaming.writers import NotStarted, Writer

logger = logging.getLogger(__name__)

PENDING_MAX = 64
LOG_BATCH = 200
# A stored event the log does not show yet (a publisher's commit racing its own news): retried.
LOG_RETRY_SECONDS = 0.05


class Format(Protocol):
    """How one stream turns events into SSE bytes. `render_now` answers from what is at hand
    (shared caches: one render per event per format per process) or None when rendering needs
    to wait for something (the database): then `render` is awaited."""

    def opened(self) -> bytes: ...

    def heartbeat(self, last_seq: int) -> bytes:
        """For a quiet stream that has written everything up to `last_seq`."""

    def render_now(self, event: Event) -> bytes | None: ...

    async def render(self, event: Event) -> bytes: ...


Loader = Callable[[int, int], Awaitable[list[Event]]]


P = ParamSpec("P")
R = TypeVar("R")


def _in_thread(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run a database read in a worker thread and give its connection back at once: an open
    stream holds no database connection."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return sync_to_async(call, thread_sensitive=False)


def log_loader(*, run_id: uuid.UUID, conversation_id: uuid.UUID) -> Loader:
    read = _in_thread(selectors.events_after)

    async def load(after_seq: int, limit: int) -> list[Event]:
        return await read(
            run_id=run_id, conversation_id=conversation_id, after_seq=after_seq, limit=limit
        )

    return load


last_seqs = _in_thread(selectors.last_seqs)
in_thread = _in_thread


class State(enum.Enum):
    LIVE = "live"
    CATCHING_UP = "catching_up"
    DONE = "done"


class Connection:
    fmt: Format
    writer: Writer
    _load: Loader

    def __init__(self, *, run_id: uuid.UUID) -> None:
        self.run_id = run_id
        self.last_seq = 0
        self.writer = NotStarted()
        # Attached to the hub before the request is even authorised (so that nothing published
        # while its backlog is read is missed): it keeps what it is offered until `start`.
        self.state = State.CATCHING_UP
        self._pending: deque[Event] = deque()
        # Something after `last_seq` was offered and not kept: the log must be read.
        self._missed = False
        self.wrote = False  # since the last heartbeat tick
        self.finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._task: asyncio.Task[None] | None = None

    # --- called by the hub, in its one pass -----------------------------------------------
    def offer(self, event: Event) -> None:
        seq = event["seq"]
        if seq <= self.last_seq or self.state is State.DONE:
            if is_terminal(event):
                # Resumed past everything published yet: the run's end is still the end.
                self.close()
            return
        if self.state is State.LIVE:
            if seq == self.last_seq + 1 and not self.writer.paused:
                data = self.fmt.render_now(event)
                if data is not None:
                    self._write(data, event)
                    return
            self.state = State.CATCHING_UP
            self._keep(event)
            self._start_catching_up()
            return
        self._keep(event)

    def offer_many(self, events: list[Event]) -> None:
        """Several events of the run, in order: whatever of them goes out live goes in one
        write (the hub batches when it is behind: see RunHub)."""
        writer = self.writer
        writer.cork()
        try:
            for event in events:
                self.offer(event)
        finally:
            writer.uncork()

    def resync(self) -> None:
        if self.state is State.DONE:
            return
        self._missed = True
        if self.state is State.LIVE:
            self.state = State.CATCHING_UP
            self._start_catching_up()

    # --- called by the server and the ticker ----------------------------------------------
    def start(self, *, after_seq: int, fmt: Format, writer: Writer, load: Loader) -> None:
        self.last_seq = after_seq
        self.fmt = fmt
        self.writer = writer
        self._load = load

    def seed(self, backlog: list[Event], *, more: bool) -> None:
        """The log as read when the stream opened (before `catch_up`)."""
        kept = [e for e in self._pending if not backlog or e["seq"] > backlog[-1]["seq"]]
        self._pending = deque([*backlog, *kept])
        self._missed = self._missed or more

    async def catch_up(self) -> None:
        """Write everything due, from the queue and the log, then go live (or finish)."""
        while self.state is State.CATCHING_UP:
            if self.writer.closed:
                self.close()
                return
            if self.writer.paused:
                await self.writer.drained()
                continue
            event = self._next()
            if event is not None:
                data = self.fmt.render_now(event)
                if data is None:
                    data = await self.fmt.render(event)
                    if self.done:  # closed while it rendered
                        return
                self._write(data, event)
                continue
            if not self._pending and not self._missed:
                self.state = State.LIVE  # no await since the check: nothing slipped past
                return
            await self._read_log()

    @property
    def done(self) -> bool:
        return self.state is State.DONE

    def heartbeat(self) -> None:
        if self.state is State.LIVE and not self.wrote and not self.writer.paused:
            self.writer.write(self.fmt.heartbeat(self.last_seq))
        self.wrote = False

    def close(self) -> None:
        if self.state is State.DONE:
            return
        self.state = State.DONE
        self._pending.clear()
        if not self.finished.done():
            self.finished.set_result(None)

    # --- inside ---------------------------------------------------------------------------
    def _write(self, data: bytes, event: Event) -> None:
        self.writer.write(data)
        self.wrote = True
        self.last_seq = event["seq"]
        if is_terminal(event):
            self.close()

    def _keep(self, event: Event) -> None:
        if len(self._pending) < PENDING_MAX:
            self._pending.append(event)
        else:
            self._missed = True

    def _next(self) -> Event | None:
        pending = self._pending
        while pending and pending[0]["seq"] <= self.last_seq:
            if is_terminal(pending.popleft()):
                self.close()  # the run ended before where this reader resumed
                return None
        if pending and pending[0]["seq"] == self.last_seq + 1:
            return pending.popleft()
        return None

    async def _read_log(self) -> None:
        self._missed = False  # anything dropped while we read sets it again
        loaded = await self._load(self.last_seq, LOG_BATCH)
        if len(loaded) >= LOG_BATCH:
            self._missed = True
        if not loaded:
            if self._pending:
                # The log does not show the gap's events yet: they are committed just after.
                await asyncio.sleep(LOG_RETRY_SECONDS)
            return
        newest = loaded[-1]["seq"]
        self._pending = deque([*loaded, *(e for e in self._pending if e["seq"] > newest)])

    def _start_catching_up(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._catch_up_in_background())

    async def _catch_up_in_background(self) -> None:
        try:
            await self.catch_up()
        except Exception:
            logger.exception("event=sse_catch_up_failed run_id=%s", self.run_id)
            self.close()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()


class Ticker:
    """One timer per process for every open stream: a heartbeat comment to each stream that
    wrote nothing since the last tick, and one read of the log for all runs that were quiet, in
    case the layer lost their last events (a reader behind the stored `seq` catches up)."""

    def __init__(self, hub: RunHub, *, interval: float) -> None:
        self._hub = hub
        self._interval = interval
        self._loop = asyncio.get_running_loop()
        self._handle = self._loop.call_later(interval, self._tick)
        self._probe: asyncio.Task[None] | None = None

    def _tick(self) -> None:
        self._handle = self._loop.call_later(self._interval, self._tick)
        metrics.OPEN_STREAMS.refresh()  # long-lived streams keep this process counted
        for readers in self._hub.runs().values():
            for reader in readers:
                if isinstance(reader, Connection):
                    reader.heartbeat()
        quiet = self._hub.quiet_runs(for_seconds=self._interval)
        if quiet and (self._probe is None or self._probe.done()):
            self._probe = self._loop.create_task(self._check_log(quiet))

    async def _check_log(self, run_ids: list[str]) -> None:
        try:
            stored = await last_seqs(run_ids=[uuid.UUID(r) for r in run_ids])
        except Exception:
            logger.exception("event=sse_probe_failed")
            return
        runs = self._hub.runs()
        for run_id, last in stored.items():
            for reader in runs.get(run_id, ()):
                if isinstance(reader, Connection) and reader.last_seq < last:
                    reader.resync()

    def stop(self) -> None:
        self._handle.cancel()


_tickers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Ticker] = weakref.WeakKeyDictionary()


def ensure_ticker(hub: RunHub, *, interval: float) -> Ticker:
    loop = asyncio.get_running_loop()
    ticker = _tickers.get(loop)
    if ticker is None:
        ticker = _tickers[loop] = Ticker(hub, interval=interval)
    return ticker
