"""A run's endings: claimed by a worker, succeeded, failed, stopped, or found abandoned.

`Run.status` is the truth (queued → running → succeeded | failed | cancelled); each ending is
recorded in the row first and then announced as the run's last event, so a reader who sees the
`done` or `error` event finds the row already final.
"""

from __future__ import annotations

import datetime
import logging
import math
import time
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.conversations import cancel
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.services.lease import lease_lapsed, lease_until, worker_name
from apps.core import metrics
from apps.pipeline.services import usage_publish
from apps.pipeline.state import PipelineState, Usage
from apps.streaming.publisher import RunPublisher
from apps.streaming.selectors import run_streamed_text

logger = logging.getLogger(__name__)

CANCELLED_CODE = "cancelled"
CANCELLED_MESSAGE = "Stopped at your request; the text written so far is kept."
WORKER_LOST_MESSAGE = (
    "The worker writing this stopped before it finished (it was restarted or lost); "
    "what it wrote is kept, marked incomplete. Send the request again."
)


class RunNotActive(Exception):
    """The run has already ended: there is nothing to stop."""


def _record_usage(run: Run, usage: Usage) -> None:
    run.tokens_in = usage.tokens_in
    run.tokens_out = usage.tokens_out
    run.cost_usd = Decimal(str(round(usage.cost_usd, 6)))


def _count_ending(run: Run) -> None:
    # Counted once the ending is committed: a rolled-back ending was not one.
    transaction.on_commit(
        lambda: metrics.run_ended(
            status=run.status,
            reason=run.error_code,
            duration=run.processing_time,
            model=run.model,
            tokens_in=run.tokens_in,
            tokens_out=run.tokens_out,
            cost_usd=float(run.cost_usd),
        )
    )


def run_claim(*, run_id: uuid.UUID) -> Run | None:
    """Move a queued run to running, with this worker's lease. None when it is not queued (a
    redelivered task, say)."""
    now = timezone.now()
    claimed = Run.objects.filter(id=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING,
        started_at=now,
        lease_expires_at=lease_until(now),
        worker=worker_name()[:255],
    )
    if not claimed:
        return None
    return Run.objects.select_related("conversation", "user_message").get(id=run_id)


@transaction.atomic
def run_succeed(
    *,
    run: Run,
    document: str,
    word_count: int,
    system_used: str,
    complexity: float,
    quality_report: dict[str, object],
    usage: Usage | None = None,
) -> Run:
    """Record the result. Raises RunNotActive when the run is no longer running: its lease
    lapsed and it was ended as lost, and that ending stands."""
    if not Run.objects.select_for_update().filter(id=run.id, status=Run.Status.RUNNING).exists():
        raise RunNotActive
    result = Message.objects.create(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content=document
    )
    run.result_message = result
    run.status = Run.Status.SUCCEEDED
    run.word_count = word_count
    run.system_used = system_used
    run.complexity = complexity
    run.quality_report = quality_report
    _record_usage(run, usage or Usage(model=run.model))
    run.finished_at = timezone.now()
    run.save()
    Conversation.objects.filter(pk=run.conversation_id).update(updated_at=run.finished_at)
    _count_ending(run)
    return run


@transaction.atomic
def run_fail(
    *,
    run_id: uuid.UUID,
    error_code: str,
    error_message: str,
    partial: str = "",
    usage: Usage | None = None,
    status: Run.Status = Run.Status.FAILED,
) -> bool:
    """End an unfinished run as failed (or, when the user stopped it, cancelled), keeping any
    text written so far and what it cost. False if it had already finished (so the caller does
    not announce a second ending)."""
    run = Run.objects.select_for_update().filter(id=run_id).first()
    if run is None or not run.is_active:
        return False
    if partial:
        run.result_message = Message.objects.create(
            conversation_id=run.conversation_id, role=Message.Role.ASSISTANT, content=partial
        )
    run.status = status
    run.error_code = error_code
    run.error_message = error_message
    if usage is not None:
        _record_usage(run, usage)
    run.finished_at = timezone.now()
    if run.started_at is None:
        run.started_at = run.finished_at
    run.save()
    logger.warning("event=run_%s run_id=%s code=%s", status, run_id, error_code)
    _count_ending(run)
    return True


def run_abort(
    *,
    run_id: uuid.UUID,
    publisher: RunPublisher,
    code: str,
    message: str,
    state: PipelineState | None = None,
    status: Run.Status = Run.Status.FAILED,
) -> None:
    """End an unfinished run as failed or cancelled: keep what was written and what it cost,
    then announce the ending (usage first, when any was spent, then the final `error`)."""
    publisher.flush()
    # The writer keeps state.document up to date with every delta: this is the text so far.
    # Without the state (the worker died), the stored content events hold what readers got.
    partial = state.document if state is not None else run_streamed_text(run_id=run_id)
    usage = state.usage if state is not None else None
    if run_fail(
        run_id=run_id,
        error_code=code,
        error_message=message,
        partial=partial,
        usage=usage,
        status=status,
    ):
        if usage is not None and (usage.tokens_in or usage.tokens_out):
            usage_publish(events=publisher, usage=usage)
        publisher.error(error_message=message, error_code=code)


