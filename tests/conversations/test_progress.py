from __future__ import annotations

from apps.conversations.progress import RunProgress
from apps.streaming.events import Event, validate_event


def _event(seq: int, kind: str, **fields) -> Event:
    return validate_event(
        {
            "type": kind,
            "seq": seq,
            "run_id": "r",
            "conversation_id": "c",
            "timestamp": "t",
            **fields,
        }
    )


def test_progress_folds_the_log_into_timeline_sections_and_draft():
    progress = RunProgress.from_events(
        [
            _event(1, "routing", system="advanced", complexity=6.25, reason="long review"),
            _event(
                2,
                "research",
                query="microplastics",
                sources_found=0,
                agent="user_material",
                status="started",
            ),
            _event(
                3,
                "research",
                query="microplastics",
                sources_found=1,
                agent="user_material",
                status="completed",
            ),
            _event(4, "writing", section="Introduction", progress=0, word_count=0, agent="outline"),
            _event(5, "content", message="# Title\n", is_complete=False, word_count=1),
            _event(
                6, "writing", section="Introduction", progress=60, word_count=30, agent="writer"
            ),
            _event(7, "content", message="More.", is_complete=True, word_count=2),
        ]
    )
    assert [item.text for item in progress.timeline] == [
        "Router chose the advanced pipeline (complexity 6.2/10): long review",
        "Your material: searching for microplastics",
        "Your material: 1 passage found for microplastics",
    ]
    assert [(s.title, s.progress, s.word_count) for s in progress.section_list] == [
        ("Introduction", 60, 30)
    ]
    assert progress.draft == "# Title\nMore."
    assert (progress.word_count, progress.last_seq) == (2, 7)


def test_queued_event_moves_the_position_but_shows_nothing():
    progress = RunProgress()
    assert progress.apply(_event(1, "queued", message="Queued: waiting for a worker")) is None
    assert progress.last_seq == 1
    assert (progress.timeline, progress.draft, progress.sections) == ([], "", {})
