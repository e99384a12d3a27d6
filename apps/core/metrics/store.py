"""Where the metrics are kept: Redis hashes, written by a thread of each process.

Writes are queued and sent by one thread per process, whatever has queued up as one pipeline, so
a run's publisher or a Daphne event loop never waits for Redis to count. Writing never raises: a
metric lost while Redis is away costs less than a failed request or run.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable

import redis
from django.conf import settings
from redis.client import Pipeline

from apps.core.redis_connection import redis_client

logger = logging.getLogger(__name__)

Command = Callable[[Pipeline], object]

_warned_at = 0.0


def key(suffix: str) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:metrics:{suffix}"


class _Writer:
    """Hands metric writes to a thread of this process, which sends whatever has queued up as
    one pipeline: a run's publisher or a Daphne event loop never waits for Redis to count."""

    BATCH = 500

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Command | threading.Event] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._main, name="metrics-writer", daemon=True)
        self._thread.start()

    def put(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self._queue.put(command)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far has been sent (or has failed)."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _main(self) -> None:
        while True:
            batch: list[Command] = []
            markers: list[threading.Event] = []
            item = self._queue.get()
            while True:
                if isinstance(item, threading.Event):
                    markers.append(item)
                else:
                    batch.append(item)
                if len(batch) >= self.BATCH or self._queue.empty():
                    break
                item = self._queue.get()
            if batch:
                _send(batch)
            for marker in markers:
                marker.set()


def _send(commands: list[Command]) -> None:
    global _warned_at
    try:
        pipe = redis_client().pipeline(transaction=False)
        for command in commands:
            command(pipe)
        pipe.execute()
    except redis.RedisError as error:
        # Once a minute at most: a Redis outage must not flood the logs from every event.
        if time.monotonic() - _warned_at > 60:
            _warned_at = time.monotonic()
            logger.warning("event=metrics_write_failed error=%s", error)


_writers: dict[int, _Writer] = {}
_writers_lock = threading.Lock()


def _writer() -> _Writer:
    # One per process, started on first use (threads do not survive a fork).
    pid = os.getpid()
    writer = _writers.get(pid)
    if writer is None:
        with _writers_lock:
            writer = _writers.get(pid)
            if writer is None:
                writer = _writers[pid] = _Writer()
    return writer


def run(*commands: Command) -> None:
    _writer().put(commands)


def flush(timeout: float = 5.0) -> bool:
    """Wait until this process's metric writes have reached Redis (tests; process exit)."""
    return _writer().flush(timeout)


atexit.register(lambda: _writers.get(os.getpid()) and flush(2.0))
