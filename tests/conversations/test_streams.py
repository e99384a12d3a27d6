"""The run card's live HTML stream: each event becomes the fragment the page swaps in."""

from __future__ import annotations

from typing import Any, cast

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.urls import reverse

from apps.conversations.models import Run
from apps.conversations.progress import RunProgress
from apps.conversations.selectors import run_card
from apps.conversations.streams import HtmlRenderer
from apps.streaming.events import Event
from apps.streaming.sse import Heartbeat, Opened
from tests.factories import RunEventFactory, RunFactory, UserFactory

ENVELOPE = {"conversation_id": "c", "run_id": "r", "timestamp": "2026-01-01T00:00:00Z"}


def _event(seq: int, kind: str, **fields: Any) -> Event:
    return cast("Event", {**ENVELOPE, "seq": seq, "type": kind, **fields})


def _content(seq: int, message: str, **fields: Any) -> Event:
    return _event(
        seq, "content", **{"message": message, "is_complete": False, "word_count": 3, **fields}
    )


class Finished:
    """The final card's context, counting how often the stream asked for it."""

    def __init__(self, context: dict[str, Any] | None = None) -> None:
        self.context = context or {}
        self.calls = 0

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        return self.context


def _renderer(finished: Finished | None = None) -> HtmlRenderer:
    return HtmlRenderer(progress=RunProgress(), finished_context=finished or Finished())


async def test_control_items_are_a_retry_hint_and_comments():
    renderer = _renderer()
    assert await renderer.render(Opened()) == "retry: 2000\n: connected\n\n"
    assert await renderer.render(Heartbeat()) == ": heartbeat\n\n"


async def test_the_first_event_turns_the_badge_to_running_once():
    renderer = _renderer()
    routing = await renderer.render(
        _event(1, "routing", system="simple", complexity=2.0, reason="short")
    )
    assert routing.startswith("event: status\ndata: Running\n\n")
    assert (
        'id: 1\nevent: timeline\ndata: <li class="tl tl-routing" data-seq="1">'
        "Router chose the simple pipeline (complexity 2.0/10): short</li>\n\n"
    ) in routing
    assert "event: status" not in await renderer.render(_content(2, "More."))


@pytest.fixture
def slow_renders(settings):
    """Renders of the draft held back for an hour: only urgent ones go out in a test."""
    settings.DRAFT_RENDER_SECONDS = 3600


async def test_content_renders_the_whole_draft_so_far_as_formatted_html(slow_renders):
    renderer = _renderer()
    await renderer.render(_event(1, "routing", system="simple", complexity=1.0, reason="r"))
    out = await renderer.render(_content(2, "Cities <b>are</b> *warm*.\n\nNext"))
    assert out == (
        "id: 2\nevent: draft\n"
        "data: <p>Cities &lt;b&gt;are&lt;/b&gt; <em>warm</em>.</p>\ndata: <p>Next</p>\ndata: \n\n"
    )
    assert renderer.progress.draft == "Cities <b>are</b> *warm*.\n\nNext"


async def test_deltas_within_the_render_interval_are_held_back_but_move_the_id(slow_renders):
    renderer = _renderer()
    await renderer.render(_content(1, "Cities "))
    assert await renderer.render(_content(2, "are warm")) == "id: 2\n: content\n\n"
    complete = await renderer.render(_content(3, ".", is_complete=True))
    assert complete.startswith("id: 3\nevent: draft\ndata: <p>Cities are warm.</p>")


async def test_a_replace_content_event_sends_the_replaced_draft_at_once(slow_renders):
    renderer = _renderer()
    await renderer.render(_content(1, "Cities are warm (Okafor, 2020a)."))
    out = await renderer.render(_content(2, "Cities are warm (Okafor, 2020).", replace=True))
    assert out == "id: 2\nevent: draft\ndata: <p>Cities are warm (Okafor, 2020).</p>\ndata: \n\n"
    assert "event: content" not in out
    assert renderer.progress.draft == "Cities are warm (Okafor, 2020)."


async def test_writing_progress_announces_the_section_and_renders_the_sections_fragment():
    renderer = _renderer()
    await renderer.render(_event(1, "routing", system="simple", complexity=1.0, reason="r"))
    out = await renderer.render(
        _event(2, "writing", section="Introduction", progress=50, word_count=120, agent="writer")
    )
    assert out.startswith("id: 2\nevent: announce\ndata: Writing: Introduction\n\n")
    assert "id: 2\nevent: sections\n" in out
    assert '<span class="section-title">Introduction</span>' in out
    assert '<progress max="100" value="50">50%</progress>' in out
    again = await renderer.render(
        _event(3, "writing", section="Introduction", progress=90, word_count=200, agent="writer")
    )
    assert "event: announce" not in again


async def test_a_running_event_does_not_ask_for_the_finished_card():
    finished = Finished()
    renderer = _renderer(finished)
    await renderer.render(_event(1, "usage", model="m", tokens_in=1, tokens_out=2, cost_usd=0.0))
    assert finished.calls == 0


@pytest.mark.django_db(transaction=True)
async def test_the_last_event_sends_the_finished_run_card_from_the_rows():
    run = await sync_to_async(RunFactory)(status=Run.Status.FAILED, error_message="It broke.")
    card = await sync_to_async(run_card)(run=run)
    finished = Finished(card.context)
    renderer = _renderer(finished)
    out = await renderer.render(_event(1, "error", error_message="It broke.", error_code="x"))
    assert finished.calls == 1
    assert "id: 1\nevent: finished\n" in out
    assert f'id="run-{run.id}"' in out


@pytest.mark.django_db(transaction=True)
async def test_a_bad_last_event_id_is_refused_and_a_finished_reader_gets_204():
    user = await sync_to_async(UserFactory)()
    run = await sync_to_async(RunFactory)(conversation__user=user, status=Run.Status.SUCCEEDED)
    await sync_to_async(RunEventFactory)(
        run=run, seq=1, type="error", payload={"error_message": "x", "error_code": "y"}
    )
    client = AsyncClient()
    await sync_to_async(client.force_login)(user)
    url = reverse("conversations:run_stream", args=[run.id])
    assert (await client.get(url, headers={"Last-Event-ID": "-1"})).status_code == 400
    assert (await client.get(url + "?last_event_id=abc")).status_code == 400
    ended = await client.get(url, headers={"Last-Event-ID": "1"})
    assert (ended.status_code, ended.content) == (204, b"")
