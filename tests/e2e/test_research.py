"""Scholarly research through the whole product: a writer with no files asks for a piece, the
real worker searches the four indexes (replayed from recorded bodies by a local server), and the
document cites only records it retrieved and checked, in every style."""

from __future__ import annotations

import httpx
import pytest

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from tests.citations.checks import problems, split
from tests.factories import UserFactory
from tests.fakes.llm_server import Provider, fake_model
from tests.fakes.scholarly_server import FakeScholarlyServer
from tests.live import LiveStack, iter_sse

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROMPT = (
    "Write a literature review on ecological forecasting under uncertainty, the Turing test for "
    "large language models, and open access to the research literature."
)
CASES: list[tuple[str, Provider]] = [
    ("apa7", "openai"),
    ("harvard", "anthropic"),
    ("mla9", "compatible"),
    ("chicago_author_date", "openai"),
    ("ieee", "anthropic"),
]


@pytest.fixture
def armed(fake_indexes: FakeScholarlyServer):
    fake_indexes.arm()
    yield fake_indexes
    fake_indexes.arm(False)


@pytest.mark.parametrize(("style", "provider"), CASES)
def test_with_no_files_every_reference_is_a_retrieved_checked_record(
    armed, live_stack: LiveStack, style, provider
):
    user = UserFactory()
    token = api_token_create(user=user, name="e2e").secret
    with httpx.Client(
        base_url=live_stack.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as api:
        started = api.post(
            "/api/chat",
            json={
                "prompt": PROMPT,
                "mode": "literature_review",
                "user_params": {
                    "citationStyle": style,
                    "wordCount": 600,
                    "model": fake_model("obeys", provider),
                },
            },
        )
        assert started.status_code == 200, started.text
        trace_id = started.json()["trace_id"]
        events = []
        with api.stream("GET", f"/api/stream/{trace_id}", timeout=httpx.Timeout(120, read=60)) as r:
            events = [m.json() for m in iter_sse(r.iter_lines())]
    assert events[-1]["type"] == "done"
    run = Run.objects.select_related("result_message").get(id=trace_id)
    document = run.result_message.content if run.result_message else ""
    assert problems(document, style) == []
    _, references = split(document, style)
    quality = run.quality_report
    cited = [s for s in quality["sources"] if s["cited"]]
    assert len(references) == len(cited) >= 3
    for source in cited:
        # A record found by search (no file of the writer's), checked against its registry.
        assert source["origin"] in {"openalex", "crossref", "arxiv", "semantic_scholar"}
        assert source["verification"] in {"verified", "unverified"}
    # The retracted work the OpenAlex recording carries is warned about, never cited.
    rejected = quality["research"]["rejected"]
    assert [w["verification"] for w in rejected] == ["retracted"]
    assert rejected[0]["title"][:40] not in document
    # Each index was asked, and said so live.
    completed = {
        e["agent"] for e in events if e["type"] == "research" and e["status"] == "completed"
    }
    assert {"openalex", "crossref", "arxiv", "semantic_scholar"} <= completed
    assert any(path.startswith("/s2/paper/search") for path in armed.requests)
