"""The quality report: length, citations, sources, support and originality of a finished run."""

from __future__ import annotations

import uuid
from typing import Any

from apps.core.sources import Source
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.quality import originality, support
from apps.pipeline.rendering import cited_keys, citer_for, render_final
from apps.pipeline.resolving import AUTHOR_DATE, REMOVAL_LABELS, Piece
from apps.pipeline.state import Outline, OutlineSection, PipelineState
from apps.pipeline.steps.evaluator import TOLERANCE, WORD_DEFINITION, body_text, report
from tests.factories import SourceFactory, WritingRequestFactory

UPLOAD_KEY = str(uuid.UUID(int=7))
PASSAGE = "Urban heat islands warm dense cities at night by several degrees."


def _csl(title: str, family: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "article-journal",
        "title": title,
        "author": [{"family": family, "given": "N."}],
        "issued": {"date-parts": [[2020]]},
        **extra,
    }


def _sources() -> list[Source]:
    return [
        SourceFactory(
            key=UPLOAD_KEY,
            title="Heat",
            excerpt=PASSAGE,
            origin="upload",
            file_id="file-1",
            csl=_csl("Heat", "Okafor", publisher="Verso"),
        ),
        SourceFactory(
            key="W42",
            title="Found work",
            excerpt="Tariffs on steel reduced imports.",
            origin="openalex",
            verification="verified",
            csl=_csl(
                "Found work",
                "Chen",
                **{"container-title": "Climate", "DOI": "10.1/x", "URL": "https://doi.org/10.1/x"},
            ),
        ),
    ]


def _finished(
    pieces: list[Piece], *, target: int = 20, model: str = "gpt-4o-mini", sources: bool = True
) -> PipelineState:
    """A run as the citations step leaves it: pieces, the document they render to, and the
    reference list of the works cited."""
    request = WritingRequestFactory(target_word_count=target, model=model, citation_style="apa7")
    state = PipelineState(uuid.uuid4(), uuid.uuid4(), request, original_prompt="p")
    if sources:
        state.sources = _sources()
        state.handles = Handles.of(state.sources)
    state.outline = Outline(
        "Heat", (OutlineSection("Intro", target - 8, "open"), OutlineSection("End", 8, "close"))
    )
    state.pieces = pieces
    rendered = iter(render_final(style="apa7", handles=state.handles, pieces=pieces))
    state.document = "".join(next(rendered) if p.is_citation else p.text for p in pieces)
    keys = cited_keys(pieces)
    if keys:
        listed = citer_for(style="apa7", handles=state.handles, keys=keys).references(keys)
        state.reference_keys = [key for key, _ in listed]
        state.references = [entry for _, entry in listed]
        state.document += "\n\n## References\n\n" + "".join(f"{e}\n\n" for e in state.references)
    return state


TITLE = Piece("# Heat\n\n", body=False)
# Twenty body words, one citation of the uploaded work.
CITED = [
    TITLE,
    Piece("Urban heat islands warm dense cities at night by several degrees "),
    Piece(uses=(Use(UPLOAD_KEY),)),
    Piece(". Planners answer with trees, shade and white roofs today."),
]


def test_a_draft_on_target_with_every_citation_listed_passes_length_and_citations():
    result = report(_finished(CITED))
    assert result["mode"] == "draft"
    assert (result["word_count"], result["target_word_count"], result["deviation"]) == (20, 20, 0)
    assert (result["word_count_ok"], result["budgets_sum_to_target"]) == (True, True)
    assert result["sections"] == [{"title": "Intro", "budget": 12}, {"title": "End", "budget": 8}]
    assert (result["citations_resolved"], result["citations_ok"]) == (1, True)
    assert (result["uncited_sources"], result["citations_without_source"]) == ([], [])
    assert (result["word_definition"], result["tolerance"]) == (WORD_DEFINITION, TOLERANCE)


def test_the_report_counts_sources_retrieved_cited_and_listed():
    result = report(_finished(CITED))
    assert (result["sources_retrieved"], result["passages_retrieved"]) == (2, 2)
    assert (result["sources_used"], result["references"]) == (1, 1)
    upload, found = result["sources"]
    assert (upload["handle"], upload["cited"], upload["origin"]) == ("S1", True, "upload")
    assert (found["handle"], found["cited"], found["origin"]) == ("S2", False, "openalex")


