from __future__ import annotations

import uuid

from celery import shared_task
from django.conf import settings

from apps.core.tasks import RowTask
from apps.files.services import extraction


class ExtractTask(RowTask):
    id_argument = "file_id"

    def record_failure(self, *, row_id: uuid.UUID, error: BaseException) -> None:
        extraction.file_fail_from_task(
            file_id=row_id, reason=f"reading the file failed ({type(error).__name__})."
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
    extraction.file_extract(file_id=uuid.UUID(file_id))
