"""OpenAI Responses: `event: <type>` + `data: {...}`, numbered by sequence_number."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fakes.wire.sse import sse_event, tokens_for

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
