"""Citations through the whole product: the API, a real Daphne, a real Celery worker writing with
the fake model server in each provider's wire format. What the writer reads — the stored
document, the page, the API stream — cites only listed sources, whatever the model did."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.test import Client
from lxml import html

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from tests.citations.checks import HEX_KEY, RAW_HANDLE, problems, split
from tests.citations.material import material_files
from tests.factories import UserFactory
from tests.fakes.llm_server import Provider, fake_model
from tests.live import LiveStack, iter_sse, wait_files_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROMPT = "Write an essay on urban heat islands: their causes, health effects and mitigation."
# (behaviour, provider, style, the removals the report must count)
CASES: list[tuple[str, Provider, str, set[str]]] = [
    ("obeys", "openai", "apa7", set()),
    ("obeys", "anthropic", "ieee", set()),
    ("invents-handles", "compatible", "harvard", {"unknown_handle"}),
    ("invents-authordate", "anthropic", "mla9", {"invented_author_date"}),
    ("invents-numeric", "openai", "ieee", {"invented_numeric"}),
    ("own-references", "compatible", "chicago_author_date", {"model_reference_list"}),
    ("bad-page", "openai", "apa7", {"locator_not_in_source"}),
    ("html", "anthropic", "harvard", {"markup", "external_image"}),
    ("instructions", "compatible", "mla9", set()),
    ("no-citations", "openai", "chicago_author_date", set()),
    ("too-short", "anthropic", "apa7", set()),
    ("too-long", "compatible", "ieee", set()),
]


@pytest.fixture
def writer(transactional_db, live_stack: LiveStack):
    """A writer with a token, a browser session and their material uploaded through Daphne and
    extracted by the worker."""
    user = UserFactory()
    token = api_token_create(user=user, name="e2e").secret
    browser = Client()
    browser.force_login(user)
    with httpx.Client(
        base_url=live_stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as api:
        uploaded = api.post(
            "/api/files/upload",
            files=[("files", (name, data)) for name, data in material_files()],
        )
        assert uploaded.status_code == 200, uploaded.text
        file_ids = uploaded.json()["file_ids"]
        wait_files_ready(api, file_ids)
    try:
        yield file_ids, token, browser.cookies[settings.SESSION_COOKIE_NAME].value
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / str(user.id), ignore_errors=True)


def _stream(client: httpx.Client, trace_id: str) -> tuple[list[dict[str, Any]], str, list[str]]:
    """Every event of the run's API stream, the document a reader of it ends up with (a
    `replace` restarts it) and each state of that document along the way."""
    events: list[dict[str, Any]] = []
    text, states = "", []
    with client.stream(
        "GET", f"/api/stream/{trace_id}", timeout=httpx.Timeout(120, read=60)
    ) as response:
        assert response.status_code == 200
        for message in iter_sse(response.iter_lines()):
            event = message.json()
            events.append(event)
            if event["type"] == "content":
                text = event["message"] if event.get("replace") else text + event["message"]
                states.append(text)
    return events, text, states


def _document_html(page: str) -> str:
    """The inner HTML of the page's one `.document` element."""
    documents = html.fromstring(page).find_class("document")
    assert len(documents) == 1, "the page must hold the document in one .document element"
    return "".join(html.tostring(child, encoding="unicode") for child in documents[0])


@pytest.mark.parametrize(("behaviour", "provider", "style", "removed"), CASES)
def test_the_writer_reads_only_verified_citations_whatever_the_model_did(
    writer, live_stack: LiveStack, behaviour, provider, style, removed
):
    file_ids, token, session = writer
    model = fake_model(behaviour, provider)
    with httpx.Client(
        base_url=live_stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as api:
        started = api.post(
            "/api/chat",
            json={
                "prompt": PROMPT,
                "mode": "essay",
                "file_ids": file_ids,
                "user_params": {"citationStyle": style, "wordCount": 500, "model": model},
            },
        )
        assert started.status_code == 200, started.text
        trace_id = started.json()["trace_id"]
        events, streamed, states = _stream(api, trace_id)
        detail = api.get(f"/api/runs/{trace_id}").json()["run"]

    assert events[-1]["type"] == "done", events[-1]
    run = Run.objects.select_related("result_message").get(id=trace_id)
    assert run.result_message is not None
    document = run.result_message.content
    # The stored document, checked by an independent reading of the style.
    assert problems(document, style) == []
    # The API stream: the same document, and no moment of it showed a handle or a key.
    assert streamed == document
    for state in states:
        assert not RAW_HANDLE.search(state)
        assert not HEX_KEY.search(state)
    # The quality report, in the done event and the API, counts what was removed.
    quality = detail["quality"]
    assert events[-1]["quality"] == quality
    assert removed <= set(quality["citations_removed_by_kind"]), quality["citations_removed"]
    assert quality["citations_ok"] is True
    _, references = split(document, style)
    assert quality["references"] == len(references)
    if behaviour == "too-short":
        assert quality["word_count_ok"] is False
        assert "short of the target" in events[-1]["message"]
    else:
        assert quality["word_count_ok"] is True, quality["word_count"]

    # The page: the document in its own element, the report and the sources outside it.
    cookies = {settings.SESSION_COOKIE_NAME: session}
    with httpx.Client(base_url=live_stack.url, cookies=cookies) as browser:
        page = browser.get(f"/conversations/{run.conversation_id}/").text
    shown = _document_html(page)
    assert not RAW_HANDLE.search(shown)
    assert "<script" not in shown
    assert "evil.example" not in shown
    # The report may name what was removed, as text: nothing on the page loads or runs it.
    assert not html.fromstring(page).xpath(
        "//img[contains(@src, 'evil')]|//iframe|//script[not(@src)]"
    )
    assert f'id="quality-{run.id}"' in page
    assert page.index(f'id="quality-{run.id}"') > page.index('class="document')
    if quality["citations_removed"]:
        assert "Removed from the text" in page
    if behaviour == "too-short":
        assert 'class="notice off-target"' in page
