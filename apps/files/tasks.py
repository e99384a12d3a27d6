from __future__ import annotations

import uuid
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from apps.files import services


class ExtractTask(Task):  # type: ignore[type-arg]
    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        # A hard time limit or a crashed worker: the file still ends failed with a reason.
        file_id = args[0] if args else kwargs.get("file_id")
        if file_id:
            services.file_fail_from_task(
                file_id=uuid.UUID(str(file_id)),
                reason=f"reading the file failed ({type(exc).__name__}).",
            )


@shared_task(
    base=ExtractTask,
    name="files.extract_file",
    acks_late=True,
    reject_on_worker_lost=True,
    # The service's own limit fires first; these are the worker-level backstops.
    soft_time_limit=int(settings.FILE_EXTRACT_TIME_LIMIT) + 10,
    time_limit=int(settings.FILE_EXTRACT_TIME_LIMIT) + 30,
)
def extract_file(file_id: str) -> None:
    services.file_extract(file_id=uuid.UUID(file_id))
