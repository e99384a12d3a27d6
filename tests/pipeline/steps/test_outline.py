from __future__ import annotations

import uuid

import pytest

from apps.core.writing import WriteupType
from apps.pipeline.state import PipelineState, Route
from apps.pipeline.steps import outline
from tests.factories import WritingRequestFactory


def _state(
    kind: str,
    words: int,
    *,
    advanced: bool = False,
    prompt: str = "Climate adaptation in coastal cities",
) -> PipelineState:
    request = WritingRequestFactory(
        prompt=prompt,
        writeup_type=kind,
        citation_style="apa7",
        academic_level="masters",
        target_word_count=words,
        model="offline",
    )
    state = PipelineState(
        run_id=uuid.uuid4(), conversation_id=uuid.uuid4(), request=request, original_prompt=prompt
    )
    state.route = Route("advanced" if advanced else "simple", 6.0 if advanced else 2.0, "test")
    return state


@pytest.mark.parametrize("kind", [k.value for k in WriteupType])
@pytest.mark.parametrize("words", [100, 101, 999, 1000, 7777, 20_000])
@pytest.mark.parametrize("advanced", [False, True])
def test_budgets_sum_exactly_to_the_target(kind, words, advanced):
    built = outline.build(_state(kind, words, advanced=advanced))
    assert built.total_budget == words
    assert all(section.budget > 0 for section in built.sections)


def test_each_kind_has_its_own_structure():
    titles = {
        kind: [s.title for s in outline.build(_state(kind.value, 2000)).sections]
        for kind in WriteupType
    }
    assert titles[WriteupType.ESSAY][0] == "Introduction"
    assert "Methodology" in titles[WriteupType.RESEARCH_PROPOSAL]
    assert "Search strategy" in titles[WriteupType.LITERATURE_REVIEW]
    assert "Recommendations" in titles[WriteupType.REPORT]
    assert len({tuple(t) for t in titles.values()}) == len(WriteupType)


def test_advanced_adds_sections():
    simple = outline.build(_state("essay", 3000))
    advanced = outline.build(_state("essay", 3000, advanced=True))
    assert len(advanced.sections) > len(simple.sections)


def test_sections_name_the_topic_and_its_key_terms():
    built = outline.build(
        _state(
            "literature_review",
            3000,
            prompt="Write a literature review on microplastics in freshwater ecosystems",
        )
    )
    assert built.title == "Microplastics in freshwater ecosystems"
    titles = [s.title for s in built.sections]
    assert "Theme 1: Microplastics" in titles
    assert "Theme 2: Freshwater ecosystems" in titles
    assert any("microplastics" in point for s in built.sections for point in s.points)


def test_budgets_split_by_weight_with_largest_remainder():
    assert outline.budgets([1, 1, 1], 100) == [34, 33, 33]
    assert outline.budgets([1, 2], 10) == [3, 7]


def test_a_follow_up_naming_a_section_becomes_its_first_point():
    state = _state("research_proposal", 3000)
    state.previous_draft = "# Earlier draft"
    state.request = WritingRequestFactory(
        prompt="Make the methodology more concrete: name the sampling strategy.",
        writeup_type="research_proposal",
        citation_style="apa7",
        academic_level="masters",
        target_word_count=3000,
        model="offline",
    )
    sections = {s.title: s for s in outline.build(state).sections}
    assert sections["Methodology"].points[0] == (
        "Revise as asked: “Make the methodology more concrete: name the sampling strategy”."
    )
    assert not any(p.startswith("Revise as asked") for p in sections["Ethics"].points)
