"""Cooperative stop: the web process flags a run, the pipeline looks for the flag between deltas.

The flag lives in two places: `Run.cancel_requested_at` (the truth) and a Redis key (cheap to
poll several times a second). The pipeline polls Redis at most every CANCEL_CHECK_SECONDS and the
database now and then, so a stop survives a lost key and costs almost nothing while writing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

from apps.conversations.models import Run
from apps.pipeline.cancel import RunCancelled

logger = logging.getLogger(__name__)

# Every this many Redis polls, ask the database too.
DB_EVERY = 10


def _key(run_id: uuid.UUID) -> str:
    return f"run-cancel:{run_id}"


def flag(run_id: uuid.UUID) -> None:
    """Tell a running pipeline to stop (called once the request is committed)."""
    try:
        cache.set(_key(run_id), 1, timeout=settings.CELERY_TASK_TIME_LIMIT + 60)
    except Exception:
        logger.warning("event=cancel_flag_failed run_id=%s", run_id, exc_info=True)


def forget(run_ids: Iterable[uuid.UUID]) -> None:
    """Drop the stop flags of these runs (their account is being deleted)."""
    cache.delete_many([_key(run_id) for run_id in run_ids])


class RunCancelToken:
    """The pipeline's CancelToken for a real run."""

    def __init__(
        self,
        *,
        run_id: uuid.UUID,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.run_id = run_id
        self._interval = settings.CANCEL_CHECK_SECONDS if interval is None else interval
        self._clock = clock
        self._next = 0.0
        self._polls = 0

    def _requested(self) -> bool:
        self._polls += 1
        try:
            if cache.get(_key(self.run_id)):
                return True
        except Exception:
            logger.warning("event=cancel_poll_failed run_id=%s", self.run_id, exc_info=True)
            self._polls = 0
        if self._polls % DB_EVERY:
            return False
        return Run.objects.filter(id=self.run_id, cancel_requested_at__isnull=False).exists()

    def check(self, *, force: bool = False) -> None:
        """Raise RunCancelled if a stop was requested; polls at most every `interval` seconds
        unless `force` (between steps, where a query is nothing)."""
        now = self._clock()
        if not force and now < self._next:
            return
        self._next = now + self._interval
        if force:
            self._polls = DB_EVERY - 1  # make this poll ask the database too
        if self._requested():
            raise RunCancelled
