"""OpenAI Chat Completions: `data: {chat.completion.chunk}` lines, a usage chunk, [DONE]."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fakes.wire.sse import sse_data, tokens_for

CHAT_ID = "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG"


def openai_chunk(
    *,
    content: str | None = None,
    finish: str | None = None,
    role: bool = False,
    model: str = "gpt-4o-mini-2024-07-18",
) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = "assistant"
        delta["content"] = ""
        delta["refusal"] = None
    if content is not None:
        delta["content"] = content
    return {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": 1741570283,
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        "usage": None,
    }


def openai_usage_chunk(
    tokens_in: int, tokens_out: int, *, model: str = "gpt-4o-mini-2024-07-18"
) -> dict[str, Any]:
    return {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": 1741570283,
        "model": model,
        "system_fingerprint": "fp_06737a9306",
        "choices": [],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        },
    }


def chat_pieces(
    deltas: Iterable[str],
    *,
    tokens_in: int = 120,
    tokens_out: int | None = None,
    finish: str = "stop",
    usage: bool = True,
    model: str = "gpt-4o-mini-2024-07-18",
) -> list[bytes]:
    """The full wire body of a streamed chat completion: role chunk, one chunk per delta, the
    finish_reason chunk, the usage chunk (stream_options.include_usage) and [DONE]."""
    deltas = list(deltas)
    out = [sse_data(openai_chunk(role=True, model=model))]
    out += [sse_data(openai_chunk(content=d, model=model)) for d in deltas]
    out.append(sse_data(openai_chunk(finish=finish, model=model)))
    if usage:
        out.append(
            sse_data(openai_usage_chunk(tokens_in, tokens_out or tokens_for(deltas), model=model))
        )
    out.append(sse_data("[DONE]"))
    return out
