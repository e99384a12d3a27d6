"""Staff retry a failed or stopped run: the same request again, linked to the original."""

from __future__ import annotations

import pytest

from apps.conversations.models import Run
from apps.conversations.services.retrying import RunNotRetryable, run_retry
from apps.conversations.services.starting import RunInProgress
from tests.factories import RunFactory


@pytest.mark.parametrize("status", [Run.Status.FAILED, Run.Status.CANCELLED])
def test_a_failed_or_stopped_run_is_run_again_with_the_same_request(
    db, django_capture_on_commit_callbacks, status: Run.Status
):
    original = RunFactory(
        status=status, writeup_type="case_study", target_word_count=1800, citation_style="ieee"
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        retry = run_retry(run=original)
    assert len(queued) == 1
    assert retry.retry_of == original
    assert (retry.status, retry.conversation_id) == (Run.Status.QUEUED, original.conversation_id)
    assert (retry.writeup_type, retry.target_word_count, retry.citation_style) == (
        "case_study",
        1800,
        "ieee",
    )
    assert retry.user_message.content == original.user_message.content
    assert list(original.retries.all()) == [retry]


@pytest.mark.parametrize("status", [Run.Status.SUCCEEDED, Run.Status.QUEUED, Run.Status.RUNNING])
def test_only_failed_or_stopped_runs_can_be_retried(db, status: Run.Status):
    run = RunFactory(status=status)
    with pytest.raises(RunNotRetryable):
        run_retry(run=run)
    assert Run.objects.count() == 1


def test_a_retry_waits_for_the_conversations_active_run(db):
    failed = RunFactory(status=Run.Status.FAILED)
    RunFactory(conversation=failed.conversation, status=Run.Status.RUNNING)
    with pytest.raises(RunInProgress):
        run_retry(run=failed)
    assert Run.objects.count() == 2
