"""Executing a run: the worker's side. Claim the row, build the engine's state from it, run the
pipeline, and record how it ended."""

from __future__ import annotations

import logging
import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded

from apps.conversations.cancel import RunCancelToken
from apps.conversations.models import Conversation, Run
from apps.conversations.services.lease import LeaseKeeper
from apps.conversations.services.lifecycle import (
    CANCELLED_CODE,
    CANCELLED_MESSAGE,
    WORKER_LOST_MESSAGE,
    RunNotActive,
    run_abort,
    run_claim,
    run_redelivered,
    run_succeed,
)
from apps.conversations.services.managing import conversation_title_generated
from apps.core.writing import WritingRequest
from apps.pipeline.cancel import RunCancelled
from apps.pipeline.providers.base import ProviderError
from apps.pipeline.services import done_message, pipeline_run
from apps.pipeline.state import PipelineState
from apps.streaming.publisher import RunPublisher

logger = logging.getLogger(__name__)


def _state_for(run: Run) -> PipelineState:
    conversation: Conversation = run.conversation
    first = conversation.messages.filter(role="user").order_by("created_at").first()
    # A regenerated run revises what its original revised, not the original's own result.
    base = run.regenerated_from or run
    previous = (
        conversation.runs.filter(status=Run.Status.SUCCEEDED, created_at__lt=base.created_at)
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
        file_ids=tuple(conversation.files.order_by("created_at").values_list("id", flat=True)),
        excluded_sources=tuple(conversation.excluded_sources),
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
        previous_target=previous.target_word_count if previous else None,
        cancel=RunCancelToken(run_id=run.id),
    )


def _failure(error: Exception) -> tuple[str, str, Run.Status]:
    """The error code, the reader's explanation and the final status for what ended a run."""
    if isinstance(error, RunCancelled):
        return CANCELLED_CODE, CANCELLED_MESSAGE, Run.Status.CANCELLED
    if isinstance(error, SoftTimeLimitExceeded):
        return "timeout", "The run took too long and was stopped.", Run.Status.FAILED
    if isinstance(error, ProviderError):
        return error.code, error.message, Run.Status.FAILED
    if isinstance(error, RunNotActive):  # already ended as lost: run_abort changes nothing
        return "worker_lost", WORKER_LOST_MESSAGE, Run.Status.FAILED
    return (
        "internal_error",
        "The pipeline failed unexpectedly; the error has been logged.",
        Run.Status.FAILED,
    )


def run_execute(*, run_id: uuid.UUID, requeued: bool = False) -> Run | None:
    """Run the pipeline for a queued run, holding its lease. A run that is not queued any more is
    not run again (a redelivered task does nothing twice): if its worker is gone it is ended. A
    task the sweep sent again (`requeued`) found its run taken by the first one: nothing to do."""
    run = run_claim(run_id=run_id)
    if run is None:
        logger.info("event=run_not_claimed run_id=%s requeued=%s", run_id, requeued)
        if not requeued:
            run_redelivered(run_id=run_id)
        return None
    with LeaseKeeper(run_id=run.id):
        return _execute(run)


def _execute(run: Run) -> Run:
    started = time.monotonic()
    publisher = RunPublisher(
        run_id=run.id, conversation_id=run.conversation_id, queued_at=run.created_at
    )
    state = _state_for(run)
    logger.info("event=run_started run_id=%s model=%s", run.id, run.model)
    try:
        words = pipeline_run(state=state, events=publisher)
        assert state.route is not None
        run_succeed(
            run=run,
            document=state.document,
            word_count=words,
            system_used=state.route.system,
            complexity=state.route.complexity,
            quality_report=state.quality,
            usage=state.usage,
        )
        if state.title:
            conversation_title_generated(conversation_id=run.conversation_id, title=state.title)
        # The row is committed before `done` goes out: a reader that sees `done` finds the result.
        publisher.done(
            message=done_message(state.quality),
            final_word_count=words,
            processing_time=round(time.monotonic() - started, 3),
            system_used=state.route.system,
            quality=state.quality,
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
