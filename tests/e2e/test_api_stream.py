from __future__ import annotations

import time

import httpx
import pytest

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from apps.streaming.events import validate_event
from apps.streaming.models import RunEvent
from tests.factories import UserFactory
from tests.live import LiveStack, group_size, iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROMPT = {
    "prompt": "Write a literature review on microplastics in freshwater ecosystems "
    "and their effect on fish.",
    "mode": "literature_review",
    "file_ids": [],
    "user_params": {
        "citationStyle": "APA",
        "wordCount": 2500,
        "academicLevel": "masters",
        "model": "offline",
    },
}


@pytest.fixture
def api(live_stack: LiveStack):
    user = UserFactory()
    secret = api_token_create(user=user, name="e2e").secret
    with httpx.Client(
        base_url=live_stack.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as client:
        yield client


def _start(api: httpx.Client) -> str:
    response = api.post("/api/chat", json=PROMPT)
    assert response.status_code == 200, response.text
    return response.json()["trace_id"]


def _read(
    api: httpx.Client,
    trace_id: str,
    *,
    last_event_id: int | None = None,
    stop_after: int | None = None,
) -> list[dict]:
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    events: list[dict] = []
    with api.stream(
        "GET", f"/api/stream/{trace_id}", headers=headers, timeout=httpx.Timeout(60, read=30)
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for message in iter_sse(response.iter_lines()):
            event = message.json()
            assert message.id == str(event["seq"])
            events.append(event)
            if stop_after is not None and len(events) >= stop_after:
                break  # hang up mid-stream
    return events


def _wait_for(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _assert_well_formed(events: list[dict], trace_id: str) -> None:
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {e["run_id"] for e in events} == {trace_id}
    types = [e["type"] for e in events]
    assert types[0] == "queued"  # written by the POST itself, before any worker has the run
    assert types[1] == "routing"
    assert types[2] == "research"
    assert types[-1] == "done"
    assert types[-2] == "usage"
    assert types.index("writing") < types.index("content")
    assert "error" not in types


def test_prompt_streams_to_done_and_deltas_join_to_the_stored_message(api: httpx.Client):
    trace_id = _start(api)
    events = _read(api, trace_id)
    _assert_well_formed(events, trace_id)
    run = Run.objects.select_related("result_message").get(id=trace_id)
    assert run.result_message is not None
    assert run.status == Run.Status.SUCCEEDED
    content = [e for e in events if e["type"] == "content"]
    assert len(content) > 3  # streamed, not sent in one piece
    assert "".join(e["message"] for e in content) == run.result_message.content
    assert events[-1]["final_word_count"] == run.word_count
    # Every event, as sent and as stored, is exactly the TypedDict of its type.
    for event in events:
        validate_event(event)
    stored = RunEvent.objects.filter(run=run).order_by("seq")
    assert [e.to_wire(conversation_id=run.conversation_id) for e in stored] == events
    for row in stored:
        validate_event(row.to_wire(conversation_id=run.conversation_id))

    # A finished run replays from the store after Last-Event-ID, exactly once, and closes.
    middle = content[len(content) // 2]["seq"]
    replay = _read(api, trace_id, last_event_id=middle)
    assert replay == events[middle:]


def test_reconnecting_mid_run_resumes_after_last_event_id(api: httpx.Client):
    trace_id = _start(api)
    first = _read(api, trace_id, stop_after=8)
    assert Run.objects.get(id=trace_id).status in {Run.Status.QUEUED, Run.Status.RUNNING}
    # The server notices the hang-up and leaves the run's group.
    assert _wait_for(lambda: group_size(trace_id) == 0)
    rest = _read(api, trace_id, last_event_id=first[-1]["seq"])
    events = first + rest
    _assert_well_formed(events, trace_id)
    run = Run.objects.select_related("result_message").get(id=trace_id)
    assert run.result_message is not None
    assert (
        "".join(e["message"] for e in events if e["type"] == "content")
        == run.result_message.content
    )


def test_stream_of_another_users_run_is_404(api: httpx.Client, live_stack: LiveStack):
    trace_id = _start(api)
    intruder = api_token_create(user=UserFactory(), name="x").secret
    response = httpx.get(
        f"{live_stack.url}/api/stream/{trace_id}", headers={"Authorization": f"Bearer {intruder}"}
    )
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"
    # Let the run finish so the worker is idle for the next test.
    deadline = time.monotonic() + 30
    while Run.objects.get(id=trace_id).is_active and time.monotonic() < deadline:
        time.sleep(0.2)
