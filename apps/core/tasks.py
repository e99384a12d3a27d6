from __future__ import annotations

import uuid
from typing import Any

from celery import Task


class RowTask(Task):  # type: ignore[type-arg]
    """A task over one row, whose id is its first argument. Whatever the task's own code could
    not handle (a hard time limit, a crash in set-up) still ends the row with a reason, instead
    of leaving it half-done: subclasses say how in `record_failure`."""

    id_argument: str = "id"

    def record_failure(self, *, row_id: uuid.UUID, error: BaseException) -> None:
        raise NotImplementedError

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        row_id = args[0] if args else kwargs.get(self.id_argument)
        if row_id:
            self.record_failure(row_id=uuid.UUID(str(row_id)), error=exc)
