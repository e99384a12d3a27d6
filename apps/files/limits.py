"""A wall-clock limit around parsing that also stops pure-Python loops."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from apps.files.errors import ExtractionTimeout

REPEAT = 0.25  # seconds between further alarms once the limit has passed


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ExtractionTimeout in this thread after `seconds`.

    Uses SIGALRM, so it only works on a process's main thread: that is where a Celery prefork
    worker runs its tasks (and where tests call them). Elsewhere it does nothing, and the Celery
    task's own soft and hard time limits remain the backstop.
    """
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    active = True

    def expire(signum: int, frame: FrameType | None) -> None:
        # Raised again every REPEAT seconds until the block is left: an alarm that lands in a
        # finaliser or a parser's own `except BaseException` is swallowed, the next one is not.
        if active:
            raise ExtractionTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        active = False  # first: an alarm arriving while this block unwinds does nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
