"""A long-lived event loop in a worker process that owns its channel-layer connections.

`async_to_sync(layer.group_send)` per event would build a new loop, and with it a new Redis
connection pool, on every call. Instead each worker process keeps one loop thread; the pipeline
(plain synchronous code) hands it messages, and one sender coroutine sends them in order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import Future
from typing import Any

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)


class LayerBridge:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._queue: asyncio.Queue[tuple[str, dict[str, Any]]] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="channel-layer-bridge", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._queue = asyncio.Queue()
        self._loop.create_task(self._sender())
        self._ready.set()
        self._loop.run_forever()

    async def _sender(self) -> None:
        assert self._queue is not None
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS is not configured"
        while True:
            group, message = await self._queue.get()
            try:
                await layer.group_send(group, message)
            except Exception:
                # The stored log is the truth: a stream that misses this message backfills it.
                logger.exception("event=group_send_failed group=%s", group)
            finally:
                self._queue.task_done()

    def send(self, group: str, message: dict[str, Any]) -> None:
        """Queue a message for the group; returns at once, keeps order."""
        assert self._queue is not None
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (group, message))

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far has been handed to Redis."""
        assert self._queue is not None
        future: Future[None] = asyncio.run_coroutine_threadsafe(self._queue.join(), self._loop)
        try:
            future.result(timeout)
        except TimeoutError:
            logger.warning("event=bridge_drain_timeout timeout=%s", timeout)
            return False
        return True


_bridge: LayerBridge | None = None
_bridge_pid: int | None = None
_lock = threading.Lock()


def get_bridge() -> LayerBridge:
    """The process's bridge, started on first use (after a fork: threads do not survive one)."""
    global _bridge, _bridge_pid
    with _lock:
        if _bridge is None or _bridge_pid != os.getpid():
            _bridge = LayerBridge()
            _bridge_pid = os.getpid()
        return _bridge
