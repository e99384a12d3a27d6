"""A model names a new conversation with one short call (through the fake model server's three
wire formats); offline and follow-up runs keep the title derived from the request."""

from __future__ import annotations

import uuid

import pytest

from apps.pipeline.providers.registry import get_provider
from apps.pipeline.state import PipelineState
from apps.pipeline.steps import router
from apps.pipeline.titles import TITLE_MAX_TOKENS, clean_title, generate_title
from tests.factories import WritingRequestFactory
from tests.fakes.llm_server import fake_model

PROMPT = "Write an essay on urban heat islands and the policies cities use to cool streets."


@pytest.mark.parametrize(
    ("answer", "title"),
    [
        ("Urban heat islands and cooling policy", "Urban heat islands and cooling policy"),
        ('Title: "Cooling the city"', "Cooling the city"),
        ("# **Heat and the city.**\n\nSome explanation.", "Heat and the city"),
        ("one two three four five six seven eight nine ten eleven twelve", ""),
        ("   ", ""),
        (
            "How cities can reduce urban heat islands with",
            "How cities can reduce urban heat islands",
        ),
        ("Cooling the city, and the", "Cooling the city"),
    ],
)
def test_clean_title_keeps_a_short_plain_title(answer, title):
    assert clean_title(answer) == title


@pytest.mark.parametrize("provider", ["openai", "anthropic", "compatible"])
def test_each_provider_answers_the_title_call_in_one_short_request(fake_llm_configured, provider):
    model = fake_model("obeys", provider)
    title, usage = generate_title(provider=get_provider(model), request_text=PROMPT)
    assert title == "Urban heat islands and the policies cities use"
    assert usage is not None
    assert usage.tokens_in > 0
    assert usage.tokens_out > 0
    (request,) = fake_llm_configured.requests
    assert request.system.startswith("You name pieces of academic writing.")
    assert "<request>" in request.user
    assert PROMPT in request.user
    limit = request.body.get("max_output_tokens") or request.body.get("max_tokens")
    assert limit == TITLE_MAX_TOKENS


def _state(model: str, *, previous: str | None = None) -> PipelineState:
    return PipelineState(
        run_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        request=WritingRequestFactory(prompt=PROMPT, model=model),
        original_prompt=PROMPT,
        previous_draft=previous,
    )


def test_the_router_names_a_new_conversation_and_counts_the_call(fake_llm_configured, settings):
    settings.GENERATED_TITLES = True
    state = _state(fake_model("obeys"))
    router.name(state)
    assert state.title == "Urban heat islands and the policies cities use"
    assert state.usage is not None
    assert state.usage.tokens_out > 0


@pytest.mark.parametrize(
    ("model", "previous"), [("offline", None), ("fake-obeys", "# Earlier version")]
)
def test_offline_runs_and_follow_ups_make_no_title_call(
    fake_llm_configured, settings, model, previous
):
    settings.GENERATED_TITLES = True
    state = _state(model, previous=previous)
    router.name(state)
    assert state.title == ""
    assert state.usage is None
    assert fake_llm_configured.requests == []


def test_a_failed_title_call_leaves_the_run_alone(fake_llm_configured, settings):
    settings.GENERATED_TITLES = True
    settings.LLM_MAX_RETRIES = 0
    settings.OPENAI_MODELS = [*settings.OPENAI_MODELS, "fake-missing"]  # the server has no such
    state = _state("fake-missing")
    router.name(state)
    assert state.title == ""
    assert state.usage is None
