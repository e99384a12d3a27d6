"""The writer sees how well their piece is cited: a model that misbehaves writes through the UI,
and the run card shows the document, then the quality report and the sources outside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_compose import SHOTS, browser, writer  # noqa: F401 (fixtures)
from tests.citations.material import material_files
from tests.factories import PASSWORD
from tests.fakes.llm_server import fake_model
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_run_card_shows_the_quality_report_beside_the_document(
    writer,  # noqa: F811
    browser,  # noqa: F811
    live_stack: LiveStack,
    tmp_path,
):
    paths = []
    for name, data in material_files():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(f"{live_stack.url}/files/")
        page.fill("#id_username", writer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.set_input_files("#id_uploads", [str(p) for p in paths])
        page.click("#upload button[type=submit]")
        expect(page.locator("tr.file.status-ready")).to_have_count(2, timeout=30_000)

        page.click(".sidebar .new-piece")
        page.click("#compose .attach > summary")  # the composer's "Attach files"
        page.fill("#id_prompt", "Write an essay on urban heat islands and how cities cool them.")
        page.fill("#id_target_word_count", "500")
        page.select_option("#id_citation_style", "apa7")
        page.select_option("#id_model", fake_model("mixed"))
        page.check("text=heat.bib")
        page.check("text=heat-plan.pdf")
        page.click("#compose button[type=submit]")

        run = page.locator(".run")
        expect(run).to_have_attribute("data-status", "succeeded", timeout=60_000)
        document = run.locator(".document")
        expect(document.locator("h2").last).to_have_text("References")
        expect(document).not_to_contain_text("[S")
        expect(document).not_to_contain_text("(Smith, 2019)")
        quality = run.locator("details.quality")
        expect(quality).to_be_visible()
        expect(quality.locator("> summary")).to_contain_text("removed")
        # Outside the document: it names what was taken out of it.
        assert document.locator("details.quality").count() == 0
        quality.locator("> summary").click()
        expect(quality).to_contain_text("Removed from the text")
        expect(quality).to_contain_text("Support")
        expect(quality).to_contain_text("Originality")
        run.locator("details.sources summary").click()
        expect(run.locator(".source-list li").first).to_contain_text("S1")
        quality.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "quality-report.png"), full_page=True)
        assert not [e for e in errors if "Content Security Policy" in e or "htmx" in e.lower()]
    finally:
        page.close()
        shutil.rmtree(Path(settings.MEDIA_ROOT) / str(writer.id), ignore_errors=True)
