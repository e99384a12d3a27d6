from __future__ import annotations

import uuid

from celery import shared_task

from apps.core.tasks import RowTask
from apps.exports.services.generation import export_fail, export_generate


class ExportTask(RowTask):
    id_argument = "export_id"

    def record_failure(self, *, row_id: uuid.UUID, error: BaseException) -> None:
        export_fail(export_id=row_id, reason=f"The export failed: {type(error).__name__}.")


@shared_task(
    base=ExportTask,
    name="exports.generate_export",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=300,
    time_limit=360,
)
def generate_export(export_id: str) -> None:
    export_generate(export_id=uuid.UUID(export_id))
