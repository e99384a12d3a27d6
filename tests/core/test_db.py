from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.conversations.models import Conversation, Message
from apps.core.db import insert_together
from apps.streaming.models import RunEvent
from tests.factories import RunFactory


@pytest.mark.django_db
def test_rows_that_refer_to_each_other_are_inserted_in_one_statement(
    user, django_assert_num_queries
):
    conversation = Conversation(user=user, title="Heat islands")
    message = Message(conversation=conversation, role=Message.Role.USER, content="Write it.")
    with django_assert_num_queries(1):
        insert_together(conversation, message)
    stored = Message.objects.select_related("conversation").get(pk=message.pk)
    assert stored.content == "Write it."
    assert stored.conversation.title == "Heat islands"
    assert not conversation._state.adding
    assert not message._state.adding
    # What save() would have stored: the auto_now values were set on the instance and stored.
    assert conversation.created_at is not None
    assert stored.conversation.created_at == conversation.created_at
    assert stored.conversation.updated_at == conversation.updated_at


@pytest.mark.django_db
def test_a_database_made_id_is_read_back(user):
    run = RunFactory(conversation__user=user)
    first = RunEvent(run=run, seq=1, type="queued", payload={}, created_at=timezone.now())
    conversation = Conversation(user=user, title="Another")
    second = RunEvent(run=run, seq=2, type="routing", payload={}, created_at=timezone.now())
    insert_together(first, conversation, second)
    assert isinstance(first.id, int)
    assert isinstance(second.id, int)
    assert RunEvent.objects.get(pk=first.id).seq == 1
    assert RunEvent.objects.get(pk=second.id).seq == 2
    assert Conversation.objects.filter(pk=conversation.pk).exists()


@pytest.mark.django_db
def test_a_failing_row_leaves_none_of_them(user):
    run = RunFactory(conversation__user=user)
    RunEvent.objects.create(run=run, seq=1, type="queued", payload={}, created_at=timezone.now())
    conversation = Conversation(user=user, title="Never stored")
    clash = RunEvent(run=run, seq=1, type="queued", payload={}, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together(conversation, clash)
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


@pytest.mark.django_db
def test_a_saved_row_is_refused(user):
    conversation = Conversation.objects.create(user=user, title="Saved")
    with pytest.raises(ValueError, match="already saved"):
        insert_together(conversation)
