"""The engine: every step over one state, every event through the publisher it is handed.

It knows nothing of rows or tasks. The run's lifecycle (apps.conversations) builds the state,
calls `pipeline_run`, and records the ending — success, failure or a stop — in the database.
"""

from __future__ import annotations

from apps.pipeline.state import PipelineState, Usage
from apps.pipeline.steps import STEPS
from apps.streaming.publisher import RunPublisher


def usage_publish(*, events: RunPublisher, usage: Usage) -> None:
    events.usage(
        model=usage.model,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost_usd=round(usage.cost_usd, 6),
    )


def pipeline_run(*, state: PipelineState, events: RunPublisher) -> int:
    """Run every step, then close the content stream and report usage. Returns the body's word
    count (docs/quality.md). Raises RunCancelled when stopped, ProviderError when a model failed
    for good, and whatever else went wrong: the caller decides how the run ends."""
    for step in STEPS:
        state.cancel.check(force=True)
        step(state, events)
    words = int(state.quality["word_count"])
    events.complete_content(word_count=words)
    assert state.usage is not None
    usage_publish(events=events, usage=state.usage)
    return words


def done_message(quality: dict[str, object]) -> str:
    """What the `done` event says: plainly, when the length misses the target."""
    if quality.get("mode") == "plan":
        return "Plan complete"
    if quality.get("word_count_ok"):
        return "Draft complete"
    words, target = quality.get("word_count"), quality.get("target_word_count")
    assert isinstance(words, int)
    assert isinstance(target, int)
    direction = "short of" if words < target else "over"
    return (
        f"Draft complete, but {abs(target - words):,} words {direction} the target: "
        f"{words:,} of {target:,} words"
    )
