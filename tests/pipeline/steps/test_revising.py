from __future__ import annotations

from apps.pipeline.state import OutlineSection
from apps.pipeline.steps.revising import note, revise

SECTIONS = tuple(
    OutlineSection(title, budget, "purpose")
    for title, budget in [
        ("Introduction", 100),
        ("Context and key concepts", 150),
        ("Main argument", 300),
        ("Counter-arguments and evaluation", 150),
        ("Conclusion", 100),
    ]
)


def _titles(revision):
    return [s.title for s in revision.sections]


def test_shorter_and_a_named_section_are_applied_to_the_plan():
    revision = revise(
        follow_up="Make it shorter and add a paragraph on policy.",
        sections=SECTIONS,
        target=800,
        previous_target=800,
    )
    assert revision.target == 560
    assert _titles(revision)[-2:] == ["Policy", "Conclusion"]
    assert revision.not_done == ()
    text = note(revision)
    assert "30 % shorter: 560 words instead of 800" in text
    assert "added a section “Policy”" in text
    assert "needs an AI model" in text


def test_a_new_target_in_the_form_or_the_text_re_plans_the_budgets():
    by_form = revise(follow_up="Tighten it up", sections=SECTIONS, target=500, previous_target=800)
    assert by_form.target == 500
    assert "for 500 words (from 800)" in by_form.done[0]
    by_text = revise(
        follow_up="Make it 1,200 words", sections=SECTIONS, target=800, previous_target=800
    )
    assert by_text.target == 1200


def test_a_dropped_section_goes_and_what_cannot_be_done_is_said():
    revision = revise(
        follow_up="Drop the counter-arguments section, and use a more formal tone",
        sections=SECTIONS,
        target=800,
        previous_target=800,
    )
    assert "Counter-arguments and evaluation" not in _titles(revision)
    assert revision.not_done == ("“use a more formal tone”",)
    assert "Not done: “use a more formal tone”" in note(revision)


def test_a_request_a_plan_cannot_take_changes_nothing_and_says_so():
    revision = revise(
        follow_up="Make the argument more persuasive",
        sections=SECTIONS,
        target=800,
        previous_target=800,
    )
    assert revision.sections == SECTIONS
    assert revision.target == 800
    assert "Nothing in the request could be applied" in note(revision)
    assert "Not done: “Make the argument more persuasive”" in note(revision)


def test_dropping_a_section_that_does_not_exist_is_reported():
    revision = revise(
        follow_up="Remove the methodology section",
        sections=SECTIONS,
        target=800,
        previous_target=800,
    )
    assert revision.sections == SECTIONS
    assert "no single section matches “methodology section”" in note(revision)


def test_a_clause_the_length_change_answered_is_not_reported_as_undone():
    revision = revise(
        follow_up="Now expand it into a full report.",
        sections=SECTIONS,
        target=12000,
        previous_target=500,
    )
    assert revision.target == 12000
    assert revision.not_done == ()
