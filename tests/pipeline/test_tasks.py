from __future__ import annotations

from apps.conversations.models import Run
from apps.pipeline.tasks import execute_run
from apps.streaming.models import RunEvent
from tests.factories import RunFactory


def test_a_task_that_dies_outside_the_pipeline_still_fails_its_run_with_a_reason(db):
    run = RunFactory(status=Run.Status.RUNNING)
    execute_run.on_failure(MemoryError(), "task-id", (str(run.id),), {}, None)
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.error_message == "The worker failed: MemoryError."
    last = RunEvent.objects.filter(run=run).order_by("-seq").first()
    assert last is not None
    assert (last.type, last.payload["error_code"]) == ("error", "internal_error")


def test_a_failure_report_for_a_finished_run_changes_nothing(db):
    run = RunFactory(status=Run.Status.SUCCEEDED)
    execute_run.on_failure(RuntimeError(), "task-id", (), {"run_id": str(run.id)}, None)
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert not RunEvent.objects.filter(run=run).exists()
