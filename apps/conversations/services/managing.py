"""The writer's own housekeeping: renaming and deleting conversations."""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.conversations.models import Conversation, Run

TITLE_MAX = 200


class ConversationBusy(Exception):
    """A run is writing into the conversation: it cannot be deleted until it ends."""


class InvalidTitle(ValueError):
    pass


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    """Give a conversation the writer's own title; a generated one never replaces it."""
    clean = " ".join(title.split())
    if not clean:
        raise InvalidTitle("A title cannot be empty.")
    if len(clean) > TITLE_MAX:
        raise InvalidTitle(f"A title has at most {TITLE_MAX} characters.")
    conversation.title = clean
    conversation.title_edited = True
    # `updated_at` is left alone: renaming is not new work, so the history keeps its order.
    Conversation.objects.filter(pk=conversation.pk).update(title=clean, title_edited=True)
    return conversation


def conversation_title_generated(*, conversation_id: uuid.UUID, title: str) -> bool:
    """A model's title for a new conversation; never over one the writer chose."""
    clean = " ".join(title.split())[:TITLE_MAX]
    if not clean:
        return False
    return bool(
        Conversation.objects.filter(pk=conversation_id, title_edited=False).update(title=clean)
    )


@transaction.atomic
def conversation_delete(*, conversation: Conversation) -> None:
    """Delete a conversation with its messages, runs and their events. Refused while a run is
    writing into it: stop it first."""
    Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
    if conversation.runs.filter(status__in=Run.ACTIVE).exists():
        raise ConversationBusy
    conversation.delete()
