"""One channel-layer channel per process, joined to the group of every run it has readers for,
fanned out in memory to every local reader of that run in one pass.

With a channel per stream, each event costs one Redis message per open stream: a thousand readers
of one run means a thousand BZPOPMINs an event. Here a process receives each event once and offers
it to each of its readers in turn, synchronously: a reader that can write at once does so there
and then (apps.streaming.delivery), so an event wakes no task per stream. A hub that has fallen
behind offers the events that queued meanwhile together (BEHIND_SECONDS). The channel's receive
runs for the life of the process: a channels-redis receive cannot be cancelled quickly (it waits
out its BZPOPMIN), so nothing on a stream's path ever cancels one. The stored log makes up for
anything lost: a reader told to `resync` reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Protocol, cast

from channels.layers import BaseChannelLayer, get_channel_layer
from redis.exceptions import RedisError

from apps.streaming.events import Event, run_group

logger = logging.getLogger(__name__)


class Reader(Protocol):
    """What the hub delivers to. Both calls must return at once: they run inside the hub's one
    pass over every reader of the run."""

    def offer(self, event: Event) -> None: ...

    def offer_many(self, events: list[Event]) -> None:
        """Several events of one run, in order (a batch: see RunHub)."""

    def resync(self) -> None:
        """Live delivery may have lost something: catch up from the log."""


@dataclass(frozen=True)
class Resync:
    """Put on a queue reader when live delivery may have lost something: backfill from the
    log."""


RESYNC = Resync()
Item = Event | Resync

# After a failed receive, how soon to try Redis again (doubling up to half a second: a
# restarted Redis is back in live delivery within about that).
RETRY_FIRST, RETRY_MAX = 0.05, 0.5
# An event that reaches the hub this long after it was stored finds the hub behind: the events
# after it are likely queued in Redis already. The hub then waits GATHER_SECONDS for them and
# offers them together, each reader getting the batch in one write. A pass over a thousand
# readers costs about as much for several events as for one (the system call per socket is
# most of it), so a hub behind catches up instead of falling further behind with every event.
# Measured at 1,000 readers of one run at 50 events/s on 2 cores (make bench): p50 570-1,190 ms
# without, 48-57 ms with; a 3 ms gather was too short to catch up (76-88 ms).
BEHIND_SECONDS = 0.02
GATHER_SECONDS = 0.01


class QueueReader(asyncio.Queue[Item]):
    """A reader that queues what it is offered, for a consumer that pulls (the generator of
    apps.streaming.sse). Unbounded: only for streams that drain it as fast as it fills."""

    def offer(self, event: Event) -> None:
        self.put_nowait(event)

    def offer_many(self, events: list[Event]) -> None:
        for event in events:
            self.put_nowait(event)

    def resync(self) -> None:
        self.put_nowait(RESYNC)


@dataclass(eq=False)
class _Run:
    readers: set[Reader] = field(default_factory=set)
    # Set once the group membership exists: a stream may read the log only after that, or an
    # event published in between would be in neither.
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    failed: BaseException | None = None
    # When the last live event arrived: a run quiet for a while has its log checked (once for
    # all its readers) in case the layer lost its last events.
    last_event_at: float = field(default_factory=time.monotonic)


class RunHub:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self._layer = layer
        self._runs: dict[str, _Run] = {}
        self._channel: str | None = None
        self._channel_lock = asyncio.Lock()
        self._pump: asyncio.Task[None] | None = None
        self._rejoining: asyncio.Task[None] | None = None
        self._gathered: list[Event] = []
        self._gathering: asyncio.TimerHandle | None = None

    def readers(self, run_id: object) -> int:
        run = self._runs.get(str(run_id))
        return len(run.readers) if run else 0

    def runs(self) -> dict[str, set[Reader]]:
        """Every run with local readers, and them (a snapshot)."""
        return {key: set(run.readers) for key, run in self._runs.items()}

    def quiet_runs(self, *, for_seconds: float) -> list[str]:
        cutoff = time.monotonic() - for_seconds
        return [key for key, run in self._runs.items() if run.last_event_at <= cutoff]

    async def subscribe(self, run_id: object) -> QueueReader:
        queue = QueueReader()
        await self.attach(run_id, queue)
        return queue

    async def unsubscribe(self, run_id: object, queue: Reader) -> None:
        await self.detach(run_id, queue)

    async def attach(self, run_id: object, reader: Reader) -> None:
        """Deliver the run's live events to `reader` from now on. Returns once the process is in
        the run's group: whatever is published later reaches the reader."""
        channel = await self._ensure_channel()
        key = str(run_id)
        run = self._runs.get(key)
        if run is None:
            # Registered before the first await, so concurrent subscribers share it.
            run = self._runs[key] = _Run()
            run.readers.add(reader)
            try:
                await self._layer.group_add(run_group(key), channel)
            except BaseException as error:
                run.failed = error
                run.joined.set()
                self._runs.pop(key, None)
                raise
            run.joined.set()
            return
        run.readers.add(reader)
        try:
            await run.joined.wait()
        except BaseException:
            run.readers.discard(reader)
            raise
        if run.failed is not None:
            run.readers.discard(reader)
            raise run.failed

    async def detach(self, run_id: object, reader: Reader) -> None:
        key = str(run_id)
        run = self._runs.get(key)
        if run is None:
            return
        run.readers.discard(reader)
        if run.readers or not run.joined.is_set():
            return
        # The last local reader left: forget the run first, so a newcomer joins afresh, then
        # leave the group. Shielded: a disconnect cancels the stream, and the membership must
        # still be removed.
        del self._runs[key]
        assert self._channel is not None
        try:
            await asyncio.shield(self._layer.group_discard(run_group(key), self._channel))
        except Exception:
            logger.exception("event=sse_group_discard_failed run_id=%s", key)

    def deliver(self, event: Event) -> None:
        """Offer an event to every local reader of its run, in one pass."""
        self.deliver_many([event])

    def deliver_many(self, events: list[Event]) -> None:
        """Offer events of one run, in order, to each of its local readers in one pass."""
        run = self._runs.get(str(events[0]["run_id"]))
        if run is None:
            return
        run.last_event_at = time.monotonic()
        # One event (the usual case) is offered as such: corking each reader's writer for a
        # batch of one would only add work to every delivery.
        event = events[0] if len(events) == 1 else None
        # A copy: a reader that finishes on this event leaves the set while we iterate.
        for reader in tuple(run.readers):
            try:
                if event is not None:
                    reader.offer(event)
                else:
                    reader.offer_many(events)
            except Exception:
                logger.exception("event=sse_offer_failed run_id=%s", events[0]["run_id"])

    def _arrived(self, event: Event) -> None:
        """A live event from the layer: offered at once, or gathered with those after it when
        the hub is behind (BEHIND_SECONDS)."""
        self._gathered.append(event)
        if self._gathering is not None:
            return  # a batch is being gathered: this event goes with it
        if _age(event) > BEHIND_SECONDS:
            loop = asyncio.get_running_loop()
            self._gathering = loop.call_later(GATHER_SECONDS, self._offer_gathered)
        else:
            self._offer_gathered()

    def _offer_gathered(self) -> None:
        self._gathering = None
        gathered, self._gathered = self._gathered, []
        by_run: dict[object, list[Event]] = {}
        for event in gathered:
            by_run.setdefault(event["run_id"], []).append(event)
        for events in by_run.values():
            self.deliver_many(events)

    async def close(self) -> None:
        """Stop receiving (at shutdown, or at the end of a test's event loop)."""
        if self._gathering is not None:
            self._gathering.cancel()
            self._gathering = None
        if self._rejoining is not None:
            self._rejoining.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rejoining
            self._rejoining = None
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
            self._pump = None

    async def _ensure_channel(self) -> str:
        if self._channel is None:
            async with self._channel_lock:
                if self._channel is None:
                    channel = await self._layer.new_channel(prefix="sse")
                    self._pump = asyncio.create_task(self._receive(channel))
                    self._channel = channel
        return self._channel

    async def _receive(self, channel: str) -> None:
        failures = 0
        while True:
            try:
                message = await self._layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis went away (a restart, a failover). A failed receive may have lost a
                # message: readers catch up from the log now; and a restarted Redis has lost
                # this process's group memberships: join them again as soon as it answers.
                failures += 1
                if failures == 1:
                    logger.exception("event=sse_receive_failed channel=%s", channel)
                if self._gathering is not None:  # what arrived before the failure goes first
                    self._gathering.cancel()
                    self._offer_gathered()
                for run in list(self._runs.values()):
                    self._broadcast_resync(run)
                self._start_rejoin(channel)
                await asyncio.sleep(min(RETRY_FIRST * 2 ** (failures - 1), RETRY_MAX))
                continue
            if failures:
                logger.info("event=sse_receive_recovered channel=%s failures=%s", channel, failures)
                failures = 0
            event = message.get("event")
            if isinstance(event, dict) and "run_id" in event:
                # Published by our own RunPublisher, which checked it against its type.
                self._arrived(cast("Event", event))

    def _start_rejoin(self, channel: str) -> None:
        if self._rejoining is None or self._rejoining.done():
            self._rejoining = asyncio.create_task(self._rejoin(channel))

    async def _rejoin(self, channel: str) -> None:
        """Add the channel to every current run's group again, retrying until Redis answers,
        then have every reader backfill what was published meanwhile."""
        delay = RETRY_FIRST
        while True:
            keys = list(self._runs)
            try:
                for key in keys:
                    await self._layer.group_add(run_group(key), channel)
            except (RedisError, OSError):
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
                continue
            for gone in set(keys) - set(self._runs):  # its last reader left meanwhile
                with contextlib.suppress(RedisError, OSError):
                    await self._layer.group_discard(run_group(gone), channel)
            logger.info("event=sse_groups_rejoined channel=%s runs=%s", channel, len(keys))
            for run in list(self._runs.values()):
                self._broadcast_resync(run)
            return

    @staticmethod
    def _broadcast_resync(run: _Run) -> None:
        for reader in tuple(run.readers):
            reader.resync()


def _age(event: Event) -> float:
    """Seconds since the event was stored (its publisher's clock: a skewed one at worst makes
    the hub gather a batch it did not need, GATHER_SECONDS late)."""
    try:
        stored = datetime.datetime.fromisoformat(event["timestamp"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return 0.0
    return time.time() - stored


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RunHub] = weakref.WeakKeyDictionary()


def get_hub() -> RunHub:
    """The hub of the running event loop (Daphne runs one; each test may run its own)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS is not configured"
        hub = _hubs[loop] = RunHub(layer)
    return hub
