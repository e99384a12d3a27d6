from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.conversations.models import Run
from apps.conversations.services.execution import run_execute
from apps.conversations.tasks import execute_run, fail_abandoned_runs
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


def test_a_redelivered_task_ends_a_run_its_dead_worker_left_running(db, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    abandoned = RunFactory(status=Run.Status.RUNNING, started_at=long_ago)
    recent = RunFactory(status=Run.Status.RUNNING, started_at=timezone.now())
    assert run_execute(run_id=abandoned.id) is None
    assert run_execute(run_id=recent.id) is None
    abandoned.refresh_from_db()
    recent.refresh_from_db()
    assert (abandoned.status, abandoned.error_code) == (Run.Status.FAILED, "worker_lost")
    assert recent.status == Run.Status.RUNNING  # its worker may well still be writing
    last = RunEvent.objects.filter(run=abandoned).order_by("-seq").first()
    assert last is not None
    assert last.payload["error_code"] == "worker_lost"


def test_the_sweep_ends_every_abandoned_run(db, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 5)
    for _ in range(2):
        RunFactory(status=Run.Status.RUNNING, started_at=long_ago)
    RunFactory(status=Run.Status.QUEUED)
    assert fail_abandoned_runs() == 2
    assert Run.objects.filter(status=Run.Status.FAILED, error_code="worker_lost").count() == 2
    assert fail_abandoned_runs() == 0
