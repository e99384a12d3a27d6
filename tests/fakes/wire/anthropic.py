"""Anthropic Messages: `event: <type>` + `data: {...}`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fakes.wire.sse import sse_event, tokens_for


def anthropic_event(kind: str, data: dict[str, Any]) -> bytes:
    return sse_event(kind, {"type": kind, **data})


def anthropic_start(*, tokens_in: int, model: str) -> list[bytes]:
    message: dict[str, Any] = {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": model,
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": tokens_in,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 1,
        },
    }
    return [
        anthropic_event("message_start", {"message": message}),
        anthropic_event(
            "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
        ),
        anthropic_event("ping", {}),
    ]


def anthropic_delta(text: str) -> bytes:
    return anthropic_event(
        "content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": text}}
    )


def anthropic_finish(*, tokens_out: int, stop_reason: str = "end_turn") -> list[bytes]:
    return [
        anthropic_event("content_block_stop", {"index": 0}),
        anthropic_event(
            "message_delta",
            {
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": tokens_out},
            },
        ),
        anthropic_event("message_stop", {}),
    ]


def anthropic_pieces(
    deltas: Iterable[str],
    *,
    tokens_in: int = 140,
    tokens_out: int | None = None,
    model: str = "claude-sonnet-4-5-20250929",
) -> list[bytes]:
    deltas = list(deltas)
    return [
        *anthropic_start(tokens_in=tokens_in, model=model),
        *(anthropic_delta(d) for d in deltas),
        *anthropic_finish(tokens_out=tokens_out or tokens_for(deltas)),
    ]
