from __future__ import annotations

import uuid

import pytest

from apps.conversations.budget import run_estimate
from apps.conversations.models import Conversation, Message, Run
from apps.conversations.services import starting
from apps.core.deferred import holding, run_held
from apps.streaming import publisher
from apps.streaming.events import run_group, validate_event
from apps.streaming.models import RunEvent
from tests.factories import RunFactory, WritingRequestFactory

REQUEST_RUN_ID = uuid.UUID("00000000-0000-4000-8000-000000000042")
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


def test_run_submit_stores_queued_as_seq_1_and_sends_it_only_after_commit(
    user, django_capture_on_commit_callbacks, monkeypatch
):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(starting, "_enqueue_soon", lambda run_id: sent.append(("task", {})))

    class Recorder:
        def send(self, group: str, message: dict) -> None:
            sent.append((group, message))

        def drain(self, timeout: float = 5.0) -> bool:
            return True

    monkeypatch.setattr(publisher, "get_bridge", Recorder)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = starting.run_submit(user=user, request=REQUEST, conversation=None)
    stored = list(RunEvent.objects.filter(run=run).values_list("seq", "type"))
    assert stored == [(1, "queued")]
    assert sent == []  # nothing is announced before the rows are committed
    callbacks[0]()
    assert [group for group, _ in sent] == [run_group(run.id), "task"]  # news, then the task
    event = sent[0][1]["event"]
    assert validate_event(event)["type"] == "queued"
    assert (event["seq"], event["run_id"]) == (1, str(run.id))


def test_a_server_holding_deferred_work_gets_the_news_and_the_task_only_when_it_lets_them_go(
    user, django_capture_on_commit_callbacks, monkeypatch
):
    """As the stream server answering `POST /api/chat` with the run's stream does: the news and
    the task go once its first event is written (apps.core.deferred)."""
    sent: list[str] = []
    monkeypatch.setattr(starting, "_enqueue_soon", lambda run_id: sent.append("task"))

    class Recorder:
        def send(self, group: str, message: dict) -> None:
            sent.append(message["event"]["type"])

        def drain(self, timeout: float = 5.0) -> bool:
            return True

    monkeypatch.setattr(publisher, "get_bridge", Recorder)
    with holding() as held:
        with django_capture_on_commit_callbacks(execute=True):
            starting.run_submit(user=user, request=REQUEST, conversation=None)
        assert sent == []  # committed, and held
    run_held(held)
    assert sent == ["queued", "task"]


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


def test_task_is_sent_from_a_thread_of_its_own_with_the_requests_log_context(monkeypatch):
    import threading

    from apps.core import logcontext

    sent: list[tuple[str, str, str | None]] = []
    done = threading.Event()

    class Task:
        def delay(self, run_id: str) -> None:
            request_id = logcontext.current().get("request_id")
            sent.append((run_id, threading.current_thread().name, request_id))
            done.set()

    monkeypatch.setattr(starting, "execute_run", Task())
    with logcontext.bound(request_id="req-42"):
        starting._enqueue_soon(REQUEST_RUN_ID)
    assert done.wait(5)
    [(run_id, thread, request_id)] = sent
    assert run_id == str(REQUEST_RUN_ID)
    assert thread.startswith("run-enqueue")
    assert thread != threading.current_thread().name
    assert request_id == "req-42"


def test_a_refused_task_leaves_the_run_queued_and_is_logged(monkeypatch, caplog):
    class Refusing:
        def delay(self, run_id: str) -> None:
            raise ConnectionError("broker down")

    monkeypatch.setattr(starting, "execute_run", Refusing())
    starting._enqueue(REQUEST_RUN_ID)  # does not raise: it runs where no one could catch it
    assert f"event=run_enqueue_failed run_id={REQUEST_RUN_ID}" in caplog.text


def test_a_new_conversation_on_a_free_model_is_started_in_one_statement(
    user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """One statement inserting the conversation, the message, the run and its `queued` event,
    and no transaction around it (no savepoint here, inside the test's): a new conversation has
    nothing to lock, no run in progress, nothing to touch, and a free model reads no spending."""
    with (
        django_capture_on_commit_callbacks(execute=False),
        django_assert_num_queries(1) as captured,
    ):
        run = starting.run_submit(user=user, request=REQUEST, conversation=None)
    insert = captured.captured_queries[0]["sql"]
    for table in ("conversations_conversation", "conversations_message", "conversations_run"):
        assert f'INSERT INTO "{table}"' in insert
    assert 'INSERT INTO "streaming_runevent"' in insert
    stored = Run.objects.select_related("conversation", "user_message").get(pk=run.pk)
    assert stored.conversation.user == user
    assert stored.user_message.content == REQUEST.prompt
    assert [(e.seq, e.type) for e in stored.events.all()] == [(1, "queued")]


def test_a_new_conversation_on_a_paid_model_locks_the_writer_in_a_transaction(
    user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """A paid run reads the month's spending under a lock on the writer: the insert goes in the
    same transaction (here a savepoint), or two runs started at once could both spend it."""
    paid = WritingRequestFactory(model="gpt-4o-mini")
    assert run_estimate(model=paid.model, target_word_count=paid.target_word_count) > 0
    with (
        django_capture_on_commit_callbacks(execute=False),
        django_assert_num_queries(6) as captured,
    ):
        starting.run_submit(user=user, request=paid, conversation=None)
    sql = [q["sql"] for q in captured.captured_queries]
    assert sql[0].startswith("SAVEPOINT")
    assert "FOR UPDATE" in sql[1]
    assert "accounts_user" in sql[1]
    assert "conversations_run" in sql[2]
    assert "conversations_run" in sql[3]
    assert sql[4].startswith("WITH ")
    assert sql[5].startswith("RELEASE SAVEPOINT")


def test_a_follow_up_locks_its_conversation_and_checks_for_a_run_in_progress(
    user, django_capture_on_commit_callbacks, django_assert_num_queries
):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED)
    with (
        django_capture_on_commit_callbacks(execute=False),
        django_assert_num_queries(6) as captured,
    ):
        starting.run_start(conversation=run.conversation, request=REQUEST)
    sql = [q["sql"] for q in captured.captured_queries]
    assert "FOR UPDATE" in sql[1]
    assert "conversations_conversation" in sql[1]
    assert "conversations_run" in sql[2]  # the run in progress, if any
    # The message, the run and its `queued` event in one statement; then the conversation's
    # `updated_at`.
    assert sql[3].startswith("WITH ")
    assert '"streaming_runevent"' in sql[3]
    assert sql[4].startswith('UPDATE "conversations_conversation"')
