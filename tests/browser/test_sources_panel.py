"""The sources panel of a piece written from scholarly search: where each source came from,
whether it was checked, its links, and the writer's actions on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_compose import SHOTS, browser, writer  # noqa: F401 (fixtures)
from tests.factories import PASSWORD
from tests.fakes.llm_server import fake_model
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_piece_from_search_shows_its_checked_sources_and_the_retracted_one(
    writer,  # noqa: F811
    browser,  # noqa: F811
    live_stack: LiveStack,
    fake_indexes,
):
    fake_indexes.arm()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    try:
        page.goto(f"{live_stack.url}/")
        page.fill("#id_username", writer.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.fill(
            "#id_prompt",
            "Write a literature review on ecological forecasting under uncertainty and the "
            "Turing test for large language models, with open access research.",
        )
        page.fill("#id_target_word_count", "600")
        page.select_option("#id_model", fake_model("obeys", "anthropic"))
        page.click("#compose button[type=submit]")
        run = page.locator(".run")
        expect(run).to_have_attribute("data-status", "succeeded", timeout=60_000)
        panel = run.locator("details.sources")
        expect(panel.locator("> summary")).to_contain_text("retracted")
        panel.locator("> summary").click()
        expect(panel.locator(".source-list li").first).to_contain_text("S1")
        expect(panel).to_contain_text("Semantic Scholar")
        expect(panel.locator(".verification").first).to_be_visible()
        expect(panel.locator("a", has_text="doi:").first).to_be_visible()
        expect(panel.locator("button", has_text="Exclude and regenerate").first).to_be_visible()
        expect(panel.locator(".rejected")).to_contain_text("Retracted")
        panel.scroll_into_view_if_needed()
        panel.screenshot(path=str(SHOTS / "sources-panel.png"))
        page.screenshot(path=str(SHOTS / "piece-from-search.png"), full_page=True)

        # Exclude the first source: a new version is written without it.
        first_title = panel.locator(".source-list li cite").first.inner_text()
        panel.locator("button", has_text="Exclude and regenerate").first.click()
        expect(page.locator(".run")).to_have_count(2, timeout=15_000)
        newest = page.locator(".run").last
        expect(newest).to_have_attribute("data-status", "succeeded", timeout=60_000)
        expect(newest.locator(".document")).not_to_contain_text(first_title[:40])
    finally:
        fake_indexes.arm(False)
        page.close()
