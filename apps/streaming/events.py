"""The event schema of SPEC section 5: one shape for the API stream, the UI stream and the log."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    ROUTING = "routing"
    RESEARCH = "research"
    WRITING = "writing"
    CONTENT = "content"
    USAGE = "usage"
    DONE = "done"
    ERROR = "error"


# The fields each type carries besides type, conversation_id, run_id, seq and timestamp.
EVENT_FIELDS: dict[EventType, frozenset[str]] = {
    EventType.ROUTING: frozenset({"system", "complexity", "reason"}),
    EventType.RESEARCH: frozenset({"query", "sources_found", "agent", "status"}),
    EventType.WRITING: frozenset({"section", "progress", "word_count", "agent"}),
    EventType.CONTENT: frozenset({"message", "is_complete", "word_count"}),
    EventType.USAGE: frozenset({"model", "tokens_in", "tokens_out", "cost_usd"}),
    EventType.DONE: frozenset({"message", "final_word_count", "processing_time", "system_used"}),
    EventType.ERROR: frozenset({"error_message", "error_code"}),
}

TERMINAL_TYPES = frozenset({EventType.DONE, EventType.ERROR})


def validate_fields(event_type: EventType, fields: dict[str, Any]) -> None:
    expected = EVENT_FIELDS[event_type]
    if set(fields) != expected:
        raise ValueError(
            f"{event_type} event needs exactly {sorted(expected)}, got {sorted(fields)}"
        )


def run_group(run_id: object) -> str:
    """The channel-layer group a run's live events are sent to."""
    return f"run.{run_id}"


def is_terminal(event: dict[str, Any]) -> bool:
    return event.get("type") in TERMINAL_TYPES
