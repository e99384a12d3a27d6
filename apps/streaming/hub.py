"""One channel-layer channel per process, joined to the group of every run it has readers for,
fanned out in memory to every local stream of that run.

With a channel per stream, each event costs one Redis message per open stream: a thousand readers
of one run means a thousand BZPOPMINs an event. Here a Daphne process receives each event once and
hands it to its readers' queues. The channel's receive runs for the life of the process: a
channels-redis receive cannot be cancelled quickly (it waits out its BZPOPMIN), so nothing on a
stream's path ever cancels one. The stored log still makes up for anything lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass, field
from typing import cast

from channels.layers import BaseChannelLayer, get_channel_layer
from redis.exceptions import RedisError

from apps.streaming.events import Event, run_group

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resync:
    """Put on a stream's queue when live delivery may have lost something: backfill from the
    log."""


RESYNC = Resync()
Item = Event | Resync

# After a failed receive, how soon to try Redis again (doubling up to half a second: a
# restarted Redis is back in live delivery within about that).
RETRY_FIRST, RETRY_MAX = 0.05, 0.5


@dataclass
class _Run:
    queues: set[asyncio.Queue[Item]] = field(default_factory=set)
    # Set once the group membership exists: a stream may read the log only after that, or an
    # event published in between would be in neither.
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    failed: BaseException | None = None


class RunHub:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self._layer = layer
        self._runs: dict[str, _Run] = {}
        self._channel: str | None = None
        self._channel_lock = asyncio.Lock()
        self._pump: asyncio.Task[None] | None = None
        self._rejoining: asyncio.Task[None] | None = None

    def readers(self, run_id: object) -> int:
        run = self._runs.get(str(run_id))
        return len(run.queues) if run else 0

    async def subscribe(self, run_id: object) -> asyncio.Queue[Item]:
        channel = await self._ensure_channel()
        key = str(run_id)
        queue: asyncio.Queue[Item] = asyncio.Queue()
        run = self._runs.get(key)
        if run is None:
            # Registered before the first await, so concurrent subscribers share it.
            run = self._runs[key] = _Run()
            run.queues.add(queue)
            try:
                await self._layer.group_add(run_group(key), channel)
            except BaseException as error:
                run.failed = error
                run.joined.set()
                self._runs.pop(key, None)
                raise
            run.joined.set()
            return queue
        run.queues.add(queue)
        try:
            await run.joined.wait()
        except BaseException:
            run.queues.discard(queue)
            raise
        if run.failed is not None:
            run.queues.discard(queue)
            raise run.failed
        return queue

    async def unsubscribe(self, run_id: object, queue: asyncio.Queue[Item]) -> None:
        key = str(run_id)
        run = self._runs.get(key)
        if run is None:
            return
        run.queues.discard(queue)
        if run.queues or not run.joined.is_set():
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

    async def close(self) -> None:
        """Stop receiving (at shutdown, or at the end of a test's event loop)."""
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
                for run in list(self._runs.values()):
                    self._broadcast(run, RESYNC)
                self._start_rejoin(channel)
                await asyncio.sleep(min(RETRY_FIRST * 2 ** (failures - 1), RETRY_MAX))
                continue
            if failures:
                logger.info("event=sse_receive_recovered channel=%s failures=%s", channel, failures)
                failures = 0
            event = message.get("event")
            if isinstance(event, dict):
                readers = self._runs.get(str(event.get("run_id")))
                if readers is not None:
                    # Published by our own RunPublisher, which checked it against its type.
                    self._broadcast(readers, cast("Event", event))

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
                self._broadcast(run, RESYNC)
            return

    @staticmethod
    def _broadcast(run: _Run, event: Item) -> None:
        for queue in run.queues:
            queue.put_nowait(event)


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
