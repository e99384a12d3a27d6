from __future__ import annotations

import logging
import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded

from apps.conversations import services as conversation_services
from apps.conversations.models import Conversation, Run
from apps.conversations.types import WritingRequest
from apps.files import selectors as files_selectors
from apps.pipeline.providers.base import ProviderError
from apps.pipeline.state import PipelineState
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
        previous_draft=(
            previous.result_message.content if previous and previous.result_message else None
        ),
    )


def _failure(error: Exception) -> tuple[str, str]:
    """The error code and the reader's explanation for what ended a run."""
    if isinstance(error, SoftTimeLimitExceeded):
        return "timeout", "The run took too long and was stopped."
    if isinstance(error, ProviderError):
        return error.code, error.message
    return "internal_error", "The pipeline failed unexpectedly; the error has been logged."


def run_execute(*, run_id: uuid.UUID) -> Run | None:
    """Run the pipeline for a queued run. A run that is not queued any more is left alone, so a
    redelivered task does nothing twice."""
    run = conversation_services.run_claim(run_id=run_id)
    if run is None:
        logger.info("event=run_not_claimed run_id=%s", run_id)
        return None
    started = time.monotonic()
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id)
    state = _state_for(run)
    logger.info("event=run_started run_id=%s model=%s", run.id, run.model)
    try:
        for step in STEPS:
            step(state, publisher)
        words = word_count(state.document)
        publisher.complete_content(word_count=words)
        assert state.route is not None
        assert state.usage is not None
        publisher.publish(
            EventType.USAGE,
            model=state.usage.model,
            tokens_in=state.usage.tokens_in,
            tokens_out=state.usage.tokens_out,
            cost_usd=round(state.usage.cost_usd, 6),
        )
        conversation_services.run_succeed(
            run=run,
            document=state.document,
            word_count=words,
            system_used=state.route.system,
            complexity=state.route.complexity,
            quality_report=state.quality,
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
        code, message = _failure(error)
        if code == "internal_error":
            logger.exception("event=run_crashed run_id=%s", run.id)
        run_abort(
            run_id=run.id, publisher=publisher, code=code, message=message, partial=state.document
        )
    finally:
        publisher.close()
    run.refresh_from_db()
    return run


def run_abort(
    *, run_id: uuid.UUID, publisher: RunPublisher, code: str, message: str, partial: str = ""
) -> None:
    """End an unfinished run as failed: keep what was written, then announce the error."""
    publisher.flush()
    if conversation_services.run_fail(
        run_id=run_id, error_code=code, error_message=message, partial=partial
    ):
        publisher.publish(EventType.ERROR, error_message=message, error_code=code)


def run_fail_from_task(*, run_id: uuid.UUID, reason: str) -> None:
    """Called when the task itself died outside `run_execute`'s own handling."""
    run = Run.objects.filter(id=run_id).only("conversation_id").first()
    if run is None:
        return
    publisher = RunPublisher(run_id=run_id, conversation_id=run.conversation_id)
    try:
        run_abort(run_id=run_id, publisher=publisher, code="internal_error", message=reason)
    finally:
        publisher.close()
