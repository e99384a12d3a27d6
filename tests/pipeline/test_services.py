"""The engine: every step over one state, then the content closed and the usage reported."""

from __future__ import annotations

import pytest

from apps.conversations.models import Run
from apps.pipeline.cancel import RunCancelled
from apps.pipeline.services import done_message, pipeline_run
from apps.pipeline.state import PipelineState
from apps.streaming.models import RunEvent
from apps.streaming.publisher import RunPublisher
from tests.factories import RunFactory, WritingRequestFactory


class StopAtOnce:
    """A cancel token whose writer has already asked to stop."""

    def check(self, *, force: bool = False) -> None:
        raise RunCancelled


def _offline(**request: object) -> tuple[PipelineState, RunPublisher]:
    run = RunFactory(status=Run.Status.RUNNING)
    state = PipelineState(
        run.id,
        run.conversation_id,
        WritingRequestFactory(model="offline", target_word_count=600, **request),
        original_prompt="Write an essay on urban heat islands and street trees.",
    )
    return state, RunPublisher(run_id=run.id, conversation_id=run.conversation_id)


def test_an_offline_run_goes_through_every_step_and_ends_with_content_then_usage(db):
    state, publisher = _offline()
    words = pipeline_run(state=state, events=publisher)
    publisher.close()
    assert words == state.quality["word_count"] > 0
    assert state.quality["mode"] == "plan"
    assert state.outline is not None
    assert state.document.startswith(f"# {state.outline.title}")
    types = list(
        RunEvent.objects.filter(run_id=state.run_id).order_by("seq").values_list("type", flat=True)
    )
    assert types[0] == "routing"
    assert types[-1] == "usage"
    last_content = RunEvent.objects.filter(run_id=state.run_id, type="content").order_by("-seq")[0]
    assert last_content.payload["is_complete"] is True
    assert last_content.payload["word_count"] == words


def test_a_stop_requested_before_the_first_step_runs_nothing(db):
    state, publisher = _offline()
    state.cancel = StopAtOnce()
    with pytest.raises(RunCancelled):
        pipeline_run(state=state, events=publisher)
    publisher.close()
    assert state.route is None
    assert not RunEvent.objects.filter(run_id=state.run_id).exists()


@pytest.mark.parametrize(
    ("quality", "message"),
    [
        ({"mode": "plan", "word_count_ok": False}, "Plan complete"),
        ({"mode": "draft", "word_count_ok": True}, "Draft complete"),
        (
            {"mode": "draft", "word_count_ok": False, "word_count": 800, "target_word_count": 1000},
            "Draft complete, but 200 words short of the target: 800 of 1,000 words",
        ),
        (
            {
                "mode": "draft",
                "word_count_ok": False,
                "word_count": 2500,
                "target_word_count": 2000,
            },
            "Draft complete, but 500 words over the target: 2,500 of 2,000 words",
        ),
    ],
)
def test_the_done_message_says_plainly_when_the_length_misses(
    quality: dict[str, object], message: str
):
    assert done_message(quality) == message
