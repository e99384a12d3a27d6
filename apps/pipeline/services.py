from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone

from apps.conversations import services as conversation_services
from apps.conversations.models import Conversation, Run
from apps.conversations.services import RunUsage
from apps.conversations.types import WritingRequest
from apps.files import selectors as files_selectors
from apps.pipeline.cancel import CancelToken, RunCancelled
from apps.pipeline.providers.base import ProviderError
from apps.pipeline.state import PipelineState, Usage
from apps.pipeline.steps import STEPS
from apps.pipeline.text import word_count
from apps.streaming.events import EventType
from apps.streaming.publisher import RunPublisher

logger = logging.getLogger(__name__)


def _state_for(run: Run) -> PipelineState:
    conversation: Conversation = run.conversation
    first = conversation.messages.filter(role="user").order_by("created_at").first()
    previous = (
        conversation.runs.filter(status=Run.Status.SUCCEEDED, created_at__lt=run.created_at)
        .select_related("result_message")
        .order_by("-created_at")
        .first()
    )
    request = WritingRequest(
        prompt=run.user_message.content,
        writeup_type=run.writeup_type,
        citation_style=run.citation_style,
        academic_level=run.academic_level,
        target_word_count=run.target_word_count,
        model=run.model,
        file_ids=files_selectors.conversation_file_ids(conversation_id=conversation.id),
    )
    return PipelineState(
        run_id=run.id,
        conversation_id=conversation.id,
        request=request,
        original_prompt=first.content if first else request.prompt,
        # The conversation's current version: the latest run that succeeded. A stopped or
        # failed run's partial text is kept for reading but is not revised.
        previous_draft=(
            previous.result_message.content if previous and previous.result_message else None
        ),
        cancel=CancelToken(run_id=run.id),
    )


def _run_usage(state: PipelineState) -> RunUsage | None:
    if state.usage is None:
        return None
    return RunUsage(
        tokens_in=state.usage.tokens_in,
        tokens_out=state.usage.tokens_out,
        cost_usd=state.usage.cost_usd,
    )


def _publish_usage(publisher: RunPublisher, usage: Usage) -> None:
    publisher.publish(
        EventType.USAGE,
        model=usage.model,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost_usd=round(usage.cost_usd, 6),
    )


def _failure(error: Exception) -> tuple[str, str, Run.Status]:
    """The error code, the reader's explanation and the final status for what ended a run."""
    if isinstance(error, RunCancelled):
        return (
            conversation_services.CANCELLED_CODE,
            conversation_services.CANCELLED_MESSAGE,
            Run.Status.CANCELLED,
        )
    if isinstance(error, SoftTimeLimitExceeded):
        return "timeout", "The run took too long and was stopped.", Run.Status.FAILED
    if isinstance(error, ProviderError):
        return error.code, error.message, Run.Status.FAILED
    return (
        "internal_error",
        "The pipeline failed unexpectedly; the error has been logged.",
        Run.Status.FAILED,
    )


def run_execute(*, run_id: uuid.UUID) -> Run | None:
    """Run the pipeline for a queued run. A run that is not queued any more is left alone, so a
    redelivered task does nothing twice."""
    run = conversation_services.run_claim(run_id=run_id)
    if run is None:
        logger.info("event=run_not_claimed run_id=%s", run_id)
        runs_fail_abandoned(run_id=run_id)
        return None
    started = time.monotonic()
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
    state = _state_for(run)
    logger.info("event=run_started run_id=%s model=%s", run.id, run.model)
    try:
        for step in STEPS:
            state.cancel.check(force=True)
            step(state, publisher)
        words = word_count(state.document)
        publisher.complete_content(word_count=words)
        assert state.route is not None
        assert state.usage is not None
        _publish_usage(publisher, state.usage)
        conversation_services.run_succeed(
            run=run,
            document=state.document,
            word_count=words,
            system_used=state.route.system,
            complexity=state.route.complexity,
            quality_report=state.quality,
            usage=_run_usage(state),
        )
        # The row is committed before `done` goes out: a reader that sees `done` finds the result.
        publisher.publish(
            EventType.DONE,
            message="Plan complete" if state.quality.get("mode") == "plan" else "Draft complete",
            final_word_count=words,
            processing_time=round(time.monotonic() - started, 3),
            system_used=state.route.system,
        )
        logger.info("event=run_succeeded run_id=%s words=%s", run.id, words)
    except Exception as error:
        code, message, status = _failure(error)
        if code == "internal_error":
            logger.exception("event=run_crashed run_id=%s", run.id)
        elif status == Run.Status.CANCELLED:
            logger.info("event=run_stopping run_id=%s", run.id)
        run_abort(
            run_id=run.id,
            publisher=publisher,
            code=code,
            message=message,
            state=state,
            status=status,
        )
    finally:
        publisher.close()
    run.refresh_from_db()
    return run


def run_abort(
    *,
    run_id: uuid.UUID,
    publisher: RunPublisher,
    code: str,
    message: str,
    state: PipelineState | None = None,
    status: Run.Status = Run.Status.FAILED,
) -> None:
    """End an unfinished run as failed or cancelled: keep what was written and what it cost,
    then announce the ending (usage first, when any was spent, then the final `error`)."""
    publisher.flush()
    # The writer keeps state.document up to date with every delta: this is the text so far.
    partial = state.document if state is not None else ""
    usage = state.usage if state is not None else None
    if conversation_services.run_fail(
        run_id=run_id,
        error_code=code,
        error_message=message,
        partial=partial,
        usage=_run_usage(state) if state is not None else None,
        status=status,
    ):
        if usage is not None and (usage.tokens_in or usage.tokens_out):
            _publish_usage(publisher, usage)
        publisher.publish(EventType.ERROR, error_message=message, error_code=code)


def announce_cancelled(*, run_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """The final event of a run stopped before a worker took it."""
    publisher = RunPublisher(run_id=run_id, conversation_id=conversation_id)
    try:
        publisher.publish(
            EventType.ERROR,
            error_message=conversation_services.CANCELLED_MESSAGE,
            error_code=conversation_services.CANCELLED_CODE,
        )
    finally:
        publisher.close()


def run_fail_from_task(*, run_id: uuid.UUID, reason: str, code: str = "internal_error") -> None:
    """Called when the task itself died outside `run_execute`'s own handling."""
    run = Run.objects.filter(id=run_id).only("conversation_id").first()
    if run is None:
        return
    publisher = RunPublisher(run_id=run_id, conversation_id=run.conversation_id)
    try:
        run_abort(run_id=run_id, publisher=publisher, code=code, message=reason)
    finally:
        publisher.close()


WORKER_LOST_MESSAGE = (
    "The worker writing this stopped before it finished (it was restarted or lost); "
    "what it wrote is kept. Send the request again."
)


def runs_fail_abandoned(*, run_id: uuid.UUID | None = None) -> int:
    """End runs still marked running although no worker can still have them.

    A worker kills a task at the hard time limit, so a run that started longer ago than that
    and is still running lost its worker (a crash, a restart, a lost machine). Checked when a
    task is redelivered (its run is found running) and when a worker starts."""
    cutoff = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    abandoned = Run.objects.filter(status=Run.Status.RUNNING, started_at__lt=cutoff)
    if run_id is not None:
        abandoned = abandoned.filter(id=run_id)
    ids = list(abandoned.values_list("id", flat=True))
    for abandoned_id in ids:
        logger.warning("event=run_abandoned run_id=%s", abandoned_id)
        run_fail_from_task(run_id=abandoned_id, reason=WORKER_LOST_MESSAGE, code="worker_lost")
    return len(ids)
