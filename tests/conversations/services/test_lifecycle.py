"""A run's endings: claimed, succeeded, failed, aborted, stopped, or found abandoned."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.conversations.cancel import RunCancelToken
from apps.conversations.models import Run
from apps.conversations.services import lifecycle
from apps.conversations.services.lease import worker_name
from apps.pipeline.cancel import RunCancelled
from apps.pipeline.state import PipelineState, Usage
from apps.streaming.models import RunEvent
from apps.streaming.publisher import RunPublisher
from tests.factories import RunEventFactory, RunFactory, WritingRequestFactory


def _events(run: Run) -> list[tuple[str, dict[str, object]]]:
    return [(e.type, e.payload) for e in RunEvent.objects.filter(run=run).order_by("seq")]


def _lapsed(**kwargs: object) -> Run:
    return RunFactory(
        status=Run.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        **kwargs,
    )


def _content(run: Run, seq: int, text: str) -> None:
    RunEventFactory(
        run=run, seq=seq, type="content", payload={"message": text, "is_complete": False}
    )


def test_claim_moves_queued_to_running_once(db):
    run = RunFactory()
    claimed = lifecycle.run_claim(run_id=run.id)
    assert claimed is not None
    assert claimed.status == Run.Status.RUNNING
    assert claimed.started_at is not None
    assert lifecycle.run_claim(run_id=run.id) is None


def test_a_claimed_run_carries_this_workers_name_and_a_live_lease(db, settings):
    settings.RUN_LEASE_SECONDS = 30
    run = RunFactory()
    claimed = lifecycle.run_claim(run_id=run.id)
    assert claimed is not None
    assert claimed.worker == worker_name()
    assert claimed.lease_expires_at is not None
    assert claimed.started_at is not None
    assert claimed.lease_expires_at - claimed.started_at == timedelta(seconds=30)


def test_fail_keeps_partial_text_and_is_announced_once(db):
    run = RunFactory(status=Run.Status.RUNNING)
    assert lifecycle.run_fail(
        run_id=run.id, error_code="timeout", error_message="slow", partial="# Draft"
    )
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED
    assert run.result_message.content == "# Draft"
    assert (run.error_code, run.error_message) == ("timeout", "slow")
    assert not lifecycle.run_fail(run_id=run.id, error_code="again", error_message="again")


def test_a_run_failed_before_it_started_gets_a_start_and_keeps_no_empty_message(db):
    run = RunFactory()
    usage = Usage(model="gpt-4o-mini", tokens_in=10, tokens_out=20, cost_usd=0.0000123456)
    assert lifecycle.run_fail(
        run_id=run.id,
        error_code="cancelled",
        error_message="stopped",
        usage=usage,
        status=Run.Status.CANCELLED,
    )
    run.refresh_from_db()
    assert run.status == Run.Status.CANCELLED
    assert run.result_message is None
    assert run.started_at == run.finished_at
    assert (run.tokens_in, run.tokens_out, run.cost_usd) == (10, 20, Decimal("0.000012"))


def test_fail_of_an_unknown_run_is_not_an_ending(db):
    assert lifecycle.run_fail(run_id=uuid.uuid4(), error_code="x", error_message="y") is False


def test_success_stores_the_document_as_the_answer_with_its_report_and_usage(db):
    run = RunFactory(status=Run.Status.RUNNING, started_at=timezone.now())
    before = run.conversation.updated_at
    lifecycle.run_succeed(
        run=run,
        document="# Heat\n\nCities are warm.",
        word_count=3,
        system_used="simple",
        complexity=2.5,
        quality_report={"word_count_ok": True},
        usage=Usage(model="gpt-4o", tokens_in=100, tokens_out=50, cost_usd=0.25),
    )
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED
    assert run.result_message.content == "# Heat\n\nCities are warm."
    assert run.result_message.role == "assistant"
    assert (run.word_count, run.system_used, run.complexity) == (3, "simple", 2.5)
    assert run.quality_report == {"word_count_ok": True}
    assert (run.tokens_in, run.tokens_out, run.cost_usd) == (100, 50, Decimal("0.25"))
    run.conversation.refresh_from_db()
    assert run.conversation.updated_at > before
    assert run.conversation.updated_at == run.finished_at


def test_success_is_refused_for_a_run_that_is_not_running(db):
    run = RunFactory(status=Run.Status.CANCELLED)
    with pytest.raises(lifecycle.RunNotActive):
        lifecycle.run_succeed(
            run=run, document="x", word_count=1, system_used="s", complexity=0, quality_report={}
        )
    run.refresh_from_db()
    assert (run.status, run.result_message) == (Run.Status.CANCELLED, None)


def test_abort_keeps_the_states_text_then_announces_usage_and_the_error(db):
    run = RunFactory(status=Run.Status.RUNNING)
    state = PipelineState(run.id, run.conversation_id, WritingRequestFactory(), "p")
    state.document = "# Heat\n\nHalf a draft"
    state.usage = Usage(model="gpt-4o-mini", tokens_in=7, tokens_out=3, cost_usd=0.001)
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
    lifecycle.run_abort(
        run_id=run.id, publisher=publisher, code="provider_error", message="down", state=state
    )
    publisher.close()
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.FAILED, "provider_error")
    assert run.result_message.content == "# Heat\n\nHalf a draft"
    assert (run.tokens_in, run.tokens_out) == (7, 3)
    [(usage_type, usage), (error_type, error)] = _events(run)
    assert (usage_type, usage["tokens_in"], usage["tokens_out"]) == ("usage", 7, 3)
    assert (error_type, error["error_code"], error["error_message"]) == (
        "error",
        "provider_error",
        "down",
    )


def test_abort_without_state_keeps_what_readers_were_sent_and_spends_no_usage_event(db):
    run = RunFactory(status=Run.Status.RUNNING)
    _content(run, 1, "Cities are ")
    _content(run, 2, "warm.")
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
    lifecycle.run_abort(run_id=run.id, publisher=publisher, code="worker_lost", message="gone")
    publisher.close()
    run.refresh_from_db()
    assert run.result_message.content == "Cities are warm."
    assert [t for t, _ in _events(run)] == ["content", "content", "error"]


def test_abort_of_a_finished_run_announces_nothing(db):
    run = RunFactory(status=Run.Status.SUCCEEDED)
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
    lifecycle.run_abort(run_id=run.id, publisher=publisher, code="late", message="late")
    publisher.close()
    assert _events(run) == []
    run.refresh_from_db()
    assert run.status == Run.Status.SUCCEEDED


def test_fail_from_task_ends_the_run_with_its_reason_as_the_last_event(db):
    run = RunFactory(status=Run.Status.RUNNING)
    lifecycle.run_fail_from_task(run_id=run.id, reason="The worker failed: OSError.")
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.FAILED, "internal_error")
    [(kind, payload)] = _events(run)
    assert (kind, payload["error_message"]) == ("error", "The worker failed: OSError.")
    lifecycle.run_fail_from_task(run_id=uuid.uuid4(), reason="no such run")  # nothing to end


def test_the_sweep_ends_only_runs_whose_lease_lapsed(db):
    lapsed = _lapsed()
    live = RunFactory(
        status=Run.Status.RUNNING,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timedelta(minutes=1),
    )
    queued = RunFactory()
    assert lifecycle.runs_fail_abandoned() == 1
    for run in (lapsed, live, queued):
        run.refresh_from_db()
    assert (lapsed.status, lapsed.error_code) == (Run.Status.FAILED, "worker_lost")
    assert lapsed.error_message == lifecycle.WORKER_LOST_MESSAGE
    assert (live.status, queued.status) == (Run.Status.RUNNING, Run.Status.QUEUED)


def test_the_sweep_can_be_limited_to_one_run(db):
    first, second = _lapsed(), _lapsed()
    assert lifecycle.runs_fail_abandoned(run_id=second.id) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Run.Status.RUNNING, Run.Status.FAILED)


def test_an_abandoned_run_whose_writer_asked_to_stop_ends_as_cancelled(db):
    run = _lapsed(cancel_requested_at=timezone.now())
    assert lifecycle.runs_fail_abandoned() == 1
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.CANCELLED, lifecycle.CANCELLED_CODE)
    assert run.error_message == lifecycle.CANCELLED_MESSAGE


def test_a_redelivery_for_a_run_that_is_not_running_changes_nothing(db):
    for status in (Run.Status.QUEUED, Run.Status.SUCCEEDED):
        run = RunFactory(status=status)
        lifecycle.run_redelivered(run_id=run.id)
        run.refresh_from_db()
        assert run.status == status
    lifecycle.run_redelivered(run_id=uuid.uuid4())


def test_a_redelivery_for_a_run_whose_lease_lapsed_ends_it_at_once(db):
    run = _lapsed()
    lifecycle.run_redelivered(run_id=run.id)
    run.refresh_from_db()
    assert (run.status, run.error_code) == (Run.Status.FAILED, "worker_lost")


def test_stopping_a_queued_run_ends_it_now_with_a_cancelled_event(db):
    run = RunFactory()
    stopped = lifecycle.run_cancel(run=run)
    assert stopped.status == Run.Status.CANCELLED
    assert stopped.cancel_requested_at is not None
    assert stopped.result_message is None
    [(kind, payload)] = _events(run)
    assert (kind, payload["error_code"]) == ("error", lifecycle.CANCELLED_CODE)


def test_stopping_a_running_run_flags_it_for_its_pipeline_and_leaves_it_running(db):
    run = RunFactory(
        status=Run.Status.RUNNING,
        started_at=timezone.now(),
        lease_expires_at=timezone.now() + timedelta(minutes=1),
    )
    stopped = lifecycle.run_cancel(run=run)
    assert stopped.status == Run.Status.RUNNING
    assert stopped.cancel_requested_at is not None
    assert _events(run) == []
    with pytest.raises(RunCancelled):
        RunCancelToken(run_id=run.id, interval=0).check()


def test_a_run_that_has_ended_cannot_be_stopped(db):
    run = RunFactory(status=Run.Status.FAILED)
    with pytest.raises(lifecycle.RunNotActive):
        lifecycle.run_cancel(run=run)
    run.refresh_from_db()
    assert run.cancel_requested_at is None
