"""What every page must pass in the browser tests: no horizontal scroll at phone width, touch
targets of at least 44 px, no console errors or CSP violations, and no serious or critical
axe-core violations. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "browser"

# Runs in every page before its own scripts (a DevTools script, so the page's CSP does not
# apply to it): violations of the page's CSP are recorded for the test to read.
RECORD_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(
    `${e.violatedDirective} ${e.blockedURI || 'inline'} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# Controls a finger must hit. Inline links inside running text are exempt (WCAG 2.5.8);
# a checkbox counts through its label.
SMALL_TARGETS = """
() => {
  const small = [];
  const seen = new Set();
  const controls = document.querySelectorAll(
    'button, select, textarea, summary, .button, nav a, .mobile-bar a, ' +
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), ' +
    'label:has(> input[type=checkbox])');
  for (const el of controls) {
    if (seen.has(el)) continue; seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not rendered (closed details, hidden)
    if (el.closest('.sr-only, [hidden]')) continue;
    if (r.height >= 43.5 && r.width >= 43.5) continue;
    const text = (el.textContent || el.value || '').trim().slice(0, 30);
    small.push(`${el.tagName.toLowerCase()}.${el.className} "${text}" ` +
               `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}
"""


def watch(page: Page) -> list[str]:
    """Collect console errors (CSP reports included) of `page` into the returned list."""
    errors: list[str] = []
    page.add_init_script(RECORD_CSP)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def csp_violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def horizontal_overflow(page: Page) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the page."""
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return int(sizes[0]), int(sizes[1])


def small_targets(page: Page) -> list[str]:
    return list(page.evaluate(SMALL_TARGETS))


def axe_serious(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id}: ${v.help} — ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(violations)


def check_page(page: Page, name: str, *, phone: bool, full_page: bool = True) -> list[str]:
    """Screenshot the page and return every problem found on it (empty: it passes)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    problems = [f"{name}: axe {v}" for v in axe_serious(page)]
    problems += [f"{name}: CSP {v}" for v in csp_violations(page)]
    if phone:
        scroll, inner = horizontal_overflow(page)
        if scroll > inner:
            problems.append(f"{name}: scrolls sideways (scrollWidth {scroll} > {inner})")
        problems += [f"{name}: small target {t}" for t in small_targets(page)]
    return problems
