"""One channel-layer subscription per run per process, fanned out to every local stream.

With a channel per stream, each event costs one Redis message per open stream: a thousand readers
of one run means a thousand BZPOPMINs an event. Here the first stream of a run in this process
joins the run's group with a process channel, later streams of the same run share it, and each
event is handed to their queues in memory. The stored log still makes up for anything lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from dataclasses import dataclass, field
from typing import Any

from channels.layers import BaseChannelLayer, get_channel_layer

from apps.streaming.events import run_group

logger = logging.getLogger(__name__)

# Put on a stream's queue when live delivery may have lost something: backfill from the log.
RESYNC: dict[str, Any] = {"type": "resync", "seq": -1}


@dataclass
class _Subscription:
    channel: str = ""
    queues: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)
    # Set once the group membership exists: a stream may read the log only after that, or an
    # event published in between would be in neither.
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    failed: BaseException | None = None
    pump: asyncio.Task[None] | None = None


class RunHub:
    def __init__(self, layer: BaseChannelLayer) -> None:
        self._layer = layer
        self._runs: dict[str, _Subscription] = {}

    def readers(self, run_id: object) -> int:
        subscription = self._runs.get(str(run_id))
        return len(subscription.queues) if subscription else 0

    async def subscribe(self, run_id: object) -> asyncio.Queue[dict[str, Any]]:
        key = str(run_id)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        subscription = self._runs.get(key)
        if subscription is None:
            # Registered before the first await, so concurrent subscribers share it.
            subscription = self._runs[key] = _Subscription()
            subscription.queues.add(queue)
            try:
                subscription.channel = await self._layer.new_channel(prefix="sse")
                await self._layer.group_add(run_group(key), subscription.channel)
            except BaseException as error:
                subscription.failed = error
                subscription.joined.set()
                self._runs.pop(key, None)
                raise
            subscription.pump = asyncio.create_task(self._pump(subscription))
            subscription.joined.set()
            return queue
        subscription.queues.add(queue)
        try:
            await subscription.joined.wait()
        except BaseException:
            subscription.queues.discard(queue)
            raise
        if subscription.failed is not None:
            subscription.queues.discard(queue)
            raise subscription.failed
        return queue

    async def unsubscribe(self, run_id: object, queue: asyncio.Queue[dict[str, Any]]) -> None:
        key = str(run_id)
        subscription = self._runs.get(key)
        if subscription is None:
            return
        subscription.queues.discard(queue)
        if subscription.queues or not subscription.joined.is_set():
            return
        # The last local reader left: forget the run first, so a newcomer starts afresh.
        del self._runs[key]
        if subscription.pump is not None:
            subscription.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await subscription.pump
        # Shielded: a disconnect cancels the stream, and the membership must still be removed.
        with contextlib.suppress(Exception):
            await asyncio.shield(self._layer.group_discard(run_group(key), subscription.channel))

    async def _pump(self, subscription: _Subscription) -> None:
        # One long-lived receive per subscription: cancelling a channels-redis receive can drop
        # what it buffered, so it is cancelled only when the last reader leaves.
        while True:
            try:
                message = await self._layer.receive(subscription.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A failed receive may have lost a message: readers catch up from the log now.
                logger.exception("event=sse_receive_failed channel=%s", subscription.channel)
                self._broadcast(subscription, RESYNC)
                await asyncio.sleep(0.1)
                continue
            event = message.get("event")
            if isinstance(event, dict):
                self._broadcast(subscription, event)

    @staticmethod
    def _broadcast(subscription: _Subscription, event: dict[str, Any]) -> None:
        for queue in subscription.queues:
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
