"""A writer finishes a run and clicks every export button: each gives a file that its reader
library opens. The PDF's first page and the DOCX (through LibreOffice) are saved as PNGs in
test-artifacts/exports/ for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from apps.exports.document import parse_document
from devtools.previews import have_tools, office_to_pdf, pdf_page_png
from tests.exports.readers import docx_headings, open_docx, open_pdf, open_pptx, squash
from tests.factories import PASSWORD, UserFactory
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"
FORMATS = ["docx", "pdf", "pptx", "md", "summary", "summary_docx"]
TITLE = "Microplastics in freshwater ecosystems and their effects on fish health"


@pytest.fixture
def writer(transactional_db):
    return UserFactory(first_name="Ada", last_name="Writer")


@pytest.fixture
def browser(writer):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def test_each_export_button_downloads_a_file(writer, browser, live_stack: LiveStack):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        accept_downloads=True, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_stack.url}/accounts/login/")
    page.fill("#id_username", writer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_prompt", f"Write an essay on {TITLE.lower()}.")
    page.select_option("#id_citation_style", "apa7")
    page.fill("#id_target_word_count", "800")
    page.click("#compose button[type=submit]")
    expect(page.locator(".run .document h1")).to_have_text(TITLE, timeout=30_000)
    conversation_url = page.url
    # The card that arrived over the stream brings its buttons.
    expect(page.locator(".run .exports button[name=format]")).to_have_count(len(FORMATS))
    page.click(".exports details summary")
    page.fill(".exports input[name=course]", "BIO 310 Freshwater Ecology")
    page.screenshot(path=str(ARTIFACTS / "buttons.png"), full_page=True)

    files: dict[str, Path] = {}
    for format in FORMATS:
        if page.url != conversation_url:
            page.goto(conversation_url)
            page.click(".exports details summary")
            page.fill(".exports input[name=course]", "BIO 310 Freshwater Ecology")
        with page.expect_download(timeout=30_000) as download_info:
            page.click(f'.exports button[value="{format}"]')
        download = download_info.value
        assert download.suggested_filename.startswith("microplastics-in-freshwater-ecosystems")
        target = ARTIFACTS / download.suggested_filename
        download.save_as(target)
        files[format] = target

    assert files["docx"].name.endswith("-v1.docx")
    doc = open_docx(files["docx"].read_bytes())
    assert doc.core_properties.title == TITLE
    assert "BIO 310 Freshwater Ecology" in [p.text for p in doc.paragraphs[:8]]
    outline = parse_document(files["md"].read_text()).outline
    assert docx_headings(doc)[: len(outline)] == outline
    assert TITLE in squash(open_pdf(files["pdf"].read_bytes()).pages[0].extract_text())
    assert open_pptx(files["pptx"].read_bytes()).slides[0].shapes.title.text == TITLE
    assert files["md"].read_text().startswith(f"# {TITLE}\n")
    assert files["summary"].name.endswith("-v1-summary.md")
    assert files["summary"].read_text().startswith(f"# Summary: {TITLE}")
    assert docx_headings(open_docx(files["summary_docx"].read_bytes())) == [f"Summary: {TITLE}"]

    # Copy as Markdown: the script reveals the button; the clipboard gets the document.
    page.goto(conversation_url)
    page.click(".exports button.copy-markdown")
    expect(page.locator(".exports .copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == files["md"].read_text()
    assert not [e for e in errors if "Content Security Policy" in e], errors

    if have_tools():
        pdf_page_png(files["pdf"], ARTIFACTS / "pdf-page-1.png")
        converted = office_to_pdf(files["docx"], ARTIFACTS)
        pdf_page_png(converted, ARTIFACTS / "docx-page-1.png")
        pdf_page_png(converted, ARTIFACTS / "docx-page-2.png", page=2)
        slides = office_to_pdf(files["pptx"], ARTIFACTS)
        pdf_page_png(slides, ARTIFACTS / "pptx-slide-2.png", page=2)
        assert (ARTIFACTS / "docx-page-1.png").stat().st_size > 0
