from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from apps.accounts.services import api_token_create, api_token_revoke
from apps.conversations.models import Message, Run
from apps.streaming.models import RunEvent
from tests.factories import MessageFactory, RunFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

DONE = {
    "message": "Plan complete",
    "final_word_count": 2,
    "processing_time": 0.5,
    "system_used": "simple",
}


@sync_to_async
def _finished_run(user):
    run = RunFactory(conversation__user=user, status=Run.Status.SUCCEEDED, word_count=2)
    run.result_message = MessageFactory(
        conversation=run.conversation, role=Message.Role.ASSISTANT, content="# Hi there"
    )
    run.save()
    now = timezone.now()
    RunEvent.objects.create(
        run=run,
        seq=1,
        type="routing",
        payload={"system": "simple", "complexity": 1.0, "reason": "short"},
        created_at=now,
    )
    RunEvent.objects.create(
        run=run,
        seq=2,
        type="content",
        payload={"message": "# Hi there", "is_complete": True, "word_count": 2},
        created_at=now,
    )
    RunEvent.objects.create(run=run, seq=3, type="done", payload=DONE, created_at=now)
    return run


async def _bearer(user) -> dict[str, str]:
    issued = await sync_to_async(api_token_create)(user=user, name="t")
    return {"Authorization": f"Bearer {issued.secret}"}


async def _body(response) -> str:
    return b"".join([chunk async for chunk in response.streaming_content]).decode()


def _data_events(body: str) -> list[dict]:
    return [
        json.loads(line[len("data: ") :]) for line in body.splitlines() if line.startswith("data: ")
    ]


@pytest.fixture
async def owner():
    return await sync_to_async(UserFactory)()


async def test_api_stream_replays_a_finished_run_with_ids(owner):
    run = await _finished_run(owner)
    response = await AsyncClient().get(
        reverse("api:stream", args=[run.id]), headers=await _bearer(owner)
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    body = await _body(response)
    assert body.startswith("retry: 2000\n: connected\n\n")
    events = _data_events(body)
    assert [e["seq"] for e in events] == [1, 2, 3]
    assert [line for line in body.splitlines() if line.startswith("id: ")] == [
        "id: 1",
        "id: 2",
        "id: 3",
    ]
    assert events[2]["type"] == "done"
    assert {e["run_id"] for e in events} == {str(run.id)}
    assert {e["conversation_id"] for e in events} == {str(run.conversation_id)}


async def test_api_stream_resumes_after_last_event_id(owner):
    run = await _finished_run(owner)
    headers = {**await _bearer(owner), "Last-Event-ID": "2"}
    events = _data_events(
        await _body(await AsyncClient().get(reverse("api:stream", args=[run.id]), headers=headers))
    )
    assert [e["seq"] for e in events] == [3]


async def test_api_stream_errors_are_json(owner):
    run = await _finished_run(owner)
    url = reverse("api:stream", args=[run.id])
    anonymous = await AsyncClient().get(url)
    assert anonymous.status_code == 401
    assert anonymous.json()["error_code"] == "authentication_required"
    bad = await AsyncClient().get(url, headers={"Authorization": "Bearer nope"})
    assert (bad.status_code, bad.json()["error_code"]) == (401, "invalid_token")
    malformed = await AsyncClient().get(url, headers={"Authorization": "Token abc"})
    assert malformed.json()["error_code"] == "invalid_token"
    auth = await _bearer(owner)
    client = AsyncClient()
    not_uuid = await client.get(reverse("api:stream", args=["not-a-uuid"]), headers=auth)
    assert (not_uuid.status_code, not_uuid.json()["error_code"]) == (404, "not_found")
    bad_id = await client.get(url, headers={**auth, "Last-Event-ID": "abc"})
    assert (bad_id.status_code, bad_id.json()["error_code"]) == (400, "invalid_last_event_id")


async def test_revoked_token_cannot_stream(owner):
    run = await _finished_run(owner)
    issued = await sync_to_async(api_token_create)(user=owner, name="gone")
    await sync_to_async(api_token_revoke)(token=issued.token)
    response = await AsyncClient().get(
        reverse("api:stream", args=[run.id]), headers={"Authorization": f"Bearer {issued.secret}"}
    )
    assert response.status_code == 401


async def test_another_users_run_is_404_on_both_streams(owner):
    run = await _finished_run(owner)
    intruder = await sync_to_async(UserFactory)()
    response = await AsyncClient().get(
        reverse("api:stream", args=[run.id]), headers=await _bearer(intruder)
    )
    assert (response.status_code, response.json()["error_code"]) == (404, "not_found")
    ui = AsyncClient()
    await sync_to_async(ui.force_login)(intruder)
    assert (await ui.get(reverse("conversations:run_stream", args=[run.id]))).status_code == 404


async def test_html_stream_needs_a_session(owner):
    run = await _finished_run(owner)
    assert (
        await AsyncClient().get(reverse("conversations:run_stream", args=[run.id]))
    ).status_code == 403


async def test_html_stream_renders_the_same_fragments_as_the_page(owner):
    run = await _finished_run(owner)
    client = AsyncClient()
    await sync_to_async(client.force_login)(owner)
    body = await _body(
        await client.get(reverse("conversations:run_stream", args=[run.id]) + "?last_event_id=0")
    )
    assert (
        'event: timeline\ndata: <li class="tl tl-routing" data-seq="1">'
        "Router chose the simple pipeline" in body
    )
    # The draft as formatted text (the final document's filter), not raw Markdown.
    assert "event: draft\ndata: <h1>Hi there</h1>" in body
    assert body.count("event: status\ndata: Running") == 1
    assert "event: finished" in body
    finished = body.split("event: finished\n", 1)[1]
    html = "\n".join(
        line[len("data: ") :] for line in finished.splitlines() if line.startswith("data: ")
    )
    assert f'id="run-{run.id}"' in html
    assert "<h1>Hi there</h1>" in html
    assert "sse-connect" not in html


@pytest.mark.parametrize("after", ["3", "4", "103", str(2**31), str(2**63), str(10**23)])
async def test_resuming_at_or_past_a_finished_runs_end_answers_204_at_once(owner, after):
    run = await _finished_run(owner)
    response = await asyncio.wait_for(
        AsyncClient().get(
            reverse("api:stream", args=[run.id]),
            headers={**(await _bearer(owner)), "Last-Event-ID": after},
        ),
        timeout=1,
    )
    # 204 is what stops an EventSource from reconnecting; nothing is sent.
    assert response.status_code == 204
    assert response.content == b""


async def test_resuming_just_before_the_end_sends_only_the_end(owner):
    run = await _finished_run(owner)
    response = await AsyncClient().get(
        reverse("api:stream", args=[run.id]),
        headers={**(await _bearer(owner)), "Last-Event-ID": "2"},
    )
    body = await asyncio.wait_for(_body(response), timeout=1)
    assert [e["seq"] for e in _data_events(body)] == [3]


async def test_the_page_stream_also_ends_at_once_past_the_end(owner):
    run = await _finished_run(owner)
    client = AsyncClient()
    await sync_to_async(client.force_login)(owner)
    response = await asyncio.wait_for(
        client.get(
            reverse("conversations:run_stream", args=[run.id]), headers={"Last-Event-ID": "9"}
        ),
        timeout=1,
    )
    assert response.status_code == 204
