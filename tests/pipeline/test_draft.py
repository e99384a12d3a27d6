from __future__ import annotations

import random
import uuid

from apps.core.text import word_count
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.draft import Draft
from tests.factories import WritingRequestFactory


class Counts:
    def __init__(self) -> None:
        self.seen: list[int] = []

    def content(self, delta: str, *, word_count: int) -> None:
        self.seen.append(word_count)


def test_draft_counts_words_incrementally_as_the_whole_would_be_counted():
    request = WritingRequestFactory(prompt="p")
    state = PipelineState(uuid.uuid4(), uuid.uuid4(), request, original_prompt="p")
    counts = Counts()
    draft = Draft(state, counts)  # type: ignore[arg-type]
    text = "## 1. Intro\n\nIt's a well-known fact — cities are hotter.  Trees\tcool them;\n" * 30
    rng = random.Random(7)
    position, expected = 0, []
    while position < len(text):
        step = rng.randint(1, 9)
        draft.append(text[position : position + step])
        position += step
        expected.append(word_count(text[:position]))
    assert state.document == text
    assert counts.seen == expected
