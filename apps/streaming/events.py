"""The event schema of SPEC section 5: one shape for the API stream, the UI stream and the log.

Each type is a TypedDict: `<Type>Fields` is what a publisher supplies (and what the log stores),
`<Type>Event` adds the envelope every event carries (`type`, ids, `seq`, `timestamp`). The union
`Event` is what travels from the publisher through the channel layer, the stored log and the
stream generator to the renderers, so mypy checks the contract end to end; `validate_event`
checks it at run time where data comes from outside Python (the log, the channel layer, tests).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal, NotRequired, TypedDict, Union, cast, get_args, get_origin
from typing import get_type_hints as _hints


class EventType(StrEnum):
    QUEUED = "queued"
    ROUTING = "routing"
    RESEARCH = "research"
    WRITING = "writing"
    CONTENT = "content"
    USAGE = "usage"
    DONE = "done"
    ERROR = "error"


class Envelope(TypedDict):
    conversation_id: str
    run_id: str
    seq: int
    timestamp: str


class QueuedFields(TypedDict):
    # Written with the run, in the submitting request's transaction: the stream has its first
    # event before any worker has picked the run up.
    message: str


class RoutingFields(TypedDict):
    system: str  # "simple" or "advanced"
    complexity: float  # 0..10
    reason: str


class ResearchFields(TypedDict):
    query: str
    sources_found: int
    agent: str
    status: str  # started, progress, completed, failed


class WritingFields(TypedDict):
    section: str
    progress: int  # 0..100
    word_count: int
    agent: str


class ContentFields(TypedDict):
    message: str  # a text delta; with `replace`, the whole document so far
    is_complete: bool
    word_count: int
    # The text already sent must change (a citation renumbered, say): `message` replaces it.
    replace: NotRequired[bool]


class UsageFields(TypedDict):
    model: str
    tokens_in: int
    tokens_out: int
    cost_usd: float


class DoneFields(TypedDict):
    message: str
    final_word_count: int
    processing_time: float
    system_used: str
    # The evaluator's report (docs/quality.md), for API clients that read only the stream.
    quality: NotRequired[dict[str, Any]]


class ErrorFields(TypedDict):
    error_message: str
    error_code: str


class QueuedEvent(Envelope, QueuedFields):
    type: Literal["queued"]


class RoutingEvent(Envelope, RoutingFields):
    type: Literal["routing"]


class ResearchEvent(Envelope, ResearchFields):
    type: Literal["research"]


class WritingEvent(Envelope, WritingFields):
    type: Literal["writing"]


class ContentEvent(Envelope, ContentFields):
    type: Literal["content"]


class UsageEvent(Envelope, UsageFields):
    type: Literal["usage"]


class DoneEvent(Envelope, DoneFields):
    type: Literal["done"]


class ErrorEvent(Envelope, ErrorFields):
    type: Literal["error"]


Event = Union[  # noqa: UP007 -- a runtime alias of TypedDicts: `|` would do too, but this reads as a list
    QueuedEvent,
    RoutingEvent,
    ResearchEvent,
    WritingEvent,
    ContentEvent,
    UsageEvent,
    DoneEvent,
    ErrorEvent,
]
Fields = (
    QueuedFields
    | RoutingFields
    | ResearchFields
    | WritingFields
    | ContentFields
    | UsageFields
    | DoneFields
    | ErrorFields
)

EVENT_TYPES: dict[EventType, type[Any]] = {
    EventType.QUEUED: QueuedEvent,
    EventType.ROUTING: RoutingEvent,
    EventType.RESEARCH: ResearchEvent,
    EventType.WRITING: WritingEvent,
    EventType.CONTENT: ContentEvent,
    EventType.USAGE: UsageEvent,
    EventType.DONE: DoneEvent,
    EventType.ERROR: ErrorEvent,
}

TERMINAL_TYPES = frozenset({EventType.DONE, EventType.ERROR})


class InvalidEvent(ValueError):
    pass


def _matches(value: Any, annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is NotRequired:
        return _matches(value, get_args(annotation)[0])
    if origin is Literal:
        return value in get_args(annotation)
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg) for arg in get_args(annotation))
    if origin is dict or annotation is dict:
        return isinstance(value, dict)
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if annotation is Any:
        return True
    return isinstance(value, annotation)


def validate_event(event: Mapping[str, Any], *, envelope: bool = True) -> Event:
    """`event` as the Event it must be: every required key, no unknown key, each value of its
    declared type. Raises InvalidEvent. With `envelope=False`, checks only a type's fields (what
    a publisher supplies) plus `type`."""
    try:
        kind = EventType(str(event.get("type")))
    except ValueError:
        raise InvalidEvent(f"unknown event type {event.get('type')!r}") from None
    schema = EVENT_TYPES[kind]
    hints = _hints(schema, include_extras=True)
    # Worked out from the hints: with postponed annotations, Python 3.11's TypedDict cannot see
    # NotRequired and lists every key in __required_keys__.
    required = {key for key, hint in hints.items() if get_origin(hint) is not NotRequired}
    allowed = set(hints)
    if not envelope:
        required -= set(Envelope.__annotations__)
        allowed -= set(Envelope.__annotations__)
    keys = set(event)
    if missing := required - keys:
        raise InvalidEvent(f"{kind} event lacks {sorted(missing)}")
    if unknown := keys - allowed:
        raise InvalidEvent(f"{kind} event has unknown fields {sorted(unknown)}")
    for key in keys:
        if not _matches(event[key], hints[key]):
            raise InvalidEvent(f"{kind} event's {key} is {event[key]!r}, not {hints[key]}")
    return cast("Event", event)


def run_group(run_id: object) -> str:
    """The channel-layer group a run's live events are sent to."""
    return f"run.{run_id}"


def is_terminal(event: Event) -> bool:
    return event["type"] in TERMINAL_TYPES
