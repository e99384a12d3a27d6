from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.types import WritingRequest
from apps.files.services import files_attach

logger = logging.getLogger(__name__)

TITLE_LENGTH = 80


class RunInProgress(Exception):
    """A conversation takes one run at a time: a follow-up waits for the current one."""


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
    """Store the user's message and a queued run, and queue the pipeline once committed."""
    # Lock the conversation so two follow-ups sent at once cannot both start a run.
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    if conversation.runs.filter(status__in=Run.ACTIVE).exists():
        raise RunInProgress
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
    run.finished_at = timezone.now()
    run.save()
    Conversation.objects.filter(pk=run.conversation_id).update(updated_at=run.finished_at)
    return run


@transaction.atomic
def run_fail(*, run_id: uuid.UUID, error_code: str, error_message: str, partial: str = "") -> bool:
    """Mark an unfinished run failed, keeping any text written so far. False if it had already
    finished (so the caller does not announce a second ending)."""
    run = Run.objects.select_for_update().filter(id=run_id).first()
    if run is None or not run.is_active:
        return False
    if partial:
        run.result_message = Message.objects.create(
            conversation_id=run.conversation_id, role=Message.Role.ASSISTANT, content=partial
        )
    run.status = Run.Status.FAILED
    run.error_code = error_code
    run.error_message = error_message
    run.finished_at = timezone.now()
    if run.started_at is None:
        run.started_at = run.finished_at
    run.save()
    logger.warning("event=run_failed run_id=%s code=%s", run_id, error_code)
    return True
