"""The streaming wire formats of the model APIs, as bytes: shared by the respx fakes
(tests/llm_fakes.py) and the fake model server (tests/fakes/llm_server.py).

Field sets follow recorded traffic, not the SDKs' type stubs:
- Chat Completions chunks: as recorded from api.openai.com (gpt-4o-mini-2024-07-18) with
  `stream_options.include_usage`: role chunk, content chunks, finish chunk, usage chunk, [DONE].
- Responses: the text-only exchange (second interaction) recorded from api.openai.com in
  pydantic/pydantic-ai tests/models/cassettes/test_openai_responses/
  test_openai_responses_phase_streamed_on_part_start.yaml: response.created, response.in_progress,
  response.output_item.added, response.content_part.added, response.output_text.delta...,
  response.output_text.done, response.content_part.done, response.output_item.done,
  response.completed (with usage.input_tokens / output_tokens and their *_details).
  `response.failed` follows the rate-limit failure recorded in openai/codex (codex-rs client
  tests, `error_when_error_event`); the `error` event and `response.incomplete` with
  `incomplete_details.reason: "max_output_tokens"` follow OpenAI's streaming-events reference.
- Anthropic Messages: message_start, content_block_start, ping, content_block_delta...,
  content_block_stop, message_delta (stop_reason and running output_tokens), message_stop, as in
  Anthropic's streaming documentation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8"}


def sse_data(payload: dict[str, Any] | str) -> bytes:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return f"data: {text}\n\n".encode()


def sse_event(kind: str, payload: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode()


def tokens_for(text_or_deltas: str | Iterable[str]) -> int:
    """Output tokens a real model would report for this text: ~1.3 a word, at least one."""
    text = text_or_deltas if isinstance(text_or_deltas, str) else "".join(text_or_deltas)
    return round(len(text.split()) * 1.3) + 1


# --- OpenAI Chat Completions: `data: {chat.completion.chunk}` lines, a usage chunk, [DONE] ------

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


# --- OpenAI Responses: `event: <type>` + `data: {...}`, numbered by sequence_number ------------

RESPONSE_ID = "resp_0fabc13af1ee0049006a691dffc71481a18c5ea1841dec14ce"
MESSAGE_ID = "msg_0fabc13af1ee0049006a691e008ed881a19fb315ceb267e808"
# Events sent before the first text delta: created, in_progress, output_item.added,
# content_part.added.
RESPONSES_PREAMBLE = 4


def responses_usage(tokens_in: int, tokens_out: int) -> dict[str, Any]:
    return {
        "input_tokens": tokens_in,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": tokens_out,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": tokens_in + tokens_out,
    }


def response_object(
    *,
    status: str,
    model: str,
    instructions: str | None = None,
    max_output_tokens: int | None = None,
    text: str | None = None,
    usage: dict[str, Any] | None = None,
    incomplete_reason: str | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    output: list[dict[str, Any]] = []
    if text is not None:
        output.append(_message_item("completed" if status == "completed" else "incomplete", text))
    return {
        "id": RESPONSE_ID,
        "object": "response",
        "created_at": 1785273855,
        "status": status,
        "background": False,
        "completed_at": 1785273856 if status == "completed" else None,
        "error": error,
        "incomplete_details": {"reason": incomplete_reason} if incomplete_reason else None,
        "instructions": instructions,
        "max_output_tokens": max_output_tokens,
        "max_tool_calls": None,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default",
        "store": False,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": usage,
        "user": None,
        "metadata": {},
    }


def _message_item(status: str, text: str | None) -> dict[str, Any]:
    content = (
        []
        if text is None
        else [{"type": "output_text", "annotations": [], "logprobs": [], "text": text}]
    )
    return {
        "id": MESSAGE_ID,
        "type": "message",
        "status": status,
        "content": content,
        "role": "assistant",
    }


class ResponsesStream:
    """Builds one Responses stream event by event, numbering them as the API does."""

    def __init__(self, *, model: str, instructions: str | None = None, max_output_tokens=None):
        self.model = model
        self.instructions = instructions
        self.max_output_tokens = max_output_tokens
        self.seq = 0
        self.text = ""

    def event(self, kind: str, payload: dict[str, Any]) -> bytes:
        data = {"type": kind, **payload, "sequence_number": self.seq}
        self.seq += 1
        return sse_event(kind, data)

    def response(self, status: str, **fields: Any) -> dict[str, Any]:
        return response_object(
            status=status,
            model=self.model,
            instructions=self.instructions,
            max_output_tokens=self.max_output_tokens,
            **fields,
        )

    def start(self) -> list[bytes]:
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        return [
            self.event("response.created", {"response": self.response("in_progress")}),
            self.event("response.in_progress", {"response": self.response("in_progress")}),
            self.event(
                "response.output_item.added",
                {"item": _message_item("in_progress", None), "output_index": 0},
            ),
            self.event(
                "response.content_part.added",
                {"content_index": 0, "item_id": MESSAGE_ID, "output_index": 0, "part": part},
            ),
        ]

    def delta(self, text: str) -> bytes:
        self.text += text
        return self.event(
            "response.output_text.delta",
            {
                "content_index": 0,
                "delta": text,
                "item_id": MESSAGE_ID,
                "logprobs": [],
                # Real streams pad each delta with random characters (against length side
                # channels); clients ignore it.
                "obfuscation": "x" * max(1, 16 - len(text)),
                "output_index": 0,
            },
        )

    def finish(
        self, *, tokens_in: int, tokens_out: int | None = None, incomplete: str | None = None
    ) -> list[bytes]:
        out = tokens_out if tokens_out is not None else tokens_for(self.text)
        status = "incomplete" if incomplete else "completed"
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": self.text}
        final = self.response(
            status,
            text=self.text,
            usage=responses_usage(tokens_in, out),
            incomplete_reason=incomplete,
        )
        return [
            self.event(
                "response.output_text.done",
                {
                    "content_index": 0,
                    "item_id": MESSAGE_ID,
                    "logprobs": [],
                    "output_index": 0,
                    "text": self.text,
                },
            ),
            self.event(
                "response.content_part.done",
                {"content_index": 0, "item_id": MESSAGE_ID, "output_index": 0, "part": part},
            ),
            self.event(
                "response.output_item.done",
                {"item": _message_item(status, self.text), "output_index": 0},
            ),
            self.event(f"response.{status}", {"response": final}),
        ]

    def failed(self, code: str, message: str) -> bytes:
        failed = self.response("failed", error={"code": code, "message": message})
        return self.event("response.failed", {"response": failed})

    def error(self, code: str, message: str) -> bytes:
        return self.event("error", {"code": code, "message": message, "param": None})


def responses_pieces(
    deltas: Iterable[str],
    *,
    tokens_in: int = 120,
    tokens_out: int | None = None,
    incomplete: str | None = None,
    model: str = "gpt-4o-mini-2024-07-18",
) -> list[bytes]:
    """The full wire body of a streamed response: RESPONSES_PREAMBLE events, one
    response.output_text.delta per delta, then the done events and response.completed (or
    response.incomplete with `incomplete` as its reason)."""
    stream = ResponsesStream(model=model)
    out = stream.start()
    out += [stream.delta(d) for d in deltas]
    out += stream.finish(tokens_in=tokens_in, tokens_out=tokens_out, incomplete=incomplete)
    return out


# --- Anthropic Messages: `event: <type>` + `data: {...}` ---------------------------------------


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
