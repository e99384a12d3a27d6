from __future__ import annotations

import pytest

from apps.conversations.models import Conversation, Message, Run
from apps.conversations.services import starting
from tests.factories import RunFactory, WritingRequestFactory

REQUEST = WritingRequestFactory(
    prompt="Write a literature review on microplastics in freshwater ecosystems.",
    writeup_type="literature_review",
    citation_style="apa7",
    academic_level="doctoral",
    target_word_count=3000,
    model="offline",
)


def test_run_submit_stores_rows_and_queues_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = starting.run_submit(user=user, request=REQUEST, conversation=None)
    assert len(callbacks) == 1
    assert run.status == Run.Status.QUEUED
    assert run.conversation.user == user
    assert run.conversation.title == "Microplastics in freshwater ecosystems"
    assert run.user_message.content == REQUEST.prompt
    assert run.user_message.role == Message.Role.USER
    assert (run.writeup_type, run.target_word_count, run.model) == (
        "literature_review",
        3000,
        "offline",
    )


def test_long_prompt_gives_a_short_title(user, django_capture_on_commit_callbacks):
    request = WritingRequestFactory(prompt="word " * 100)
    with django_capture_on_commit_callbacks(execute=False):
        run = starting.run_submit(user=user, request=request, conversation=None)
    title = run.conversation.title
    assert len(title.split()) <= 10
    assert not title.endswith(("…", "...")), title


def test_follow_up_is_refused_while_a_run_is_active(user, django_capture_on_commit_callbacks):
    run = RunFactory(conversation__user=user, status=Run.Status.RUNNING)
    messages_before = Message.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(starting.RunInProgress),
    ):
        starting.run_start(conversation=run.conversation, request=REQUEST)
    assert callbacks == []
    assert Message.objects.count() == messages_before
    assert Run.objects.count() == 1


def test_follow_up_after_a_finished_run_starts_a_new_one(user, django_capture_on_commit_callbacks):
    first = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = starting.run_start(conversation=first.conversation, request=REQUEST)
    assert len(callbacks) == 1
    assert second.conversation == first.conversation
    assert Conversation.objects.count() == 1
