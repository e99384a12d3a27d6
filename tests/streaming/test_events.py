from __future__ import annotations

import pytest

from apps.streaming.events import InvalidEvent, is_terminal, validate_event

ENVELOPE = {"conversation_id": "c", "run_id": "r", "seq": 3, "timestamp": "2026-11-25T00:00:00Z"}


def test_a_well_formed_event_of_each_type_passes():
    events: list[dict] = [
        {"type": "queued", "message": "Waiting for a worker"},
        {"type": "routing", "system": "simple", "complexity": 2, "reason": "short"},
        {"type": "research", "query": "q", "sources_found": 0, "agent": "a", "status": "started"},
        {"type": "writing", "section": "Intro", "progress": 10, "word_count": 5, "agent": "w"},
        {"type": "content", "message": "x", "is_complete": False, "word_count": 1},
        {"type": "content", "message": "x", "is_complete": False, "word_count": 1, "replace": True},
        {"type": "usage", "model": "m", "tokens_in": 1, "tokens_out": 2, "cost_usd": 0.5},
        {
            "type": "done",
            "message": "Draft complete",
            "final_word_count": 9,
            "processing_time": 1.5,
            "system_used": "simple",
            "quality": {"word_count": 9},
        },
        {"type": "error", "error_message": "boom", "error_code": "internal_error"},
    ]
    for event in events:
        assert validate_event({**ENVELOPE, **event})["type"] == event["type"]


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ({"type": "nonsense"}, "unknown event type"),
        ({"type": "routing", "system": "simple", "complexity": 2}, "lacks \\['reason'\\]"),
        (
            {"type": "routing", "system": "simple", "complexity": 2, "reason": "r", "extra": 1},
            "unknown fields \\['extra'\\]",
        ),
        (
            {"type": "writing", "section": "s", "progress": "10", "word_count": 1, "agent": "w"},
            "progress is '10'",
        ),
        (
            {"type": "content", "message": "x", "is_complete": 1, "word_count": 1},
            "is_complete is 1",
        ),
        ({"type": "error", "error_message": None, "error_code": "x"}, "error_message is None"),
    ],
)
def test_a_malformed_event_is_refused_with_the_reason(event, problem):
    with pytest.raises(InvalidEvent, match=problem):
        validate_event({**ENVELOPE, **event})


def test_fields_alone_are_checked_without_the_envelope():
    fields = {"type": "error", "error_message": "m", "error_code": "c"}
    assert validate_event(fields, envelope=False)
    with pytest.raises(InvalidEvent, match="lacks"):
        validate_event(fields)


def test_done_and_error_end_a_stream():
    done = {"type": "done", "message": "m", "final_word_count": 1, "processing_time": 0.1}
    assert is_terminal(validate_event({**ENVELOPE, **done, "system_used": "simple"}))
    assert not is_terminal(
        validate_event(
            {
                **ENVELOPE,
                "type": "usage",
                "model": "m",
                "tokens_in": 1,
                "tokens_out": 1,
                "cost_usd": 0.0,
            }
        )
    )