def run_fail_from_task(
    *,
    run_id: uuid.UUID,
    reason: str,
    code: str = "internal_error",
    status: Run.Status = Run.Status.FAILED,
) -> None:
    """Called when the task itself died outside `run_execute`'s own handling."""
    run = Run.objects.filter(id=run_id).only("conversation_id").first()
    if run is None:
        return
    publisher = RunPublisher(run_id=run_id, conversation_id=run.conversation_id)
    try:
        run_abort(run_id=run_id, publisher=publisher, code=code, message=reason, status=status)
    finally:
        publisher.close()


def _abandoned(run_id: uuid.UUID) -> None:
    """End a run whose worker is gone, keeping the text it streamed; a run whose writer had asked
    to stop ends as stopped."""
    stop_requested = Run.objects.filter(id=run_id, cancel_requested_at__isnull=False).exists()
    logger.warning("event=run_abandoned run_id=%s", run_id)
    if stop_requested:
        run_fail_from_task(
            run_id=run_id,
            reason=CANCELLED_MESSAGE,
            code=CANCELLED_CODE,
            status=Run.Status.CANCELLED,
        )
    else:
        run_fail_from_task(run_id=run_id, reason=WORKER_LOST_MESSAGE, code="worker_lost")


def runs_stranded(*, now: datetime.datetime | None = None, limit: int = 100) -> list[uuid.UUID]:
    """Runs queued for longer than RUN_REQUEUE_SECONDS whose task is to be sent again: each
    at most once per RUN_REQUEUE_SECONDS (marked in the cache), oldest first."""
    period = settings.RUN_REQUEUE_SECONDS
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=period)
    queued = Run.objects.filter(status=Run.Status.QUEUED, created_at__lte=cutoff)
    ids = list(queued.order_by("created_at").values_list("id", flat=True)[:limit])
    stranded = [i for i in ids if cache.add(f"run-requeued:{i}", 1, timeout=math.ceil(period))]
    for run_id in stranded:
        logger.warning("event=run_requeued run_id=%s queued_over_seconds=%s", run_id, period)
    return stranded


def runs_fail_abandoned(*, run_id: uuid.UUID | None = None) -> int:
    """End runs still marked running although no worker can still have them: their lease has
    lapsed (lease.py). Run by Celery beat every RUN_SWEEP_SECONDS and when a worker starts."""
    running = Run.objects.filter(status=Run.Status.RUNNING)
    if run_id is not None:
        running = running.filter(id=run_id)
    now = timezone.now()
    ids = [
        run.id
        for run in running.only("id", "lease_expires_at", "started_at")
        if lease_lapsed(run, now)
    ]
    for abandoned_id in ids:
        _abandoned(abandoned_id)
    return len(ids)


def run_redelivered(*, run_id: uuid.UUID) -> None:
    """A task was delivered again for a run that is not queued any more. Celery redelivers at
    once when a pool child dies mid-run, so the lease is usually still live: watch it for up to a
    lease. Renewed means its worker lives (leave it); lapsed means it is gone (end the run)."""
    deadline = time.monotonic() + settings.RUN_LEASE_SECONDS + 2
    seen = None
    while True:
        run = Run.objects.filter(id=run_id).only("status", "lease_expires_at", "started_at").first()
        if run is None or run.status != Run.Status.RUNNING:
            return
        if lease_lapsed(run):
            _abandoned(run_id)
            return
        if run.lease_expires_at is None or (seen is not None and run.lease_expires_at != seen):
            return
        seen = run.lease_expires_at
        if time.monotonic() > deadline:
            return
        time.sleep(min(1.0, settings.RUN_LEASE_SECONDS / 6))


def _announce_cancelled(*, run_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """The final event of a run stopped before a worker took it."""
    publisher = RunPublisher(run_id=run_id, conversation_id=conversation_id)
    try:
        publisher.error(error_message=CANCELLED_MESSAGE, error_code=CANCELLED_CODE)
    finally:
        publisher.close()


def run_cancel(*, run: Run) -> Run:
    """Stop a run. A queued run ends here and now; a running one is flagged, and its pipeline
    ends it within a second (keeping the text so far) and sends the final `error` event with
    error_code `cancelled`. Raises RunNotActive for a run that has already ended."""
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if not locked.is_active:
            raise RunNotActive
        was_queued = locked.status == Run.Status.QUEUED
        # A running run whose worker is gone has no pipeline to notice the flag: end it here.
        lapsed = locked.status == Run.Status.RUNNING and lease_lapsed(locked)
        locked.cancel_requested_at = locked.cancel_requested_at or timezone.now()
        locked.save(update_fields=["cancel_requested_at"])
        if was_queued or lapsed:
            # No worker has it (yet, or any more), and run_claim only takes queued runs.
            run_fail(
                run_id=locked.id,
                error_code=CANCELLED_CODE,
                error_message=CANCELLED_MESSAGE,
                partial=run_streamed_text(run_id=locked.id) if lapsed else "",
                status=Run.Status.CANCELLED,
            )
    if was_queued or lapsed:
        _announce_cancelled(run_id=locked.id, conversation_id=locked.conversation_id)
    else:
        cancel.flag(locked.id)
    logger.info(
        "event=run_cancel_requested run_id=%s queued=%s lapsed=%s", locked.id, was_queued, lapsed
    )
    locked.refresh_from_db()
    return locked
