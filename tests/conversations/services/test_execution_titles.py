from __future__ import annotations

import pytest

from apps.conversations.services import execution, managing, starting
from tests.factories import WritingRequestFactory
from tests.fakes.llm_server import fake_model

PROMPT = "Write an essay on urban heat islands and the policies cities use to cool streets."


@pytest.fixture
def titled(settings, fake_llm_configured):
    settings.GENERATED_TITLES = True
    return fake_llm_configured


def _start(user, conversation=None, prompt=PROMPT):
    request = WritingRequestFactory(prompt=prompt, model=fake_model("obeys"), target_word_count=300)
    return starting.run_submit(user=user, request=request, conversation=conversation)


def test_a_new_conversation_on_a_model_takes_the_models_title(user, titled):
    run = _start(user)
    assert run.conversation.title == "Urban heat islands and the policies cities"  # derived
    done = execution.run_execute(run_id=run.id)
    assert done is not None
    assert done.status == "succeeded"
    done.conversation.refresh_from_db()
    assert done.conversation.title == "Urban heat islands and the policies cities use"
    title_calls = [r for r in titled.requests if r.system.startswith("You name pieces")]
    assert len(title_calls) == 1
    # The title call is paid for like any other: its tokens are in the run's usage (the fake
    # reports a quarter of the prompt's characters, plus one, as input tokens).
    assert done.tokens_in == sum((len(r.system) + len(r.user)) // 4 + 1 for r in titled.requests)


def test_a_title_the_writer_chose_is_never_replaced(user, titled):
    run = _start(user)
    managing.conversation_rename(conversation=run.conversation, title="My own title")
    execution.run_execute(run_id=run.id)
    run.conversation.refresh_from_db()
    assert run.conversation.title == "My own title"
