from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task, shared_task

from apps.pipeline import services

logger = logging.getLogger(__name__)


class RunTask(Task):  # type: ignore[type-arg]
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # Anything run_execute did not handle itself (a hard crash in set-up, say) still ends
        # the run with a reason instead of leaving it running.
        run_id = args[0] if args else kwargs.get("run_id")
        if run_id:
            services.run_fail_from_task(
                run_id=uuid.UUID(str(run_id)),
                reason=f"The worker failed: {type(exc).__name__}.",
            )


@shared_task(base=RunTask, name="pipeline.execute_run", acks_late=True, reject_on_worker_lost=True)
def execute_run(run_id: str) -> None:
    services.run_execute(run_id=uuid.UUID(run_id))
