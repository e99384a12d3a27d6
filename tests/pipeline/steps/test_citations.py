"""The citations step: citations settled against the works cited, then the reference list."""

from __future__ import annotations

from typing import Any

from apps.conversations.models import Run
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import HEADER, Piece
from apps.pipeline.state import Outline, OutlineSection, PipelineState
from apps.pipeline.steps import citations
from apps.pipeline.steps.draft import Draft
from apps.pipeline.steps.writer import header
from apps.streaming.models import RunEvent
from apps.streaming.publisher import RunPublisher
from tests.factories import RunFactory, SourceFactory, WritingRequestFactory


def _csl(family: str, year: int, title: str) -> dict[str, Any]:
    return {
        "type": "book",
        "title": title,
        "author": [{"family": family, "given": "N."}],
        "issued": {"date-parts": [[year]]},
        "publisher": "Verso",
    }


SOURCES = [
    SourceFactory(
        key="heat", title="Heat", excerpt="Cities are warm.", csl=_csl("Okafor", 2020, "Heat")
    ),
    SourceFactory(key="cities", title="Cities", csl=_csl("Okafor", 2020, "Cities")),
    SourceFactory(key="trade", title="Trade", csl=_csl("Chen", 2019, "Trade")),
]


def _writing(style: str = "apa7", model: str = "gpt-4o-mini") -> tuple[PipelineState, RunPublisher]:
    run = RunFactory(status=Run.Status.RUNNING)
    request = WritingRequestFactory(citation_style=style, model=model, target_word_count=100)
    state = PipelineState(run.id, run.conversation_id, request, original_prompt="Heat")
    state.sources = list(SOURCES)
    state.handles = Handles.of(state.sources)
    state.outline = Outline("Heat", (OutlineSection("Body", 100, "Argue."),))
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id, coalesce_seconds=0)
    return state, publisher


def _contents(state: PipelineState) -> list[dict[str, Any]]:
    return [
        e.payload
        for e in RunEvent.objects.filter(run_id=state.run_id, type="content").order_by("seq")
    ]


def test_citations_are_settled_and_the_reference_list_is_appended(db):
    state, publisher = _writing()
    draft = Draft(state, publisher)
    draft.append("# Heat\n\n")
    draft.add([Piece("Cities are warm "), Piece(uses=(Use("heat", "page", "4"),)), Piece(".")])
    # Live, with both 2020 works by Okafor in view, the citation needs a year suffix.
    assert state.document == "# Heat\n\nCities are warm (Okafor, 2020b, p. 4)."
    citations.run(state, publisher)
    publisher.close()
    assert state.reference_keys == ["heat"]
    assert state.references == ["Okafor, N. (2020). *Heat*. Verso."]
    assert state.document == (
        "# Heat\n\nCities are warm (Okafor, 2020, p. 4).\n\n"
        "## References\n\nOkafor, N. (2020). *Heat*. Verso.\n\n"
    )


def test_readers_get_the_changed_document_whole_then_the_references_as_deltas(db):
    state, publisher = _writing()
    draft = Draft(state, publisher)
    draft.add([Piece("Cities are warm "), Piece(uses=(Use("heat"),)), Piece(".")])
    citations.run(state, publisher)
    publisher.close()
    contents = _contents(state)
    replaced = [c for c in contents if c.get("replace")]
    assert [c["message"] for c in replaced] == ["Cities are warm (Okafor, 2020)."]
    after = contents[contents.index(replaced[0]) + 1 :]
    assert replaced[0]["message"] + "".join(c["message"] for c in after) == state.document


def test_a_numbered_style_numbers_by_first_citation_and_lists_in_that_order(db):
    state, publisher = _writing(style="ieee")
    draft = Draft(state, publisher)
    draft.add(
        [
            Piece("Trade "),
            Piece(uses=(Use("trade"),)),
            Piece(" and heat "),
            Piece(uses=(Use("heat"),)),
            Piece(" and trade again "),
            Piece(uses=(Use("trade"),)),
            Piece("."),
        ]
    )
    citations.run(state, publisher)
    publisher.close()
    assert state.reference_keys == ["trade", "heat"]
    assert state.document.startswith("Trade [1] and heat [2] and trade again [1].\n\n## References")
    assert [entry[:3] for entry in state.references] == ["[1]", "[2]"]


def test_a_document_without_citations_gets_no_reference_list_and_no_rewrite(db):
    state, publisher = _writing()
    Draft(state, publisher).add([Piece("Cities are warm.")])
    citations.run(state, publisher)
    publisher.close()
    assert (state.references, state.reference_keys) == ([], [])
    assert state.document == "Cities are warm."
    assert not any(c.get("replace") for c in _contents(state))


def test_the_offline_note_is_rewritten_with_the_bodys_real_length(db):
    state, publisher = _writing(model="offline")
    draft = Draft(state, publisher)
    draft.append(header(state, "offline", words=0), role=HEADER)
    draft.add(
        [Piece("Cities are warm at night "), Piece(uses=(Use("heat"),)), Piece(".")],
    )
    assert "*Essay: 0 words (target 100)" in state.document
    citations.run(state, publisher)
    publisher.close()
    assert "*Essay: 5 words (target 100) in 1 sections." in state.document
    assert state.document.count("# Heat") == 1
