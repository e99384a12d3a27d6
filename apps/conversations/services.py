from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.conversations.budget import BudgetExceeded as BudgetExceeded  # callers catch it here
from apps.conversations.budget import ensure_within_budget
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.types import WritingRequest
from apps.files.services import files_attach

logger = logging.getLogger(__name__)

TITLE_LENGTH = 80


class RunInProgress(Exception):
    """A conversation takes one run at a time: a follow-up waits for the current one."""


class RunNotActive(Exception):
    """The run has already ended: there is nothing to stop."""


@dataclass(frozen=True)
class RunUsage:
    """Tokens and cost a run consumed, as the pipeline totals them."""

    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    def apply_to(self, run: Run) -> None:
        run.tokens_in = self.tokens_in
        run.tokens_out = self.tokens_out
        run.cost_usd = Decimal(str(round(self.cost_usd, 6)))


def _title_from(prompt: str) -> str:
    line = " ".join(prompt.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


def _enqueue(run_id: uuid.UUID) -> None:
    # Imported here: the pipeline depends on this module, not the other way round.
    from apps.pipeline.tasks import execute_run

    execute_run.delay(str(run_id))


@transaction.atomic
def conversation_start(*, user: User, request: WritingRequest) -> Run:
    conversation = Conversation.objects.create(user=user, title=_title_from(request.prompt))
    return run_start(conversation=conversation, request=request)


@transaction.atomic
def run_start(*, conversation: Conversation, request: WritingRequest) -> Run:
    """Store the user's message and a queued run, and queue the pipeline once committed.
    Refused (nothing saved, no provider called) with RunInProgress or BudgetExceeded."""
    # Lock the conversation so two follow-ups sent at once cannot both start a run, and the
    # user so that two runs started at once in different conversations share one budget.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    User.objects.select_for_update().filter(pk=conversation.user_id).first()
    if conversation.runs.filter(status__in=Run.ACTIVE).exists():
        raise RunInProgress
    ensure_within_budget(
        user=conversation.user, model=request.model, target_word_count=request.target_word_count
    )
    message = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, content=request.prompt
    )
    run = Run.objects.create(
        conversation=conversation,
        user_message=message,
        writeup_type=request.writeup_type,
        citation_style=request.citation_style,
        academic_level=request.academic_level,
        target_word_count=request.target_word_count,
        model=request.model,
    )
    if request.file_ids:  # raises FileNotFound (rolling all of this back) for others' files
        files_attach(owner=conversation.user, conversation=conversation, file_ids=request.file_ids)
    conversation.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: _enqueue(run.id))
    return run


def run_claim(*, run_id: uuid.UUID) -> Run | None:
    """Move a queued run to running. None when it is not queued (a redelivered task, say)."""
    claimed = Run.objects.filter(id=run_id, status=Run.Status.QUEUED).update(
        status=Run.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    return Run.objects.select_related("conversation", "user_message").get(id=run_id)


@transaction.atomic
def run_succeed(
    *,
    run: Run,
    document: str,
    word_count: int,
    system_used: str,
    complexity: float,
    quality_report: dict[str, object],
    usage: RunUsage | None = None,
) -> Run:
    result = Message.objects.create(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content=document
    )
    run.result_message = result
    run.status = Run.Status.SUCCEEDED
    run.word_count = word_count
    run.system_used = system_used
    run.complexity = complexity
    run.quality_report = quality_report
    (usage or RunUsage()).apply_to(run)
    run.finished_at = timezone.now()
    run.save()
    Conversation.objects.filter(pk=run.conversation_id).update(updated_at=run.finished_at)
    return run


@transaction.atomic
def run_fail(
    *,
    run_id: uuid.UUID,
    error_code: str,
    error_message: str,
    partial: str = "",
    usage: RunUsage | None = None,
    status: Run.Status = Run.Status.FAILED,
) -> bool:
    """End an unfinished run as failed (or, when the user stopped it, cancelled), keeping any
    text written so far and what it cost. False if it had already finished (so the caller does
    not announce a second ending)."""
    run = Run.objects.select_for_update().filter(id=run_id).first()
    if run is None or not run.is_active:
        return False
    if partial:
        run.result_message = Message.objects.create(
            conversation_id=run.conversation_id, role=Message.Role.ASSISTANT, content=partial
        )
    run.status = status
    run.error_code = error_code
    run.error_message = error_message
    if usage is not None:
        usage.apply_to(run)
    run.finished_at = timezone.now()
    if run.started_at is None:
        run.started_at = run.finished_at
    run.save()
    logger.warning("event=run_%s run_id=%s code=%s", status, run_id, error_code)
    return True


CANCELLED_CODE = "cancelled"
CANCELLED_MESSAGE = "Stopped at your request; the text written so far is kept."


def run_cancel(*, run: Run) -> Run:
    """Stop a run. A queued run ends here and now; a running one is flagged, and its pipeline
    ends it within a second (keeping the text so far) and sends the final `error` event with
    error_code `cancelled`. Raises RunNotActive for a run that has already ended."""
    from apps.pipeline import cancel
    from apps.pipeline.services import announce_cancelled

    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        if not locked.is_active:
            raise RunNotActive
        was_queued = locked.status == Run.Status.QUEUED
        locked.cancel_requested_at = locked.cancel_requested_at or timezone.now()
        locked.save(update_fields=["cancel_requested_at"])
        if was_queued:
            # No worker has it yet, and run_claim only takes queued runs: it never will.
            run_fail(
                run_id=locked.id,
                error_code=CANCELLED_CODE,
                error_message=CANCELLED_MESSAGE,
                status=Run.Status.CANCELLED,
            )
    if was_queued:
        announce_cancelled(run_id=locked.id, conversation_id=locked.conversation_id)
    else:
        cancel.flag(locked.id)
    logger.info("event=run_cancel_requested run_id=%s queued=%s", locked.id, was_queued)
    locked.refresh_from_db()
    return locked
