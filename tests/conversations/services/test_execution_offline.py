from __future__ import annotations

import re

from apps.conversations.models import Message, Run
from apps.conversations.services.execution import run_execute
from apps.streaming.models import RunEvent
from tests.factories import MessageFactory, RunFactory


def _events(run: Run) -> list[RunEvent]:
    return list(RunEvent.objects.filter(run=run).order_by("seq"))


def test_offline_run_streams_a_plan_and_stores_it(db):
    run = RunFactory(
        target_word_count=1200,
        writeup_type="research_proposal",
        user_message__content=(
            "Write a research proposal on sleep and memory consolidation in adolescents."
        ),
    )
    finished = run_execute(run_id=run.id)
    assert finished is not None
    assert finished.status == Run.Status.SUCCEEDED
    events = _events(run)
    types = [e.type for e in events]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert types[0] == "routing"
    assert types[1:3] == ["research", "research"]
    assert types[-2:] == ["usage", "done"]
    assert types.index("writing") < types.index("content")
    assert finished.result_message is not None
    document = finished.result_message.content
    assert "".join(e.payload["message"] for e in events if e.type == "content") == document
    assert [e.payload["is_complete"] for e in events if e.type == "content"][-1] is True
    assert "Methodology" in document
    assert "Sleep and memory consolidation in adolescents" in document
    assert finished.word_count == events[-1].payload["final_word_count"]
    assert finished.quality_report["budgets_sum_to_target"] is True
    assert finished.quality_report["mode"] == "plan"
    budgets = [s["budget"] for s in finished.quality_report["sections"]]
    assert sum(budgets) == 1200
    for section in finished.quality_report["sections"]:
        assert f"*Word budget: {section['budget']} words.*" in document
    # Every section's bar reaches 100.
    final_progress = {
        e.payload["section"]: e.payload["progress"] for e in events if e.type == "writing"
    }
    assert set(final_progress.values()) == {100}


def test_running_twice_does_nothing_the_second_time(db):
    run = RunFactory()
    run_execute(run_id=run.id)
    count = RunEvent.objects.filter(run=run).count()
    assert run_execute(run_id=run.id) is None
    assert RunEvent.objects.filter(run=run).count() == count
    assert Message.objects.filter(conversation=run.conversation, role="assistant").count() == 1


def test_follow_up_revises_the_previous_plan(db):
    first = RunFactory(user_message__content="Write an essay on coral reef bleaching.")
    run_execute(run_id=first.id)
    second = RunFactory(
        conversation=first.conversation,
        user_message=MessageFactory(
            conversation=first.conversation, content="Focus more on policy responses."
        ),
    )
    revised = run_execute(run_id=second.id)
    assert revised is not None
    assert revised.status == Run.Status.SUCCEEDED
    assert revised.result_message is not None
    document = revised.result_message.content
    assert document.startswith("# Coral reef bleaching")
    # Offline cannot rewrite: it says so, and names what it did not do.
    assert "Revised offline, without an AI model" in document
    assert "Not done: “Focus more on policy responses”" in document


def test_offline_follow_up_applies_what_a_plan_can_take_and_says_so(db):
    first = RunFactory(
        user_message__content="Write an essay on coral reef bleaching.", target_word_count=1000
    )
    run_execute(run_id=first.id)
    second = RunFactory(
        conversation=first.conversation,
        target_word_count=1000,
        user_message=MessageFactory(
            conversation=first.conversation,
            content="Make it shorter and add a paragraph on policy responses.",
        ),
    )
    revised = run_execute(run_id=second.id)
    assert revised is not None
    assert revised.result_message is not None
    document = revised.result_message.content
    assert "30 % shorter: 700 words instead of 1,000" in document
    assert "added a section “Policy responses”" in document
    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings[-2:] == ["## 5. Policy responses", "## 6. Conclusion"]
    budgets = [int(b) for b in re.findall(r"\*Word budget: (\d+) words", document)]
    assert sum(budgets) == 700


def test_a_model_with_no_provider_fails_with_a_reason_and_an_error_event(db):
    run = RunFactory(model="gpt-unconfigured")
    failed = run_execute(run_id=run.id)
    assert failed is not None
    assert failed.status == Run.Status.FAILED
    assert failed.error_code == "provider_not_configured"
    assert failed.finished_at is not None
    last = _events(run)[-1]
    assert last.type == "error"
    assert last.payload == {
        "error_code": "provider_not_configured",
        "error_message": failed.error_message,
    }
