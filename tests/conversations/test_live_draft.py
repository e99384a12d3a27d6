from __future__ import annotations

from apps.conversations.live_draft import LiveDraft, render_draft
from apps.conversations.progress import RunProgress
from apps.conversations.templatetags.documents import render_markdown
from tests.conversations.test_progress import _event


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _fold(progress: RunProgress, event):
    progress.apply(event)
    return event


def test_the_draft_renders_as_formatted_sanitised_html():
    html = render_draft("# Heat\n\nCities are **hot**.<script>alert(1)</script>")
    assert "<h1>Heat</h1>" in html
    assert "<strong>hot</strong>" in html
    assert "<script" not in html
    assert (
        html.strip()
        == str(render_markdown("# Heat\n\nCities are **hot**.<script>alert(1)</script>")).strip()
    )


def test_renders_are_throttled_to_the_interval_and_nothing_is_lost():
    clock, progress = Clock(), RunProgress()
    live = LiveDraft(interval=0.25, clock=clock)
    first = live.fragment(
        _fold(progress, _event(1, "content", message="# A", is_complete=False, word_count=1)),
        progress,
    )
    assert first is not None
    assert "<h1>A</h1>" in first
    clock.now += 0.1
    held = live.fragment(
        _fold(progress, _event(2, "content", message="\n\nB", is_complete=False, word_count=2)),
        progress,
    )
    assert held is None  # too soon: held back
    clock.now += 0.2
    # Any later event (or a heartbeat) past the interval shows what was held back.
    shown = live.fragment(None, progress)
    assert shown is not None
    assert "<p>B</p>" in shown
    assert live.fragment(None, progress) is None  # nothing new: nothing sent


def test_a_complete_or_replaced_draft_renders_at_once():
    clock, progress = Clock(), RunProgress()
    live = LiveDraft(interval=10, clock=clock)
    live.fragment(
        _fold(
            progress, _event(1, "content", message="Draft (S1)", is_complete=False, word_count=2)
        ),
        progress,
    )
    replaced = live.fragment(
        _fold(
            progress,
            _event(
                2,
                "content",
                message="Draft (Smith, 2020)",
                is_complete=False,
                word_count=3,
                replace=True,
            ),
        ),
        progress,
    )
    assert replaced is not None
    assert "Smith, 2020" in replaced
    assert "S1" not in replaced
    live.fragment(
        _fold(progress, _event(3, "content", message=" end", is_complete=False, word_count=4)),
        progress,
    )
    final = live.fragment(
        _fold(progress, _event(4, "content", message="", is_complete=True, word_count=4)), progress
    )
    assert final is not None
    assert "Draft (Smith, 2020) end" in final


def test_screen_readers_hear_progress_not_tokens():
    live = LiveDraft(interval=0)
    said = [
        live.announcement(e)
        for e in [
            _event(1, "routing", system="simple", complexity=2.0, reason="short"),
            _event(2, "content", message="Lots of words", is_complete=False, word_count=3),
            _event(3, "writing", section="Introduction", progress=10, word_count=5, agent="w"),
            _event(4, "writing", section="Introduction", progress=50, word_count=50, agent="w"),
            _event(5, "writing", section="Methods", progress=5, word_count=3, agent="w"),
        ]
    ]
    assert said == [
        "Planning a simple piece",
        None,
        "Writing: Introduction",
        None,
        "Writing: Methods",
    ]
