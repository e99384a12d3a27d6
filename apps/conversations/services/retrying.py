"""Staff retry a run that failed or was stopped: the same request, run again."""

from __future__ import annotations

from django.db import transaction

from apps.conversations.models import Run
from apps.conversations.services.starting import run_start
from apps.core.writing import WritingRequest

RETRYABLE = (Run.Status.FAILED, Run.Status.CANCELLED)


class RunNotRetryable(Exception):
    """Only a run that failed or was cancelled can be retried."""


@transaction.atomic
def run_retry(*, run: Run) -> Run:
    """A new run of `run`'s request (its prompt and options) in the same conversation, linked
    to it by `retry_of`. Started as any run is (run_start): refused with RunInProgress while the
    conversation has an active run, or BudgetExceeded over the writer's budget."""
    locked = Run.objects.select_for_update().select_related("user_message", "conversation")
    original = locked.get(pk=run.pk)
    if original.status not in RETRYABLE:
        raise RunNotRetryable
    request = WritingRequest(
        prompt=original.user_message.content,
        writeup_type=original.writeup_type,
        citation_style=original.citation_style,
        academic_level=original.academic_level,
        target_word_count=original.target_word_count,
        model=original.model,
        # The conversation keeps its files: the new run reads them as the old one did.
    )
    retry = run_start(conversation=original.conversation, request=request)
    retry.retry_of = original
    retry.save(update_fields=["retry_of"])
    return retry
