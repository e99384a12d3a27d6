from __future__ import annotations

import logging
import uuid

from celery import shared_task
from celery.signals import worker_ready

from apps.conversations.services import execution, lifecycle
from apps.core.tasks import RowTask

logger = logging.getLogger(__name__)


class RunTask(RowTask):
    id_argument = "run_id"

    def record_failure(self, *, row_id: uuid.UUID, error: BaseException) -> None:
        lifecycle.run_fail_from_task(
            run_id=row_id, reason=f"The worker failed: {type(error).__name__}."
        )


# Task names keep their first app's prefix: messages already queued under them still run.
@shared_task(name="pipeline.fail_abandoned_runs", ignore_result=True)
def fail_abandoned_runs() -> int:
    """The sweep: end the runs whose worker is gone, and send again the task of a run that has
    waited too long for one (lifecycle.runs_stranded)."""
    for run_id in lifecycle.runs_stranded():
        execute_run.delay(str(run_id), requeued=True)
    return lifecycle.runs_fail_abandoned()


@worker_ready.connect
def _sweep_on_start(**kwargs: object) -> None:
    # A starting worker may be the replacement of one that died mid-run. Queued rather than
    # done here: this runs in the parent process, which must not open database connections
    # its forked children would inherit.
    fail_abandoned_runs.delay()


@shared_task(base=RunTask, name="pipeline.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: str, requeued: bool = False) -> None:
    execution.run_execute(run_id=uuid.UUID(run_id), requeued=requeued)
