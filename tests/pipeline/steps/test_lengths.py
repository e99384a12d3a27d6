from __future__ import annotations

from apps.pipeline.providers.base import TextDelta
from apps.pipeline.state import Usage
from apps.pipeline.steps.lengths import body_target, without_heading


def texts(items):
    return "".join(i.text for i in items if isinstance(i, TextDelta))


def test_a_heading_the_model_added_is_dropped():
    items = [TextDelta("## 2. Bac"), TextDelta("kground\n\nThe "), TextDelta("body.")]
    assert texts(without_heading(iter(items))) == "The body."


def test_prose_passes_through_untouched_and_usage_is_kept():
    usage = Usage("m", 1, 2)
    items: list[TextDelta | Usage] = [
        TextDelta("\n The body "),
        TextDelta("# not a heading"),
        usage,
    ]
    out = list(without_heading(iter(items)))
    assert texts(out) == "The body # not a heading"
    assert out[-1] is usage


def test_a_section_that_is_only_a_heading_writes_nothing():
    assert texts(without_heading(iter([TextDelta("## Title")]))) == ""


def test_each_section_gets_its_share_of_what_is_left():
    budgets = [100, 300, 100]
    # Nothing written yet: 100 of the 500 words (headings are not body words).
    assert body_target(target=500, written=0, budgets=budgets, index=0) == 100
    # The first section ran 50 words long: the rest share 350 words by their budgets.
    assert body_target(target=500, written=150, budgets=budgets, index=1) == 262
