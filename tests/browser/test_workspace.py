"""The writer's workspace in Chromium at a laptop's and a phone's size: create, watch the draft
stream as formatted text, copy, rename, regenerate, revise, stop, search and delete; every page
without sideways scroll at 390 px, with 44 px targets, no console errors, no CSP violations and
no serious axe-core violations. Screenshots: test-artifacts/browser/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from tests.browser.checks import AXE, SHOTS, check_page, csp_violations, watch
from tests.factories import PASSWORD, UserFactory
from tests.live import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
PROMPT = (
    "Write an essay on the causes of urban heat islands (impervious surfaces, reduced "
    "vegetation), their effects on health and the policies cities use to cool streets."
)

# Records, while a run is live, what its draft looked like: formatted HTML (never raw
# Markdown), its last text, and where its first heading sat on the page.
WATCH_DRAFT = """
window.__draft = {formatted: false, raw: false, last: '', top: null, renders: 0};
new MutationObserver(() => {
  const draft = document.querySelector(
    '.run[data-status="queued"] .draft, .run[data-status="running"] .draft');
  if (!draft || !draft.textContent.trim()) return;
  const w = window.__draft;
  w.renders += 1;
  if (draft.querySelector('h1, h2, p')) w.formatted = true;
  if (/^#{1,3} /m.test(draft.innerText)) w.raw = true;
  w.last = draft.innerText;
  const h = draft.querySelector('h1');
  if (h) w.top = h.getBoundingClientRect().top + window.scrollY;
}).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def writer(transactional_db):
    return UserFactory()


@pytest.fixture
def chromium(writer) -> Iterator[Browser]:
    assert AXE.exists(), "axe-core is missing: run scripts/browser.sh (npm ci)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def _log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#compose")).to_be_visible()


def _send(page: Page, form: str, text: str, words: int | None = None) -> None:
    """Type a request into a composer and press Enter (the composer's script sends it)."""
    if words is not None:
        page.fill(f"{form} [name=target_word_count]", str(words))
    page.fill(f"{form} textarea", text)
    page.press(f"{form} textarea", "Enter")


def _finished(page: Page, index: int, status: str = "succeeded") -> None:
    expect(page.locator(".run").nth(index)).to_have_attribute("data-status", status, timeout=60_000)


