from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.factories import PASSWORD, UserFactory
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"

# Watches the page from before the submit: did the draft show text while the run was live?
WATCH_DRAFT = """
window.__draftSeenLive = false;
new MutationObserver(() => {
  const draft = document.querySelector(
    '.run[data-status="queued"] .draft, .run[data-status="running"] .draft');
  if (draft && draft.textContent.trim().length > 0) window.__draftSeenLive = true;
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


@pytest.fixture
def writer(transactional_db):
    # Made before Playwright starts: its sync API runs an event loop, and the ORM refuses to run
    # inside one.
    return UserFactory()


@pytest.fixture
def browser(writer):
    # Debian's Chromium: Playwright must never download a browser of its own.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def test_writer_logs_in_submits_and_watches_the_draft_stream(
    writer, browser, live_stack: LiveStack
):
    user = writer
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_stack.url}/")
    expect(page).to_have_url(f"{live_stack.url}/accounts/login/?next=/conversations/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#compose")).to_be_visible()

    page.fill(
        "#id_prompt",
        "Write a literature review on microplastics in freshwater ecosystems "
        "and their effects on fish health.",
    )
    page.select_option("#id_writeup_type", "literature_review")
    page.select_option("#id_academic_level", "doctoral")
    page.fill("#id_target_word_count", "6000")
    page.evaluate(WATCH_DRAFT)
    page.click("#compose button[type=submit]")

    # No reload: the same document now shows the run and its URL.
    expect(page.locator(".run")).to_have_count(1)
    assert page.evaluate("window.__draftSeenLive !== undefined")
    expect(page.locator(".timeline li").first).to_contain_text("Router chose the advanced pipeline")
    expect(page.locator(".run .document h1")).to_have_text(
        "Microplastics in freshwater ecosystems and their effects on fish health", timeout=30_000
    )
    assert page.evaluate("window.__draftSeenLive") is True
    assert "/conversations/" in page.url
    expect(page.locator(".run")).to_have_attribute("data-status", "succeeded")
    expect(page.locator(".run-stats .words")).to_contain_text("words")
    expect(page.locator(".document h2").first).to_have_text("1. Introduction and scope")
    page.screenshot(path=str(SHOTS / "run-finished.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "htmx" in e.lower()], errors
