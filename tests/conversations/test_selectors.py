"""Reads of conversations and runs: ownership, the active and latest run, and run cards."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from apps.accounts.models import User
from apps.conversations import selectors
from apps.conversations.models import Run
from tests.factories import ConversationFactory, RunEventFactory, RunFactory, UserFactory


def _content(run: Run, seq: int, text: str) -> None:
    RunEventFactory(
        run=run,
        seq=seq,
        type="content",
        payload={"message": text, "is_complete": False, "word_count": len(text.split())},
    )


def test_a_user_sees_only_their_own_conversations_and_runs(user, other_user):
    mine = RunFactory(conversation__user=user)
    RunFactory(conversation__user=other_user)
    assert list(selectors.conversations_for(user=user)) == [mine.conversation]
    assert list(selectors.runs_for(user=user)) == [mine]


def test_the_active_run_is_the_queued_or_running_one(db):
    conversation = ConversationFactory()
    RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    assert selectors.active_run(conversation=conversation) is None
    running = RunFactory(conversation=conversation, status=Run.Status.RUNNING)
    assert selectors.active_run(conversation=conversation) == running


def test_the_latest_run_is_the_newest_whatever_its_status(db):
    conversation = ConversationFactory()
    assert selectors.latest_run(conversation=conversation) is None
    RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    newest = RunFactory(conversation=conversation, status=Run.Status.FAILED)
    assert selectors.latest_run(conversation=conversation) == newest


def test_run_cards_number_succeeded_runs_as_versions_and_mark_the_last_current(db):
    conversation = ConversationFactory()
    first = RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    failed = RunFactory(conversation=conversation, status=Run.Status.FAILED)
    second = RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    cards = selectors.run_cards(conversation=conversation)
    assert [(c.run, c.version, c.is_current) for c in cards] == [
        (first, 1, False),
        (failed, None, False),
        (second, 2, True),
    ]


def test_run_cards_fold_the_draft_only_for_runs_still_in_flight(db):
    conversation = ConversationFactory()
    done = RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    live = RunFactory(conversation=conversation, status=Run.Status.RUNNING)
    for run in (done, live):
        RunEventFactory(run=run, seq=1)  # routing
        _content(run, 2, "Cities are warm.")
    done_card, live_card = selectors.run_cards(conversation=conversation)
    assert (done_card.progress.draft, done_card.progress.last_seq) == ("", 1)
    assert (live_card.progress.draft, live_card.progress.word_count) == ("Cities are warm.", 3)
    assert live_card.progress.last_seq == 2


def test_a_run_card_knows_its_version_and_the_version_it_supersedes(db):
    conversation = ConversationFactory()
    first = RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    RunFactory(conversation=conversation, status=Run.Status.FAILED)
    second = RunFactory(conversation=conversation, status=Run.Status.SUCCEEDED)
    card = selectors.run_card(run=second)
    assert (card.version, card.is_current, card.superseded) == (2, True, first)
    old = selectors.run_card(run=first)
    assert (old.version, old.is_current, old.superseded) == (1, False, None)
    assert old.context == {"card": old}


def test_a_run_card_of_a_finished_run_leaves_out_its_content_events(db):
    run = RunFactory(status=Run.Status.FAILED)
    _content(run, 1, "Half a draft")
    RunEventFactory(run=run, seq=2, type="error", payload={"error_message": "x", "error_code": "y"})
    card = selectors.run_card(run=run)
    assert (card.progress.draft, card.progress.last_seq, card.version) == ("", 2, None)
    running = RunFactory(status=Run.Status.RUNNING)
    _content(running, 1, "Half a draft")
    assert selectors.run_card(run=running).progress.draft == "Half a draft"


def test_a_run_without_a_quality_report_has_no_quality_view(db):
    assert selectors.run_card(run=RunFactory()).quality is None


@pytest.mark.django_db(transaction=True)
async def test_a_run_is_found_for_its_owner_only():
    run = await sync_to_async(RunFactory)()
    owner = await User.objects.aget(conversations__runs=run)
    stranger = await sync_to_async(UserFactory)()
    found = await selectors.arun_for(user=owner, run_id=run.id)
    assert found == run
    assert await selectors.arun_for(user=stranger, run_id=run.id) is None
