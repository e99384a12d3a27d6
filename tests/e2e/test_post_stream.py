"""`POST /api/chat` with `Accept: text/event-stream`: the answer is the run's stream, from its
`queued` event, without a second request."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.test_api_stream import PROMPT, _assert_well_formed, api  # noqa: F401 -- fixture
from tests.live import iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SSE = {"Accept": "text/event-stream"}


def test_post_answers_with_the_runs_stream_from_queued_to_done(api: httpx.Client):  # noqa: F811
    with api.stream("POST", "/api/chat", json=PROMPT, headers=SSE) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        trace_id = response.headers["x-trace-id"]
        events = []
        for message in iter_sse(response.iter_lines()):
            event = message.json()
            assert message.id == str(event["seq"])
            events.append(event)
    _assert_well_formed(events, trace_id)
    # The same run, replayed by the usual stream, is the same events.
    replay = api.get(f"/api/stream/{trace_id}").text
    assert [m.json() for m in iter_sse(iter(replay.splitlines()))] == events


def test_a_refused_post_keeps_its_json_answer(api: httpx.Client):  # noqa: F811
    response = api.post("/api/chat", json={**PROMPT, "prompt": ""}, headers=SSE)
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
