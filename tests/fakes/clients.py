"""Test helpers: a prompt that follows the contract, and the real SDKs reading the fake server's
streams back (OpenAI Responses, Chat Completions, Anthropic Messages)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import anthropic
import openai

from tests.fakes.llm_server import fake_model

SYSTEM = "You are an expert academic writer. Cite sources only by their handle, e.g. [S1]."
MATERIAL = """\
[S1] Okafor, N., & Chen, L. (2021). Urban canopy cover and summer heat in Lagos.
p. 4: Canopy cover above 30 percent lowered surface temperatures by 2.1 degrees in Lagos districts.
p. 5: Residents near shaded streets reported fewer heat symptoms during the 2019 heatwave.
[S2] Moreau, A. (2019). Street trees and municipal budgets.
para. 2: Maintenance costs for street trees rose sharply after pruning contracts were privatised.
Councils in Lyon and Nantes cut planting programmes when storm damage claims increased.
[S3] Lindqvist, K. (2020). Green infrastructure and equity.
p. 12: Wealthier neighbourhoods in Stockholm received three times more new trees than poorer ones.
p. 13: Participatory planning narrowed the gap between districts within five years."""
PAGES = {"S1": {"4", "5"}, "S2": set(), "S3": {"12", "13"}}


def user_prompt(words: int, *, material: str = MATERIAL, so_far: str | None = None) -> str:
    parts = [
        "The writer's request:\n<request>\nAn essay on urban trees and heat.\n</request>",
        "Sources you may cite:",
        f"<material>\n{material}\n</material>",
    ]
    if so_far is not None:
        parts += [
            f"<section_so_far>\n{so_far}\n</section_so_far>",
            f"Continue it. Length: about {words} more words, ending on a complete sentence.",
        ]
    else:
        parts.append(f"Length: about {words} words (stay within 10 %).")
    return "\n\n".join(parts)


@dataclass
class Answer:
    deltas: list[str]
    tokens_in: int
    tokens_out: int
    finish: str

    @property
    def text(self) -> str:
        return "".join(self.deltas)


def via_responses(server, model, user, *, limit=20_000) -> Answer:
    client = openai.OpenAI(api_key="sk-fake", base_url=server.openai_base_url, max_retries=0)
    deltas, usage, finish = [], None, ""
    with client.responses.create(
        model=model, instructions=SYSTEM, input=user, max_output_tokens=limit, stream=True
    ) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
            elif event.type == "response.completed" or event.type == "response.incomplete":
                usage, finish = event.response.usage, event.response.status or ""
                details = event.response.incomplete_details
                if details is not None:
                    finish = f"incomplete:{details.reason}"
                assert event.response.output_text == "".join(deltas)
    assert usage is not None
    return Answer(deltas, usage.input_tokens, usage.output_tokens, finish)


def via_chat(server, model, user, *, limit=20_000) -> Answer:
    client = openai.OpenAI(api_key="sk-fake", base_url=server.openai_base_url, max_retries=0)
    deltas, usage, finish = [], None, ""
    with client.chat.completions.create(
        model=model,
        messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        max_tokens=limit,
        stream=True,
        stream_options={"include_usage": True},
    ) as stream:
        for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                if choice.delta.content:
                    deltas.append(choice.delta.content)
                if choice.finish_reason:
                    finish = choice.finish_reason
    assert usage is not None
    return Answer(deltas, usage.prompt_tokens, usage.completion_tokens, finish)


def via_anthropic(server, model, user, *, limit=20_000) -> Answer:
    client = anthropic.Anthropic(
        api_key="sk-ant-fake", base_url=server.anthropic_base_url, max_retries=0
    )
    deltas, tokens_in, tokens_out, finish = [], 0, 0, ""
    with client.messages.create(
        model=model,
        system=SYSTEM,
        messages=[{"role": "user", "content": user}],
        max_tokens=limit,
        stream=True,
    ) as stream:
        for event in stream:
            if event.type == "message_start":
                tokens_in = event.message.usage.input_tokens
            elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                deltas.append(event.delta.text)
            elif event.type == "message_delta":
                tokens_out, finish = event.usage.output_tokens, event.delta.stop_reason or ""
    return Answer(deltas, tokens_in, tokens_out, finish)


CALLERS = {"openai": via_responses, "compatible": via_chat, "anthropic": via_anthropic}


def ask(server, behaviour, words=300, *, provider="openai", **kwargs) -> Answer:
    user = kwargs.pop("user", None) or user_prompt(words)
    return CALLERS[provider](server, fake_model(behaviour, provider), user, **kwargs)


def citations(text: str) -> list[str]:
    return re.findall(r"\[([^\[\]]+)\]", text)


def within(value: int, target: int, share: float) -> bool:
    return abs(value - target) <= target * share
