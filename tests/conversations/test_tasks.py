from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.conversations.models import Run
from apps.conversations.services import lifecycle
from apps.conversations.services.execution import run_execute
from apps.conversations.services.lease import LeaseKeeper, lease_until
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


def _content(run, seq: int, text: str) -> None:
    RunEvent.objects.create(
        run=run,
        seq=seq,
        type="content",
        payload={"message": text, "is_complete": False, "word_count": len(text.split())},
        created_at=timezone.now(),
    )


def _lapsed_run(**fields):
    """A run whose worker took it, streamed some text, then died: its lease has lapsed."""
    now = timezone.now()
    run = RunFactory(
        status=Run.Status.RUNNING,
        started_at=now - timedelta(seconds=30),
        lease_expires_at=now - timedelta(seconds=1),
        **fields,
    )
    _content(run, 1, "# Urban heat\n\nCities are ")
    _content(run, 2, "warmer than their surroundings.")
    return run


def test_claiming_a_run_takes_a_lease_in_the_workers_name(db, settings):
    run = RunFactory(status=Run.Status.QUEUED)
    claimed = lifecycle.run_claim(run_id=run.id)
    assert claimed is not None
    assert claimed.lease_expires_at is not None
    remaining = (claimed.lease_expires_at - timezone.now()).total_seconds()
    assert settings.RUN_LEASE_SECONDS - 2 < remaining <= settings.RUN_LEASE_SECONDS
    assert claimed.worker.endswith(f":{os.getpid()}")


def test_the_lease_keeper_extends_the_lease_and_notices_when_the_run_was_taken_away(db):
    run = RunFactory(status=Run.Status.RUNNING, lease_expires_at=timezone.now())
    keeper = LeaseKeeper(run_id=run.id)
    assert keeper.renew() is True
    run.refresh_from_db()
    assert run.lease_expires_at > timezone.now() + timedelta(seconds=5)
    Run.objects.filter(id=run.id).update(status=Run.Status.FAILED)
    assert keeper.renew() is False


def test_the_sweep_ends_a_run_whose_lease_lapsed_keeping_its_text_as_incomplete(db):
    run = _lapsed_run()
    live = RunFactory(
        status=Run.Status.RUNNING,
        started_at=timezone.now() - timedelta(seconds=30),
        lease_expires_at=timezone.now() + timedelta(seconds=10),
    )
    assert fail_abandoned_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.FAILED, "worker_lost")
    assert run.result_message is not None
    assert (
        run.result_message.content == "# Urban heat\n\nCities are warmer than their surroundings."
    )
    last = RunEvent.objects.filter(run=run).order_by("-seq").first()
    assert last is not None
    assert (last.seq, last.type, last.payload["error_code"]) == (3, "error", "worker_lost")
    live.refresh_from_db()
    assert live.status == Run.Status.RUNNING


def test_a_lost_run_whose_writer_asked_to_stop_ends_as_stopped(db):
    run = _lapsed_run(cancel_requested_at=timezone.now())
    assert fail_abandoned_runs() == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.CANCELLED, "cancelled")


def test_stopping_a_run_whose_worker_is_gone_ends_it_at_once(db):
    run = _lapsed_run()
    stopped = lifecycle.run_cancel(run=run)
    assert stopped.status == Run.Status.CANCELLED
    assert stopped.result_message is not None
    assert stopped.result_message.content.endswith("warmer than their surroundings.")
    last = RunEvent.objects.filter(run=run).order_by("-seq").first()
    assert last is not None
    assert (last.type, last.payload["error_code"]) == ("error", "cancelled")


def test_a_redelivered_task_waits_out_a_fresh_lease_then_ends_the_run(db, settings):
    settings.RUN_LEASE_SECONDS = 1
    run = RunFactory(
        status=Run.Status.RUNNING,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timedelta(seconds=0.8),
    )
    started = time.monotonic()
    assert run_execute(run_id=run.id) is None  # the pool child died; the message came back
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.FAILED, "worker_lost")
    assert 0.7 < time.monotonic() - started < 4


@pytest.mark.django_db(transaction=True)  # the renewing thread must see the committed row
def test_a_redelivered_task_leaves_a_run_whose_worker_renews_its_lease(settings):
    settings.RUN_LEASE_SECONDS = 1.2
    run = RunFactory(
        status=Run.Status.RUNNING, started_at=timezone.now(), lease_expires_at=timezone.now()
    )
    Run.objects.filter(id=run.id).update(lease_expires_at=lease_until())
    renewer = threading.Timer(0.3, lambda: LeaseKeeper(run_id=run.id).renew())
    renewer.start()
    try:
        assert run_execute(run_id=run.id) is None
    finally:
        renewer.join()
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING


def test_a_run_ended_as_lost_is_not_overwritten_by_its_late_worker(db):
    run = _lapsed_run()
    fail_abandoned_runs()
    with pytest.raises(lifecycle.RunNotActive):
        lifecycle.run_succeed(
            run=run,
            document="late",
            word_count=1,
            system_used="simple",
            complexity=1.0,
            quality_report={},
        )
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED


def test_the_page_shows_a_lost_runs_text_as_incomplete(db, user, auth_client):
    run = _lapsed_run(conversation__user=user)
    fail_abandoned_runs()
    page = auth_client.get(f"/conversations/{run.conversation_id}/").content.decode()
    assert "Incomplete: the text written before the run failed." in page
    assert "warmer than their surroundings." in page


def _queued_since(seconds: float) -> Run:
    run = RunFactory(status=Run.Status.QUEUED)
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(seconds=seconds))
    return run


def test_the_sweep_sends_again_the_task_of_a_run_queued_too_long_once_a_period(
    db, settings, monkeypatch
):
    """A run whose task was lost (the broker refused it, or the web process died between the
    commit and the publish) is not left queued for ever."""
    settings.RUN_REQUEUE_SECONDS = 60
    stranded = _queued_since(61)
    fresh = _queued_since(30)
    running = RunFactory(status=Run.Status.RUNNING, started_at=timezone.now())
    Run.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(seconds=300))
    sent: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        execute_run, "delay", lambda run_id, requeued=False: sent.append((run_id, requeued))
    )
    fail_abandoned_runs()
    assert sent == [(str(stranded.id), True)]
    fail_abandoned_runs()  # the same period: not again
    assert sent == [(str(stranded.id), True)]
    assert fresh.id not in {r for r, _ in sent}


def test_a_task_sent_again_for_a_run_already_taken_does_nothing(db, monkeypatch):
    """Its first task came after all: the second finds the run running and leaves at once
    (a redelivered task would watch the run's lease)."""
    run = RunFactory(status=Run.Status.RUNNING, started_at=timezone.now())
    watched: list[object] = []
    monkeypatch.setattr(
        "apps.conversations.services.execution.run_redelivered",
        lambda **kwargs: watched.append(kwargs),
    )
    assert run_execute(run_id=run.id, requeued=True) is None
    assert watched == []
    assert run_execute(run_id=run.id) is None
    assert watched == [{"run_id": run.id}]


def test_a_task_sent_again_runs_a_run_still_queued(db, monkeypatch):
    run = _queued_since(500)
    ran: list[uuid.UUID] = []
    monkeypatch.setattr(
        "apps.conversations.services.execution._execute", lambda claimed: ran.append(claimed.id)
    )
    run_execute(run_id=run.id, requeued=True)
    assert ran == [run.id]
    run.refresh_from_db()
    assert run.status == Run.Status.RUNNING
