from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.progress import RunProgress
from apps.conversations.reports import QualityView, quality_view
from apps.streaming.events import EventType
from apps.streaming.models import RunEvent


def conversations_for(*, user: User) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user)


def conversations_search(*, user: User, query: str = "") -> QuerySet[Conversation]:
    """The writer's conversations, newest first; with a query, those whose title or any
    message (requests and the documents written) contains every word of it."""
    found = conversations_for(user=user)
    words = query.split()[:8]
    if not words:
        return found.order_by("-updated_at")
    matching = Message.objects.filter(conversation__user=user)
    for word in words:
        matching = matching.filter(content__icontains=word)
    in_text = Q(id__in=matching.values("conversation_id"))
    in_title = Q()
    for word in words:
        in_title &= Q(title__icontains=word)
    return found.filter(in_title | in_text).order_by("-updated_at")


def runs_for(*, user: User) -> QuerySet[Run]:
    return Run.objects.filter(conversation__user=user).select_related(
        "conversation", "user_message", "result_message"
    )


def active_run(*, conversation: Conversation) -> Run | None:
    return conversation.runs.filter(status__in=Run.ACTIVE).first()


def latest_run_of(*, user: User) -> Run | None:
    """The writer's most recent run anywhere: a new piece starts from its options."""
    return Run.objects.filter(conversation__user=user).order_by("-created_at").first()


def latest_run(*, conversation: Conversation) -> Run | None:
    return conversation.runs.order_by("-created_at").first()


@dataclass
class RunCard:
    run: Run
    progress: RunProgress
    # Succeeded runs are numbered versions 1, 2, 3...; the latest is the current one.
    version: int | None = None
    is_current: bool = False
    # The run that was current until this one succeeded: its marker is updated in place when
    # this card arrives over the stream.
    superseded: Run | None = None

    @property
    def quality(self) -> QualityView | None:
        return quality_view(self.run.quality_report)

    @property
    def context(self) -> dict[str, Any]:
        return {"card": self}


def run_cards(*, conversation: Conversation) -> list[RunCard]:
    """Every run of the conversation with its progress folded from the stored log. Content is
    loaded only for runs still in flight: a finished run shows its stored document instead."""
    events = RunEvent.objects.filter(
        ~Q(type=EventType.CONTENT) | Q(run__status__in=Run.ACTIVE)
    ).order_by("seq")
    runs = (
        conversation.runs.select_related("user_message", "result_message")
        .prefetch_related(Prefetch("events", queryset=events, to_attr="loaded_events"))
        .order_by("created_at")
    )
    cards = [
        RunCard(
            run=run,
            progress=RunProgress.from_events(
                e.to_wire(conversation_id=conversation.id) for e in run.loaded_events
            ),
        )
        for run in runs
    ]
    versions = [card for card in cards if card.run.status == Run.Status.SUCCEEDED]
    for number, card in enumerate(versions, start=1):
        card.version = number
    if versions:
        versions[-1].is_current = True
    return cards


def run_card(*, run: Run) -> RunCard:
    events = RunEvent.objects.filter(run=run).order_by("seq")
    if not run.is_active:
        events = events.exclude(type=EventType.CONTENT)
    card = RunCard(
        run=run,
        progress=RunProgress.from_events(
            e.to_wire(conversation_id=run.conversation_id) for e in events
        ),
    )
    if run.status == Run.Status.SUCCEEDED:
        versions = Run.objects.filter(
            conversation_id=run.conversation_id,
            status=Run.Status.SUCCEEDED,
            created_at__lte=run.created_at,
        )
        card.version = versions.count()
        card.is_current = not Run.objects.filter(
            conversation_id=run.conversation_id,
            status=Run.Status.SUCCEEDED,
            created_at__gt=run.created_at,
        ).exists()
        if card.is_current:
            card.superseded = (
                versions.filter(created_at__lt=run.created_at).order_by("-created_at").first()
            )
    return card


async def arun_for(*, user: User, run_id: uuid.UUID) -> Run | None:
    return await runs_for(user=user).filter(id=run_id).afirst()


def runs_this_month(*, user: User, since: datetime) -> QuerySet[Run]:
    """The writer's runs since `since` (the budget's month), newest first, for the usage page."""
    return (
        Run.objects.filter(conversation__user=user, created_at__gte=since)
        .select_related("conversation")
        .order_by("-created_at")
    )
