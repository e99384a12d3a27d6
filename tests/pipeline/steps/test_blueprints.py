"""The blueprint of each kind of writing: complete, well-formed, and splittable to any target."""

from __future__ import annotations

import itertools
import string

import pytest

from apps.core.writing import WriteupType
from apps.pipeline.steps.blueprints import BLUEPRINTS, Blueprint
from apps.pipeline.steps.outline import budgets

# The names outline.build fills in: the topic and three key terms (lower and capitalised).
FILLED = {"topic", "k0", "k1", "k2", "K0", "K1", "K2"}


def _texts(blueprint: Blueprint) -> list[str]:
    return [blueprint.title, blueprint.purpose, *blueprint.points, blueprint.evidence]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_kind_of_writing_has_a_blueprint():
    assert set(BLUEPRINTS) == set(WriteupType)


@pytest.mark.parametrize("kind", list(WriteupType))
def test_each_section_asks_only_for_names_the_outline_fills(kind: WriteupType):
    for blueprint in BLUEPRINTS[kind]:
        for text in _texts(blueprint):
            assert _placeholders(text) <= FILLED, (kind, blueprint.title, text)


@pytest.mark.parametrize("kind", list(WriteupType))
def test_each_section_has_a_purpose_points_evidence_and_a_positive_weight(kind: WriteupType):
    titles = [b.title for b in BLUEPRINTS[kind]]
    assert len(titles) == len(set(titles)), f"{kind}: a section title repeats"
    for blueprint in BLUEPRINTS[kind]:
        assert blueprint.weight > 0
        assert blueprint.purpose.strip()
        assert blueprint.points
        assert all(point.strip() for point in blueprint.points)
        assert blueprint.evidence.strip()


@pytest.mark.parametrize("kind", list(WriteupType))
def test_the_simple_pipeline_keeps_at_least_two_sections(kind: WriteupType):
    simple = [b for b in BLUEPRINTS[kind] if not b.advanced_only]
    assert len(simple) >= 2


@pytest.mark.parametrize("kind", list(WriteupType))
@pytest.mark.parametrize("advanced", [False, True])
@pytest.mark.parametrize("target", [100, 997, 1000, 2500, 10000])
def test_budgets_from_every_blueprint_sum_to_the_target(
    kind: WriteupType, advanced: bool, target: int
):
    weights = [b.weight for b in BLUEPRINTS[kind] if advanced or not b.advanced_only]
    split = budgets(weights, target)
    assert sum(split) == target
    assert len(split) == len(weights)
    assert min(split) > 0
    # A heavier section never gets fewer words than a lighter one.
    by_weight = sorted(zip(weights, split, strict=True))
    assert all(a[1] <= b[1] for a, b in itertools.pairwise(by_weight) if a[0] < b[0])


def test_the_essay_argues_most_in_its_main_argument():
    essay = {b.title: b for b in BLUEPRINTS[WriteupType.ESSAY]}
    assert max(essay.values(), key=lambda b: b.weight).title == "Main argument"
    assert essay["Implications"].advanced_only is True
    titles = [b.title for b in BLUEPRINTS[WriteupType.ESSAY]]
    assert (titles[0], titles[-1]) == ("Introduction", "Conclusion")
