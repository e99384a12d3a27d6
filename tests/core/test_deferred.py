from __future__ import annotations

import logging

from asgiref.sync import sync_to_async

from apps.core import logcontext
from apps.core.deferred import after_answer, holding, run_held


def test_work_runs_at_once_when_no_server_holds_it():
    ran: list[str] = []
    after_answer(lambda: ran.append("now"))
    assert ran == ["now"]


def test_held_work_waits_for_run_held_and_runs_once_in_the_context_it_was_deferred_in():
    ran: list[str | None] = []
    with holding() as held:
        with logcontext.bound(request_id="req-7"):
            after_answer(lambda: ran.append(logcontext.current().get("request_id")))
        assert ran == []
    after_answer(lambda: ran.append("outside"))  # the hold ended with its block
    assert ran == ["outside"]
    run_held(held)
    run_held(held)
    assert ran == ["outside", "req-7"]


def test_once_released_a_holder_lets_later_work_run_at_once():
    ran: list[str] = []
    with holding() as held:
        run_held(held)  # the answer's first bytes are out
        after_answer(lambda: ran.append("later"))
        assert ran == ["later"]


async def test_work_deferred_in_a_views_thread_is_held_by_the_server_in_the_event_loop():
    ran: list[str] = []

    def view() -> None:  # as Django runs a synchronous view: sync_to_async, another thread
        after_answer(lambda: ran.append("news"))
        after_answer(lambda: ran.append("task"))

    with holding() as held:
        await sync_to_async(view, thread_sensitive=False)()
        assert ran == []
    run_held(held)
    assert ran == ["news", "task"]


def test_one_failing_callback_is_logged_and_the_rest_still_run(caplog):
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("broker down")

    with holding() as held:
        after_answer(broken)
        after_answer(lambda: ran.append("task"))
    with caplog.at_level(logging.ERROR):
        run_held(held)
    assert ran == ["task"]
    assert "event=after_answer_failed" in caplog.text
