"""A writer adds a PDF and a DOCX on My files, attaches them to a request and reads a draft that
quotes and cites them — in Debian's Chromium, against the real stack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_compose import SHOTS, browser, writer
from tests.factories import PASSWORD
from tests.files.builders import make_docx, make_pdf
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "writer"]

META = {"/Title": "Algorithmic Triage", "/Author": "Jane Smith"}
# The year is the publication date its XMP states; its /CreationDate would not count.
PDF_XMP = {"prism:publicationDate": "2020-05-04", "xmp:CreateDate": "2023-01-09T10:00:00Z"}


def test_upload_attach_and_read_a_cited_draft(writer, browser, live_stack: LiveStack, tmp_path):
    pdf, docx = tmp_path / "triage-study.pdf", tmp_path / "interviews.docx"
    pdf.write_bytes(make_pdf(metadata=META, xmp=PDF_XMP))
    docx.write_bytes(make_docx())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(f"{live_stack.url}/files/")
        page.fill("#id_username", writer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("#upload")).to_be_visible()

        page.set_input_files("#id_uploads", [str(pdf), str(docx)])
        page.click("#upload button[type=submit]")
        # Each row polls itself until the worker has read the file.
        expect(page.locator("tr.file.status-ready")).to_have_count(2, timeout=30_000)
        expect(page.locator("#library")).to_contain_text("3 pages")
        page.screenshot(path=str(SHOTS / "my-files.png"), full_page=True)

        page.click(".sidebar .new-piece")
        page.click("#compose .attach > summary")  # the composer's "Attach files"
        page.fill("#id_prompt", "Write an essay on trust and accountability in algorithmic triage.")
        page.fill("#id_target_word_count", "500")
        page.check("text=triage-study.pdf")
        page.check("text=interviews.docx")
        page.click("#compose button[type=submit]")
        expect(page.locator(".material")).to_contain_text("triage-study.pdf")
        document = page.locator(".run .document")
        expect(document).to_contain_text("(Smith, 2020, p.", timeout=30_000)
        expect(document).to_contain_text("(Khan, 2022, p.")
        expect(document.locator("h2").last).to_have_text("References")
        page.screenshot(path=str(SHOTS / "cited-draft.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e or "htmx" in e.lower()]
    finally:
        page.close()
        # The ORM cannot run beside Playwright's loop: remove the writer's uploads by path.
        shutil.rmtree(Path(settings.MEDIA_ROOT) / str(writer.id), ignore_errors=True)
