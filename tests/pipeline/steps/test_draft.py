from __future__ import annotations

import random
import uuid

from apps.core.sources import Source
from apps.core.text import word_count
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import Piece
from apps.pipeline.state import PipelineState
from apps.pipeline.steps.draft import Draft, body_words
from tests.factories import WritingRequestFactory


class Recorder:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.deltas: list[str] = []
        self.replaced: list[str] = []

    def content(self, delta: str, *, word_count: int) -> None:
        self.seen.append(word_count)
        self.deltas.append(delta)

    def replace_content(self, document: str, *, word_count: int) -> None:
        self.replaced.append(document)


def _state(**request) -> PipelineState:
    return PipelineState(
        uuid.uuid4(), uuid.uuid4(), WritingRequestFactory(**request), original_prompt="p"
    )


def _expected(text: str) -> int:
    """The body's words by their definition: no heading lines."""
    return sum(word_count(line) for line in text.split("\n") if not line.lstrip().startswith("#"))


def test_body_words_are_counted_incrementally_as_the_whole_would_be_counted():
    state = _state()
    recorder = Recorder()
    draft = Draft(state, recorder)  # type: ignore[arg-type]
    text = "## 1. Intro\n\nIt's a well-known fact — cities are hotter.  Trees\tcool them;\n" * 30
    rng = random.Random(7)
    position, expected = 0, []
    while position < len(text):
        step = rng.randint(1, 9)
        draft.append(text[position : position + step], body=True)
        position += step
        expected.append(_expected(text[:position]))
    assert state.document == text
    assert recorder.seen == expected
    assert body_words(state.pieces) == _expected(text) == 30 * 10


def test_titles_notes_and_citations_are_not_body_words():
    source = Source(
        key="k1",
        title="Heat",
        authors=("Okafor, N.",),
        year=2021,
        excerpt="x",
        locator="4",
        locator_label="page",
        csl={
            "type": "book",
            "title": "Heat",
            "author": [{"family": "Okafor", "given": "N."}],
            "issued": {"date-parts": [[2021]]},
        },
    )
    state = _state(citation_style="apa7")
    state.handles = Handles.of([source])
    recorder = Recorder()
    draft = Draft(state, recorder)  # type: ignore[arg-type]
    draft.append("# A title of five words\n\n*A note of six words here.*\n\n")
    draft.add([Piece("Cities are hot "), Piece(uses=(Use("k1", "page", "4"),)), Piece(".")])
    assert state.document.endswith("Cities are hot (Okafor, 2021, p. 4).")
    assert recorder.seen[-1] == 3
    assert body_words(state.pieces) == 3


def test_a_replaced_document_is_sent_whole_once_and_only_when_it_changed():
    state = _state()
    recorder = Recorder()
    draft = Draft(state, recorder)  # type: ignore[arg-type]
    draft.append("Some text.", body=True)
    draft.replace("Some text.")
    assert recorder.replaced == []
    draft.replace("Other text.")
    assert recorder.replaced == ["Other text."]
    assert state.document == "Other text."
