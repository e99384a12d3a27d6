"""Running the pipeline in this process for the citation tests, and reading its stream."""

from __future__ import annotations

from typing import Any

from apps.conversations.models import Run
from apps.conversations.services import execution, starting
from apps.streaming.models import RunEvent
from tests.factories import WritingRequestFactory
from tests.fakes.llm_server import Provider, fake_model

PROMPT = "Write an essay on urban heat islands: their causes, health effects and mitigation."


def write(
    user,
    *,
    behaviour: str | None,
    provider: Provider,
    style: str,
    words: int = 600,
    files=(),
) -> Run:
    """A finished run of the fake model's `behaviour` (None: the offline writer)."""
    request = WritingRequestFactory(
        prompt=PROMPT,
        citation_style=style,
        target_word_count=words,
        model="offline" if behaviour is None else fake_model(behaviour, provider),
        file_ids=tuple(f.id for f in files),
    )
    run = starting.run_submit(user=user, request=request, conversation=None)
    finished = execution.run_execute(run_id=run.id)
    assert finished is not None
    assert finished.status == Run.Status.SUCCEEDED, finished.error_message
    return finished


def streamed_text(run: Run) -> tuple[str, list[str]]:
    """The document as a reader of the stream has it (a `replace` restarts it), and every
    text the reader was shown along the way."""
    text, shown = "", []
    for event in RunEvent.objects.filter(run=run, type="content").order_by("seq"):
        payload: dict[str, Any] = event.payload
        text = payload["message"] if payload.get("replace") else text + payload["message"]
        shown.append(text)
    return text, shown
