"""SSE text: messages, comments, control items and the API's JSON renderer."""

from __future__ import annotations

import json
from typing import cast

import pytest

from apps.streaming.events import Event
from apps.streaming.renderers import (
    RETRY_MS,
    JsonRenderer,
    render_control,
    sse_comment,
    sse_message,
)
from apps.streaming.sse import Heartbeat, Opened


def _event(seq: int, run_id: str = "run-1", **fields: object) -> Event:
    event: dict[str, object] = {
        "conversation_id": "conv-1",
        "run_id": run_id,
        "seq": seq,
        "timestamp": "2026-01-01T00:00:00Z",
        "type": "routing",
        "system": "simple",
        "complexity": 1.5,
        "reason": "short",
        **fields,
    }
    return cast("Event", event)


def test_a_message_names_its_id_and_event_before_its_data():
    assert sse_message(data="hello", event="status", event_id=7) == (
        "id: 7\nevent: status\ndata: hello\n\n"
    )
    assert sse_message(data="hello") == "data: hello\n\n"


def test_each_line_of_data_is_its_own_data_field_whatever_the_line_ending():
    assert sse_message(data="a\r\nb\rc\nd") == "data: a\ndata: b\ndata: c\ndata: d\n\n"
    assert sse_message(data="") == "data: \n\n"


def test_an_id_of_zero_is_still_sent():
    assert sse_message(data="x", event_id=0).startswith("id: 0\n")


def test_a_comment_is_a_colon_line():
    assert sse_comment("heartbeat") == ": heartbeat\n\n"


def test_the_opening_sets_the_retry_delay_and_a_heartbeat_is_a_comment():
    assert render_control(Opened()) == f"retry: {RETRY_MS}\n: connected\n\n"
    assert render_control(Heartbeat()) == ": heartbeat\n\n"


async def test_the_json_renderer_sends_the_event_as_compact_json_with_its_seq():
    text = await JsonRenderer().render(_event(3, run_id="json-a"))
    assert text.startswith("id: 3\ndata: {")
    assert text.endswith("}\n\n")
    assert json.loads(text[len("id: 3\ndata: ") :]) == _event(3, run_id="json-a")
    assert ", " not in text
    assert '": ' not in text


async def test_the_json_renderer_passes_control_items_through():
    renderer = JsonRenderer()
    assert await renderer.render(Opened()) == render_control(Opened())
    assert await renderer.render(Heartbeat()) == ": heartbeat\n\n"


async def test_a_stored_event_is_serialised_once_for_every_reader():
    first, second = JsonRenderer(), JsonRenderer()
    shown = await first.render(_event(1, run_id="json-shared"))
    # The same run and seq is the same stored event: its text comes from the shared cache.
    again = await second.render(_event(1, run_id="json-shared", reason="changed"))
    assert again is shown
    other_run = await second.render(_event(1, run_id="json-other", reason="changed"))
    assert '"reason":"changed"' in other_run


async def test_the_shared_text_cache_forgets_the_oldest_event_past_its_size(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(JsonRenderer, "CACHE_SIZE", 2)
    monkeypatch.setattr(JsonRenderer, "_cache", type(JsonRenderer._cache)())
    renderer = JsonRenderer()
    for seq in (1, 2, 3):
        await renderer.render(_event(seq, run_id="json-evict"))
    assert list(JsonRenderer._cache) == [("json-evict", 2), ("json-evict", 3)]
    renewed = await renderer.render(_event(1, run_id="json-evict", reason="again"))
    assert '"reason":"again"' in renewed