def test_an_uploaded_work_links_its_library_entry_and_a_found_one_its_metadata():
    upload, found = report(_finished(CITED))["sources"]
    assert (upload["entry_id"], upload["csl"], upload["venue"]) == (UPLOAD_KEY, None, "Verso")
    assert found["entry_id"] is None
    assert found["csl"]["DOI"] == "10.1/x"
    assert (found["venue"], found["doi"], found["url"]) == (
        "Climate",
        "10.1/x",
        "https://doi.org/10.1/x",
    )
    assert found["verification"] == "verified"


def test_a_citation_the_model_typed_itself_is_a_citation_without_source():
    typed = [*CITED[:-1], Piece(". Planners answer with trees (Smith, 2019) and white roofs.")]
    result = report(_finished(typed))
    assert result["citations_without_source"] == ["(Smith, 2019)"]
    assert result["citations_ok"] is False


def test_a_listed_work_the_text_never_cites_is_an_uncited_source():
    state = _finished(CITED)
    state.reference_keys = [UPLOAD_KEY, "W42"]
    result = report(state)
    assert result["uncited_sources"] == ["Found work"]
    assert result["citations_ok"] is False


def test_a_body_more_than_ten_percent_off_target_fails_the_length_check():
    within = report(_finished(CITED, target=22))
    beyond = report(_finished(CITED, target=23))
    assert (within["deviation"], within["word_count_ok"]) == (round(-2 / 22, 4), True)
    assert (beyond["deviation"], beyond["word_count_ok"]) == (round(-3 / 23, 4), False)
    assert beyond["budgets_sum_to_target"] is True


def test_an_offline_run_without_sources_is_a_plan_judged_by_its_budgets():
    pieces = [TITLE, Piece("A plan of a few words.")]
    result = report(_finished(pieces, target=1000, model="offline", sources=False))
    assert result["mode"] == "plan"
    assert result["word_count_ok"] is True
    assert result["sources"] == []
    state = _finished(pieces, target=1000, model="offline", sources=False)
    state.outline = Outline("Heat", (OutlineSection("Intro", 900, "open"),))
    assert report(state)["budgets_sum_to_target"] is False


def test_removals_are_counted_by_kind_with_their_labels():
    state = _finished(CITED)
    state.removals = [
        {"kind": AUTHOR_DATE, "text": "(Lee, 2001)", "section": "Intro"},
        {"kind": AUTHOR_DATE, "text": "(Roe, 2002)", "section": "End"},
    ]
    result = report(state)
    assert result["citations_removed"] == state.removals
    assert result["citations_removed_by_kind"] == {AUTHOR_DATE: 2}
    assert result["removal_labels"] == {AUTHOR_DATE: REMOVAL_LABELS[AUTHOR_DATE]}


def test_support_and_originality_are_measured_on_the_body():
    result = report(_finished(CITED))
    assert result["support"]["method"] == support.METHOD
    assert (result["support"]["checked"], result["support"]["supported"]) == (1, 1)
    assert result["support"]["share"] == 1.0
    assert result["support"]["sentences"][0]["handles"] == ["S1"]
    # The first sentence repeats the passage word for word: eleven of twenty words are copied.
    assert result["originality"]["method"] == originality.METHOD
    assert result["originality"]["copied_words"] == 11
    assert result["originality"]["share_copied"] == 0.55


def test_without_citations_support_has_no_share():
    result = report(_finished([TITLE, Piece("Words of our own and nothing cited.")]))
    assert (result["support"]["checked"], result["support"]["share"]) == (0, None)


def test_the_body_text_stops_at_the_reference_list():
    state = _finished(CITED)
    assert state.document.rstrip().endswith(state.references[-1].strip())
    assert body_text(state) == state.document[: state.document.rindex("## References\n")]
    assert "## References" not in body_text(state)
    state.references = []
    assert body_text(state) == state.document
