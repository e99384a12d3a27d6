"""Starting a run: a new conversation or a follow-up, the writer's files attached, the task
queued once the rows are committed."""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.db import transaction

from apps.accounts.models import User
from apps.conversations.budget import BudgetExceeded as BudgetExceeded  # callers catch it here
from apps.conversations.budget import ensure_within_budget, run_is_free
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.tasks import execute_run
from apps.core import logcontext, metrics
from apps.core.db import insert_together
from apps.core.deferred import after_answer
from apps.core.text import short_title
from apps.core.writing import WritingRequest
from apps.files.errors import FileNotFound
from apps.files.models import UploadedFile
from apps.streaming.events import Event
from apps.streaming.publisher import queued_event_row

logger = logging.getLogger(__name__)


class RunInProgress(Exception):
    """A conversation takes one run at a time: a follow-up waits for the current one."""


def _enqueue(run_id: uuid.UUID) -> None:
    try:
        execute_run.delay(str(run_id))
    except Exception:
        # The run stays queued until the sweep sends its task again (lifecycle.runs_stranded).
        logger.exception("event=run_enqueue_failed run_id=%s", run_id)
        return
    metrics.RUNS.inc(status="started", reason="")


_sender: tuple[int, ThreadPoolExecutor] | None = None
_sender_lock = threading.Lock()


def _enqueue_soon(run_id: uuid.UUID) -> None:
    """Send the task from a thread of its own, so that the request that made the run answers
    without waiting for the broker (a Celery publish is a sixth of a POST's time here). The
    message follows within milliseconds; a process that dies in between leaves the run queued
    until the sweep sends its task again (lifecycle.runs_stranded). The request's log context
    goes with it."""
    global _sender
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid():  # threads do not survive a fork
            _sender = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="run-enqueue"))
        executor = _sender[1]
    executor.submit(contextvars.copy_context().run, _enqueue, run_id)


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


def run_submit(*, user: User, request: WritingRequest, conversation: Conversation | None) -> Run:
    """The one way a writer's request becomes a run, from the page or the API: a new
    conversation when `conversation` is None, else a follow-up in it (which must be the
    user's own: callers look it up through `conversations_for`)."""
    return run_submit_announced(user=user, request=request, conversation=conversation)[0]


def run_submit_announced(
    *, user: User, request: WritingRequest, conversation: Conversation | None
) -> tuple[Run, Event]:
    """run_submit, and the run's first event (`queued`, seq 1) as stored: for a caller that
    answers with the run's stream, which can then write it without reading the log."""
    if conversation is None:
        # Inserted with the run's rows, in one statement (_start).
        new = Conversation(user=user, title=short_title(request.prompt))
        if not request.file_ids and run_is_free(
            model=request.model, target_word_count=request.target_word_count
        ):
            # Nothing to lock, read or attach: that one statement is a transaction of its own
            # (BEGIN and COMMIT would be two more round trips on the path of every submission).
            return _start(conversation=new, request=request, new=True)
        with transaction.atomic():
            return _start(conversation=new, request=request, new=True)
    with transaction.atomic():
        return _start(conversation=conversation, request=request)


@transaction.atomic
def run_regenerate(*, run: Run) -> Run:
    """The same request again as a new version: same message, same options, and it revises
    what `run` revised (nothing, for a first draft). Refused like any start (RunInProgress,
    BudgetExceeded)."""
    original = run.regenerated_from or run
    return _start(conversation=run.conversation, request=request_of(run), regenerates=original)[0]


@transaction.atomic
def run_start(
    *, conversation: Conversation, request: WritingRequest, regenerates: Run | None = None
) -> Run:
    """Store the user's message and a queued run, and queue the pipeline once committed.
    Refused (nothing saved, no provider called) with RunInProgress or BudgetExceeded."""
    return _start(conversation=conversation, request=request, regenerates=regenerates)[0]


def _start(
    *,
    conversation: Conversation,
    request: WritingRequest,
    regenerates: Run | None = None,
    new: bool = False,
) -> tuple[Run, Event]:
    """run_start's work, inside the caller's transaction (no savepoint of its own: a refusal
    rolls the whole submission back), or in none when it comes down to one statement. `new`:
    the conversation is not saved yet (it is inserted here, with the run), so no one else can
    see it — nothing to lock, no run in progress."""
    if not new:
        # Lock the conversation so two follow-ups sent at once cannot both start a run.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        if conversation.runs.filter(status__in=Run.ACTIVE).exists():
            raise RunInProgress
    # Lock the user so that two paid runs started at once in different conversations share one
    # budget (a free model always fits: no lock, no reading of the month's spending).
    ensure_within_budget(
        user=conversation.user,
        model=request.model,
        target_word_count=request.target_word_count,
        lock=lambda: User.objects.select_for_update().filter(pk=conversation.user_id).first(),
    )
    message = Message(conversation=conversation, role=Message.Role.USER, content=request.prompt)
    run = Run(
        conversation=conversation,
        user_message=message,
        writeup_type=request.writeup_type,
        citation_style=request.citation_style,
        academic_level=request.academic_level,
        target_word_count=request.target_word_count,
        model=request.model,
        regenerated_from=regenerates,
    )
    # seq 1, stored with the run and sent once it commits, before the task is queued: a stream
    # opened as soon as the POST answers has its first event without a worker.
    queued_row, queued, announce = queued_event_row(run_id=run.id, conversation_id=conversation.id)
    # One round trip for every new row: on the path of every submission (docs/streams.md).
    insert_together(*([conversation] if new else []), message, run, queued_row)
    if request.file_ids:  # raises FileNotFound (rolling all of this back) for others' files
        files_attach(owner=conversation.user, conversation=conversation, file_ids=request.file_ids)
    if not new:
        conversation.save(update_fields=["updated_at"])
    logcontext.bind(run_id=run.id, trace_id=run.id)

    def committed() -> None:
        # A stream answering this POST writes `queued` first (apps.streaming.server), and only
        # then are the news sent and the worker set going; any other answer, at once.
        after_answer(announce)
        after_answer(lambda: _enqueue_soon(run.id))

    transaction.on_commit(committed)
    return run, queued


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