def test_desktop_workspace_create_stream_copy_rename_regenerate_revise_stop_search_delete(
    writer, chromium: Browser, live_stack: LiveStack
):
    context = chromium.new_context(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    errors = watch(page)
    problems: list[str] = []
    _log_in(page, live_stack.url, writer.username)
    problems += check_page(page, "desktop-new-piece", phone=False)

    # Create: Enter sends; the draft streams as formatted text and becomes the document in place.
    page.evaluate(WATCH_DRAFT)
    page.fill("#compose textarea", PROMPT)
    page.press("#compose textarea", "Shift+Enter")  # a new line, not a submit
    expect(page.locator(".run")).to_have_count(0)
    assert page.input_value("#compose textarea").endswith("\n")
    _send(page, "#compose", PROMPT, words=900)
    expect(page.locator(".run")).to_have_count(1)
    expect(page.locator(".draft")).to_be_visible()
    page.screenshot(path=str(SHOTS / "desktop-streaming.png"))
    _finished(page, 0)
    draft = page.evaluate("window.__draft")
    assert draft["formatted"], draft
    assert not draft["raw"], draft
    document = page.locator(".run .document")
    final = _squash(document.inner_text())
    last = _squash(draft["last"])
    assert final.startswith(last), (last[-200:], final[:200])
    assert final[len(last) :].strip() == "" or final[len(last) :].strip().startswith("References")
    heading_top = page.evaluate(
        "document.querySelector('.run .document h1').getBoundingClientRect().top + scrollY"
    )
    assert abs(heading_top - draft["top"]) <= 2, (draft["top"], heading_top)  # no jump at done
    title = "The causes of urban heat islands"
    expect(page.locator("#conversation-title")).to_have_text(title)
    expect(page.locator(".history-item.current .history-title")).to_have_text(title)
    expect(page).to_have_title(re.compile("HandyWriterz"))
    expect(page.locator(".quality")).not_to_have_attribute("open", "")
    page.screenshot(path=str(SHOTS / "desktop-finished.png"), full_page=True)
    problems += check_page(page, "desktop-conversation", phone=False)

    # Copy (Markdown) puts the document's Markdown on the clipboard.
    page.click(".run .copy-markdown")
    expect(page.locator(".run .copy-status")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("# ")
    assert "urban heat" in copied.lower()

    # Rename from the sidebar.
    page.click(".history-item.current .item-actions > summary")
    page.fill(".history-item.current input[name=title]", "Cooling hot cities")
    page.click(".history-item.current .rename button")
    expect(page.locator("#conversation-title")).to_have_text("Cooling hot cities")
    expect(page.locator(".history-item.current .history-title")).to_have_text("Cooling hot cities")

    # Regenerate: the same request as a new version.
    page.click(".run .regenerate button")
    expect(page.locator(".run")).to_have_count(2)
    expect(page.locator(".regenerated-note")).to_have_count(1)
    _finished(page, 1)
    expect(page.locator(".run").nth(1).locator(".version")).to_have_text(
        "Version 2 · current version"
    )
    expect(page.locator(".run").nth(0).locator(".version")).to_have_text("Version 1")

    # Revise with a follow-up (Enter sends); the thread keeps every version.
    _send(page, "#follow-up", "Make it shorter and add a section on policy.", words=500)
    expect(page.locator(".run")).to_have_count(3)
    _finished(page, 2)
    page.screenshot(path=str(SHOTS / "desktop-revised.png"), full_page=True)

    # Stop a long run: the footer says it stopped, with no dangling separator.
    _send(page, "#follow-up", "Now expand it into a full report.", words=12000)
    expect(page.locator(".run")).to_have_count(4)
    expect(page.locator(".run").nth(3).locator(".draft")).not_to_be_empty(timeout=30_000)
    page.click(".run .stop button")
    _finished(page, 3, "cancelled")
    stats = page.locator(".run").nth(3).locator(".run-stats")
    expect(stats).to_contain_text("stopped before the end")
    assert not stats.inner_text().strip().endswith("·")
    page.screenshot(path=str(SHOTS / "desktop-stopped.png"), full_page=True)

    # Search the history by title and by text.
    page.goto(f"{live_stack.url}/conversations/")
    _send(page, "#compose", "Write a reflection on learning statistics as an adult.", words=300)
    _finished(page, 0)
    page.fill("#history-q", "cooling")
    expect(page.locator(".history-item")).to_have_count(1)
    expect(page.locator(".history-item .history-title")).to_have_text("Cooling hot cities")
    page.fill("#history-q", "impervious")  # only in the request's text
    expect(page.locator(".history-item")).to_have_count(1)
    page.fill("#history-q", "zebrafish")
    expect(page.locator(".history-empty")).to_contain_text("Nothing matches")
    page.fill("#history-q", "")
    expect(page.locator(".history-item")).to_have_count(2)
    expect(page.locator(".history-item.current .history-title")).to_have_text(
        "Learning statistics as an adult"
    )
    problems += check_page(page, "desktop-search", phone=False)

    # Delete asks first, then removes the conversation.
    item = page.locator(".history-item", has_text="Cooling hot cities")
    item.locator(".item-actions > summary").click()
    item.locator(".confirm > summary").click()
    expect(item.locator(".confirm p")).to_contain_text("cannot be undone")
    page.screenshot(path=str(SHOTS / "desktop-delete-confirm.png"))
    item.locator(".confirm button").click()
    expect(page.locator(".flash")).to_contain_text("Deleted")
    expect(page.locator(".history-item")).to_have_count(1)

    for name, path in [("usage", "/conversations/usage/"), ("missing", "/conversations/x/")]:
        page.goto(f"{live_stack.url}{path}")
        problems += check_page(page, f"desktop-{name}", phone=False)
    # The 404 page's own request is the one console error a browser reports for it.
    errors = [e for e in errors if "404 (Not Found)" not in e]
    assert not problems, "\n".join(problems)
    assert not errors, errors
    context.close()


def test_phone_every_page_fits_390px_with_large_targets_and_no_violations(
    writer, chromium: Browser, live_stack: LiveStack
):
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = watch(page)
    problems: list[str] = []

    for name, path in [("login", "/accounts/login/"), ("signup", "/accounts/signup/")]:
        page.goto(f"{live_stack.url}{path}")
        problems += check_page(page, f"phone-{name}", phone=True)
    _log_in(page, live_stack.url, writer.username)
    problems += check_page(page, "phone-new-piece", phone=True)

    _send(page, "#compose", PROMPT, words=600)
    expect(page.locator(".run")).to_have_count(1)
    expect(page.locator(".draft h1")).to_be_visible(timeout=30_000)
    problems += check_page(page, "phone-streaming", phone=True)
    _finished(page, 0)
    problems += check_page(page, "phone-conversation", phone=True)
    page.locator(".quality > summary").click()
    problems += check_page(page, "phone-quality-open", phone=True)

    # The history is a drawer: opened from the top bar, closed again.
    sidebar = page.locator("#history")
    expect(sidebar).not_to_be_in_viewport()
    page.click(".drawer-open")
    expect(sidebar).to_be_in_viewport()
    page.locator(".history-item.current .item-actions > summary").click()
    problems += check_page(page, "phone-drawer", phone=True, full_page=False)
    page.click(".drawer-close")
    expect(sidebar).not_to_be_in_viewport()

    pages = [
        ("files", "/files/"),
        ("library", "/files/library/"),
        ("usage", "/conversations/usage/"),
        ("tokens", "/accounts/settings/"),
        ("password", "/accounts/password/"),
        ("missing", "/conversations/00000000-0000-0000-0000-000000000000/"),
    ]
    for name, path in pages:
        page.goto(f"{live_stack.url}{path}")
        problems += check_page(page, f"phone-{name}", phone=True)

    errors = [e for e in errors if "404 (Not Found)" not in e]
    assert not problems, "\n".join(problems)
    assert not errors, errors
    assert not csp_violations(page)
    context.close()
