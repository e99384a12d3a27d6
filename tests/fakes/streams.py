"""Reading a request in any of the three formats, and writing the answer's stream in the
matching one (the bytes come from tests/fakes/wire)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from tests.fakes.wire import (
    ResponsesStream,
    anthropic_delta,
    anthropic_finish,
    anthropic_start,
    openai_chunk,
    openai_usage_chunk,
    sse_data,
    tokens_for,
)


def text_of(content: Any) -> str:
    """A message's text, whether a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part.get("text", "") if isinstance(part, dict) else str(part) for part in content
        )
    return ""


def prompts_of(path: str, body: dict[str, Any]) -> tuple[str, str]:
    """(system prompt, last user message) of a request in any of the three formats."""
    if path.endswith("/responses"):
        given = body.get("input", "")
        if isinstance(given, list):
            items = [i for i in given if isinstance(i, dict) and i.get("role") == "user"]
            given = items[-1].get("content", "") if items else ""
        return text_of(body.get("instructions") or ""), text_of(given)
    messages = [m for m in body.get("messages", []) if isinstance(m, dict)]
    texts = [text_of(m.get("content")) for m in messages if m.get("role") == "user"]
    if path.endswith("/messages"):
        system = text_of(body.get("system") or "")
    else:
        system = "\n".join(
            text_of(m.get("content")) for m in messages if m.get("role") in ("system", "developer")
        )
    return system, texts[-1] if texts else ""


def max_tokens_of(body: dict[str, Any]) -> int | None:
    for name in ("max_output_tokens", "max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if isinstance(value, int):
            return value
    return None


def within_limit(text: str, max_tokens: int | None) -> tuple[str, bool]:
    """As a real model does, stop at the token limit (~1.3 tokens a word): mid-sentence."""
    if max_tokens is None or tokens_for(text) <= max_tokens:
        return text, False
    keep = max(1, int((max_tokens - 1) / 1.3))
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    return text[: ends[min(keep, len(ends)) - 1]], True


def chat(
    model: str,
    body: dict[str, Any],
    pieces: list[str],
    *,
    tokens_in: int,
    limited: bool,
    pause: Callable[[], None],
) -> Iterator[bytes]:
    text = ""
    yield sse_data(openai_chunk(role=True, model=model))
    for piece in pieces:
        text += piece
        yield sse_data(openai_chunk(content=piece, model=model))
        pause()
    yield sse_data(openai_chunk(finish="length" if limited else "stop", model=model))
    if (body.get("stream_options") or {}).get("include_usage"):
        yield sse_data(openai_usage_chunk(tokens_in, tokens_for(text), model=model))
    yield sse_data("[DONE]")


def responses(
    model: str,
    body: dict[str, Any],
    pieces: list[str],
    *,
    tokens_in: int,
    limited: bool,
    pause: Callable[[], None],
) -> Iterator[bytes]:
    stream = ResponsesStream(
        model=model,
        instructions=body.get("instructions"),
        max_output_tokens=body.get("max_output_tokens"),
    )
    yield from stream.start()
    for piece in pieces:
        yield stream.delta(piece)
        pause()
    yield from stream.finish(
        tokens_in=tokens_in, incomplete="max_output_tokens" if limited else None
    )


def messages(
    model: str,
    body: dict[str, Any],
    pieces: list[str],
    *,
    tokens_in: int,
    limited: bool,
    pause: Callable[[], None],
) -> Iterator[bytes]:
    yield from anthropic_start(tokens_in=tokens_in, model=model)
    for piece in pieces:
        yield anthropic_delta(piece)
        pause()
    yield from anthropic_finish(
        tokens_out=tokens_for("".join(pieces)), stop_reason="max_tokens" if limited else "end_turn"
    )


Wire = Callable[..., Iterator[bytes]]
WIRES: dict[str, Wire] = {
    "/v1/chat/completions": chat,
    "/v1/responses": responses,
    "/v1/messages": messages,
}
