"""The writer's housekeeping: renaming and deleting conversations."""

from __future__ import annotations

import pytest

from apps.conversations.models import Conversation, Message, Run
from apps.conversations.services.managing import (
    TITLE_MAX,
    ConversationBusy,
    InvalidTitle,
    conversation_delete,
    conversation_rename,
    conversation_title_generated,
)
from apps.streaming.models import RunEvent
from tests.factories import ConversationFactory, RunEventFactory, RunFactory


def test_a_rename_stores_the_title_with_whitespace_collapsed_and_marks_it_the_writers(db):
    conversation = ConversationFactory()
    before = Conversation.objects.get(pk=conversation.pk).updated_at
    renamed = conversation_rename(conversation=conversation, title="  Heat \n in   cities ")
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (renamed.title, stored.title, stored.title_edited) == (
        "Heat in cities",
        "Heat in cities",
        True,
    )
    assert stored.updated_at == before  # renaming is not new work


@pytest.mark.parametrize("title", ["", "   \n ", "x" * (TITLE_MAX + 1)])
def test_an_empty_or_overlong_title_is_refused_and_nothing_changes(db, title: str):
    conversation = ConversationFactory(title="Original")
    with pytest.raises(InvalidTitle):
        conversation_rename(conversation=conversation, title=title)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.title, stored.title_edited) == ("Original", False)


def test_a_title_of_exactly_the_limit_is_accepted(db):
    conversation = ConversationFactory()
    assert conversation_rename(conversation=conversation, title="x" * TITLE_MAX).title == (
        "x" * TITLE_MAX
    )


def test_a_generated_title_is_stored_trimmed_to_the_limit(db):
    conversation = ConversationFactory()
    assert conversation_title_generated(conversation_id=conversation.pk, title=" a  b " + "c" * 300)
    stored = Conversation.objects.get(pk=conversation.pk).title
    assert stored.startswith("a b ccc")
    assert len(stored) == TITLE_MAX


def test_a_generated_title_never_replaces_the_writers_own(db):
    conversation = ConversationFactory()
    conversation_rename(conversation=conversation, title="Mine")
    assert not conversation_title_generated(conversation_id=conversation.pk, title="Generated")
    assert Conversation.objects.get(pk=conversation.pk).title == "Mine"


def test_an_empty_generated_title_is_ignored(db):
    conversation = ConversationFactory(title="Original")
    assert not conversation_title_generated(conversation_id=conversation.pk, title=" \n ")
    assert Conversation.objects.get(pk=conversation.pk).title == "Original"


def test_deleting_a_conversation_removes_its_messages_runs_and_events(db):
    run = RunFactory(status=Run.Status.SUCCEEDED)
    RunEventFactory(run=run, seq=1)
    kept = RunFactory(status=Run.Status.SUCCEEDED)
    conversation_delete(conversation=run.conversation)
    assert not Conversation.objects.filter(pk=run.conversation_id).exists()
    assert not Message.objects.filter(conversation_id=run.conversation_id).exists()
    assert not Run.objects.filter(pk=run.pk).exists()
    assert not RunEvent.objects.filter(run_id=run.pk).exists()
    assert Run.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("status", [Run.Status.QUEUED, Run.Status.RUNNING])
def test_a_conversation_being_written_cannot_be_deleted(db, status: Run.Status):
    run = RunFactory(status=status)
    with pytest.raises(ConversationBusy):
        conversation_delete(conversation=run.conversation)
    assert Run.objects.filter(pk=run.pk).exists()
