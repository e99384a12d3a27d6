"""A running run's lease: proof that its worker is alive.

The worker that claims a run takes a lease of RUN_LEASE_SECONDS and renews it from a thread
every third of that while the pipeline runs. A worker that dies (a pool child killed by the OOM
killer, a whole worker or host lost) stops renewing; once the lease has lapsed, the periodic
sweep or the task's redelivery ends the run as `worker_lost` (lifecycle.runs_fail_abandoned).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from apps.conversations import cancel
from apps.conversations.models import Run

logger = logging.getLogger(__name__)


def lease_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.RUN_LEASE_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease_lapsed(run: Run, now: datetime | None = None) -> bool:
    """Whether a running run's worker is gone. A run from before leases existed has none: it is
    judged by the hard time limit, past which no worker still has it."""
    now = now or timezone.now()
    if run.lease_expires_at is not None:
        return run.lease_expires_at < now
    cutoff = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return run.started_at is not None and run.started_at < cutoff


class LeaseKeeper:
    """Renews a run's lease from a daemon thread for as long as the `with` block runs.

    Losing the lease (the sweep ended the run while this worker was stalled) stops the pipeline
    through the cancel flag; the run's ending was already recorded, so nothing is announced twice.
    """

    def __init__(self, *, run_id: uuid.UUID, interval: float | None = None) -> None:
        self.run_id = run_id
        self.interval = settings.RUN_LEASE_SECONDS / 3 if interval is None else interval
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._renew_until_stopped, name=f"lease-{run_id}", daemon=True
        )

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def renew(self) -> bool:
        """Extend the lease; False once the run is no longer this worker's to run."""
        renewed = Run.objects.filter(id=self.run_id, status=Run.Status.RUNNING).update(
            lease_expires_at=lease_until()
        )
        if renewed:
            return True
        # A row this thread cannot see at all is not a lost lease (a test's uncommitted row).
        return not Run.objects.filter(id=self.run_id).exists()

    def _renew_until_stopped(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    if not self.renew():
                        self.lost = True
                        logger.warning("event=run_lease_lost run_id=%s", self.run_id)
                        cancel.flag(self.run_id)
                        return
                except DatabaseError:
                    # The database is briefly away: keep trying while the lease lasts.
                    logger.warning("event=run_lease_renew_failed run_id=%s", self.run_id)
        finally:
            connection.close()  # this thread's own connection
