"""Uploads through the real stack: Daphne takes the files, the Celery worker extracts them, the
pipeline quotes and cites them, and the stream carries the cited draft."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from apps.accounts.services import api_token_create
from apps.conversations.models import Run
from tests.factories import UserFactory
from tests.files.builders import make_docx, make_pdf
from tests.live import LiveStack, iter_sse, wait_files_ready

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

META = {"/Title": "Algorithmic Triage", "/Author": "Jane Smith"}
# The year is the publication date its XMP states; its /CreationDate would not count.
PDF_XMP = {"prism:publicationDate": "2020-05-04", "xmp:CreateDate": "2023-01-09T10:00:00Z"}


def test_uploaded_pdf_and_docx_are_extracted_by_the_worker_and_cited(live_stack: LiveStack):
    user = UserFactory()
    secret = api_token_create(user=user, name="e2e").secret
    with httpx.Client(
        base_url=live_stack.url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as api:
        response = api.post(
            "/api/files/upload",
            files=[
                (
                    "files",
                    ("triage-study.pdf", make_pdf(metadata=META, xmp=PDF_XMP), "application/pdf"),
                ),
                ("files", ("interviews.docx", make_docx(), "application/octet-stream")),
            ],
        )
        assert response.status_code == 200, response.text
        file_ids = response.json()["file_ids"]
        wait_files_ready(api, file_ids)
        response = api.post(
            "/api/chat",
            json={
                "prompt": "Write an essay on trust and accountability in algorithmic triage.",
                "mode": "essay",
                "file_ids": file_ids,
                "user_params": {"citationStyle": "APA", "wordCount": 500, "model": "offline"},
            },
        )
        assert response.status_code == 200, response.text
        trace_id = response.json()["trace_id"]
        events = []
        with api.stream(
            "GET", f"/api/stream/{trace_id}", timeout=httpx.Timeout(60, read=30)
        ) as stream:
            for message in iter_sse(stream.iter_lines()):
                events.append(message.json())
    try:
        assert events[-1]["type"] == "done", events[-1]
        # The writer's material (scholarly search may report its own indexes too).
        research = [e for e in events if e["type"] == "research" and e["agent"] == "user_material"]
        assert research[-1]["sources_found"] > 0
        streamed = "".join(e["message"] for e in events if e["type"] == "content")
        run = Run.objects.select_related("result_message").get(id=trace_id)
        assert run.result_message is not None
        assert streamed == run.result_message.content
        assert re.search(r"” \(Smith, 2020, p\. \d\)", streamed)
        assert re.search(r"” \(Khan, 2022, p\. \d\)", streamed)
        assert "## References" in streamed
        assert run.quality_report["citations_ok"] is True
    finally:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / str(user.id), ignore_errors=True)
