"""Staff retry a run that failed or was stopped: the same request, run again."""

from __future__ import annotations

from django.db import transaction

from apps.conversations.models import Run
from apps.conversations.services.starting import request_of, run_start

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
    retry = run_start(conversation=original.conversation, request=request_of(original))
    retry.retry_of = original
    retry.save(update_fields=["retry_of"])
    return retry
