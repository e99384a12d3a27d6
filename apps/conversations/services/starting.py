"""Starting a run: a new conversation or a follow-up, the writer's files attached, the task
queued once the rows are committed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from apps.accounts.models import User
from apps.conversations.budget import BudgetExceeded as BudgetExceeded  # callers catch it here
from apps.conversations.budget import ensure_within_budget
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.tasks import execute_run
from apps.core import logcontext, metrics
from apps.core.text import short_title
from apps.core.writing import WritingRequest
from apps.files.errors import FileNotFound
from apps.files.models import UploadedFile


class RunInProgress(Exception):
    """A conversation takes one run at a time: a follow-up waits for the current one."""


def _enqueue(run_id: uuid.UUID) -> None:
    execute_run.delay(str(run_id))
    metrics.RUNS.inc(status="started", reason="")


def files_attach(
    *, owner: User, conversation: Conversation, file_ids: Iterable[uuid.UUID]
) -> list[UploadedFile]:
    """Attach the owner's files to a conversation; any id not theirs raises FileNotFound."""
    wanted = list(dict.fromkeys(file_ids))
    files = {f.id: f for f in UploadedFile.objects.filter(owner=owner, id__in=wanted)}
    for file_id in wanted:
        if file_id not in files:
            raise FileNotFound(file_id)
    conversation.files.add(*files.values())
    return [files[i] for i in wanted]


@transaction.atomic
def run_submit(*, user: User, request: WritingRequest, conversation: Conversation | None) -> Run:
    """The one way a writer's request becomes a run, from the page or the API: a new
    conversation when `conversation` is None, else a follow-up in it (which must be the
    user's own: callers look it up through `conversations_for`)."""
    if conversation is None:
        conversation = Conversation.objects.create(user=user, title=short_title(request.prompt))
    return run_start(conversation=conversation, request=request)


@transaction.atomic
def run_regenerate(*, run: Run) -> Run:
    """The same request again as a new version: same message, same options, and it revises
    what `run` revised (nothing, for a first draft). Refused like any start (RunInProgress,
    BudgetExceeded)."""
    original = run.regenerated_from or run
    return run_start(conversation=run.conversation, request=request_of(run), regenerates=original)


@transaction.atomic
def run_start(
    *, conversation: Conversation, request: WritingRequest, regenerates: Run | None = None
) -> Run:
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
        regenerated_from=regenerates,
    )
    if request.file_ids:  # raises FileNotFound (rolling all of this back) for others' files
        files_attach(owner=conversation.user, conversation=conversation, file_ids=request.file_ids)
    conversation.save(update_fields=["updated_at"])
    logcontext.bind(run_id=run.id, trace_id=run.id)
    transaction.on_commit(lambda: _enqueue(run.id))
    return run


def request_of(run: Run) -> WritingRequest:
    """The writing request a run was started with (its prompt and options). The conversation
    keeps its files and its exclusions: a new run reads them as the old one did."""
    return WritingRequest(
        prompt=run.user_message.content,
        writeup_type=run.writeup_type,
        citation_style=run.citation_style,
        academic_level=run.academic_level,
        target_word_count=run.target_word_count,
        model=run.model,
    )
