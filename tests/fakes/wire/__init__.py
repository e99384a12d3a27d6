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

from tests.fakes.wire.anthropic import (
    anthropic_delta,
    anthropic_event,
    anthropic_finish,
    anthropic_pieces,
    anthropic_start,
)
from tests.fakes.wire.chat import chat_pieces, openai_chunk, openai_usage_chunk
from tests.fakes.wire.responses import (
    RESPONSES_PREAMBLE,
    ResponsesStream,
    response_object,
    responses_pieces,
    responses_usage,
)
from tests.fakes.wire.sse import SSE_HEADERS, sse_data, sse_event, tokens_for

__all__ = [
    "RESPONSES_PREAMBLE",
    "SSE_HEADERS",
    "ResponsesStream",
    "anthropic_delta",
    "anthropic_event",
    "anthropic_finish",
    "anthropic_pieces",
    "anthropic_start",
    "chat_pieces",
    "openai_chunk",
    "openai_usage_chunk",
    "response_object",
    "responses_pieces",
    "responses_usage",
    "sse_data",
    "sse_event",
    "tokens_for",
]
