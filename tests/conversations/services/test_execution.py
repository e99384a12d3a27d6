"""run_execute end to end, in-process, against a faked OpenAI endpoint: content deltas, the usage
event, cost stored; a provider failure mid-stream keeps the text and never leaves a run running."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import timezone

from apps.conversations import cancel
from apps.conversations.models import Run
from apps.conversations.services import execution, lifecycle, starting
from apps.streaming.models import RunEvent
from tests.factories import WritingRequestFactory
from tests.llm_fakes import (
    RESPONSES_PREAMBLE,
    Stream,
    cut_connection,
    openai_error,
    openai_response,
    pause,
    responses_pieces,
    sloppy_openai_model,
    words,
)

URL = "https://api.openai.com/v1/responses"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("openai_configured")]


def start(user, *, model="gpt-4o-mini", words=600) -> Run:
    request = WritingRequestFactory(
        prompt="Write an essay on the ethics of AI in healthcare.",
        writeup_type="essay",
        citation_style="apa7",
        academic_level="undergraduate",
        target_word_count=words,
        model=model,
    )
    return starting.run_submit(user=user, request=request, conversation=None)


def events(run: Run) -> list[Any]:
    stored = RunEvent.objects.filter(run=run).order_by("seq")
    return [e.to_wire(conversation_id=run.conversation_id) for e in stored]


def test_a_run_streams_content_reports_usage_and_stores_its_cost(user, llm_http):
    llm_http.post(URL).mock(side_effect=sloppy_openai_model(1.0))
    run = execution.run_execute(run_id=start(user).id)

    assert run is not None
    assert run.status == Run.Status.SUCCEEDED
    log = events(run)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    content = [e for e in log if e["type"] == "content"]
    assert len(content) >= 2
    assert content[-1]["is_complete"] is True
    usage = next(e for e in log if e["type"] == "usage")
    assert usage["model"] == "gpt-4o-mini"
    assert usage["tokens_in"] > 0
    assert usage["tokens_out"] > 0
    assert usage["cost_usd"] > 0
    assert float(run.cost_usd) == pytest.approx(usage["cost_usd"], abs=1e-6)
    assert (run.tokens_in, run.tokens_out) == (usage["tokens_in"], usage["tokens_out"])
    assert log[-1]["type"] == "done"


def test_a_stream_cut_mid_run_keeps_the_text_and_fails_with_the_reason(user, llm_http):
    route = llm_http.post(URL)
    cut = responses_pieces(words(30, start=5000))
    route.side_effect = [
        openai_response(responses_pieces(words(90), tokens_in=800, tokens_out=120)),
        openai_response([*cut[: RESPONSES_PREAMBLE + 19], cut_connection()]),
    ]
    run = execution.run_execute(run_id=start(user).id)

    assert run is not None
    assert run.status == Run.Status.FAILED
    assert run.error_code == "provider_unavailable"
    assert run.finished_at is not None
    assert run.result_message is not None
    kept = run.result_message.content
    assert "word0 " in kept  # the first section
    assert "word5000 " in kept  # and the second, up to the cut
    assert "word5029" not in kept
    # The first call's reported usage plus an estimate for the one cut off.
    assert run.tokens_in > 800
    assert run.tokens_out >= 120
    log = events(run)
    assert [e["type"] for e in log[-2:]] == ["usage", "error"]
    assert log[-1]["error_code"] == "provider_unavailable"
    streamed = "".join(e["message"] for e in log if e["type"] == "content")
    assert streamed == kept


def test_a_rejected_key_fails_the_run_cleanly(user, llm_http):
    llm_http.post(URL).mock(return_value=openai_error(401, "invalid_api_key", "Incorrect API key"))
    run = execution.run_execute(run_id=start(user).id)

    assert run is not None
    assert run.status == Run.Status.FAILED
    assert run.error_code == "provider_auth_failed"
    assert events(run)[-1]["type"] == "error"


def test_stop_mid_stream_ends_within_a_second_keeping_the_text(user, llm_http):
    run = start(user)
    stopped_at: list[float] = []

    def stop() -> None:
        stopped_at.append(time.monotonic())
        lifecycle.run_cancel(run=Run.objects.get(pk=run.pk))

    pieces = responses_pieces(words(400))
    # Forty words, then the user presses stop, then the model keeps writing slowly.
    head = RESPONSES_PREAMBLE + 40
    slow = [p for piece in pieces[head:] for p in (pause(0.01), piece)]
    stream = Stream([*pieces[:head], stop, *slow])
    llm_http.post(URL).mock(return_value=openai_response(stream))
    finished = execution.run_execute(run_id=run.id)
    ended = time.monotonic()

    assert finished is not None
    assert finished.status == Run.Status.CANCELLED
    assert finished.cancel_requested_at is not None
    assert ended - stopped_at[0] < 1.0
    assert stream.sent < len(pieces) // 2  # the rest of the answer was never read
    assert finished.result_message is not None
    kept = finished.result_message.content
    assert "word39." in kept or "word39 " in kept
    assert "word399" not in kept
    log = events(finished)
    assert log[-1]["type"] == "error"
    assert log[-1]["error_code"] == "cancelled"
    assert finished.tokens_out > 0  # the interrupted call is still counted (estimated)
    streamed = "".join(e["message"] for e in log if e["type"] == "content")
    assert streamed == kept


def test_a_stop_that_lands_as_the_worker_claims_the_run_ends_it_before_writing(user):
    run = start(user, model="offline", words=2000)
    # The flag as run_cancel leaves it for a running pipeline.
    Run.objects.filter(pk=run.pk).update(cancel_requested_at=timezone.now())
    cancel.flag(run.id)
    finished = execution.run_execute(run_id=run.id)

    assert finished is not None
    assert finished.status == Run.Status.CANCELLED
    assert events(finished)[-1]["error_code"] == "cancelled"


def test_a_model_no_longer_configured_fails_the_run_with_a_reason(user, settings):
    run = start(user)
    settings.OPENAI_API_KEY = ""
    finished = execution.run_execute(run_id=run.id)

    assert finished is not None
    assert finished.status == Run.Status.FAILED
    assert finished.error_code == "provider_not_configured"
