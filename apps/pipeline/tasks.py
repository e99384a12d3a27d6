from __future__ import annotations

import logging
import uuid

from celery import shared_task

from apps.core.tasks import RowTask
from apps.pipeline import services

logger = logging.getLogger(__name__)


class RunTask(RowTask):
    id_argument = "run_id"

    def record_failure(self, *, row_id: uuid.UUID, error: BaseException) -> None:
        services.run_fail_from_task(
            run_id=row_id, reason=f"The worker failed: {type(error).__name__}."
        )


@shared_task(base=RunTask, name="pipeline.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: str) -> None:
    services.run_execute(run_id=uuid.UUID(run_id))
