"""Work a request starts that its answer need not wait for: `after_answer(callback)`.

Starting a run ends in news of it (its `queued` event to the run's readers) and its Celery task.
Both are Python work in the web process (a Celery publish is a few milliseconds of it), and the
task sets a worker burning a CPU at once: on a small machine, work that competes with the last
steps of the answer that started it. Most answers are not in a hurry and the callback runs at
once, as before. A server that is in one — `POST /api/chat` answered with the run's stream,
whose first event is what the writer waits for — holds them (`holding`) and runs them as soon
as it has written the answer's first bytes (apps.streaming.server).

Callbacks must return at once (they may run in the event loop): send to a thread or a queue,
never wait on the network. Each runs in the context it was registered in (the request's log
context goes with it).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class Held:
    """What a server holds for one answer; once released, nothing more is held."""

    def __init__(self) -> None:
        self.items: list[tuple[contextvars.Context, Callable[[], None]]] = []
        self.released = False


_held: contextvars.ContextVar[Held | None] = contextvars.ContextVar(
    "handywriterz_after_answer", default=None
)


def after_answer(callback: Callable[[], None]) -> None:
    """Run `callback` now, or once the answer's first bytes are written if the server answering
    this request is holding such work."""
    held = _held.get()
    if held is None or held.released:
        callback()
    else:
        held.items.append((contextvars.copy_context(), callback))


@contextmanager
def holding() -> Iterator[Held]:
    """Hold what the code run inside (and the threads it calls through sync_to_async, which
    share the holder through the copied context) defers with `after_answer`; the caller runs it
    with `run_held`, and must, whatever happens to the answer."""
    held = Held()
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def run_held(held: Held) -> None:
    """Run what was held, and from now on let `after_answer` run at once (a second call runs
    nothing). One failing does not stop the rest: each is logged."""
    held.released = True
    while held.items:
        context, callback = held.items.pop(0)
        try:
            context.run(callback)
        except Exception:
            logger.exception("event=after_answer_failed callback=%r", callback)
