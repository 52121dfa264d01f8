"""The pages in a real browser: Playwright driving Debian's chromium against `kb serve` over the samples.

Every page visit records console errors and uncaught exceptions (CSP violations show up there) and the test fails
on any. Never downloads a browser: the system chromium is required, and these tests fail rather than skip without it.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, ViewportSize, expect

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
AXE_PAGES = ["/", "/search?q=sciatica", "/entries/condition-sciatica", "/conditions", "/staff",
             "/staff?q=plantar+fasciitis+phone"]
PHONE: ViewportSize = {"width": 390, "height": 844}


class Problems:
    """Console errors and page errors seen by every page of a context."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.seen.append(f"page error: {exc}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed):
            self.seen.append(f"console error on {message.location.get('url')}: {message.text}")


def _context(browser: Browser, live_server: str, **options: Any) -> tuple[BrowserContext, Problems]:
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(10_000)
    problems = Problems()
    context.on("page", problems.watch)
    return context, problems


@pytest.fixture()
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page in a fresh context that may use the clipboard; fails the test on any console or page error."""
    context, problems = _context(browser, live_server, permissions=["clipboard-read", "clipboard-write"])
    p = context.new_page()
    yield p
    context.close()
    assert problems.seen == []


def api(live_server: str, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(live_server + path, timeout=10) as response:
        data: dict[str, Any] = json.load(response)
    return data


def results_count(page: Page) -> int:
    match = re.match(r"(\d+) results?", page.locator("#results-title").inner_text())
    assert match, page.locator("#results-title").inner_text()
    return int(match.group(1))


# --- patient pages ----------------------------------------------------------------------------------------------


def test_suggestions_by_keyboard_lead_to_results(page: Page):
    page.goto("/")
    box = page.locator("#q")
    page.keyboard.press("/")  # focuses the search box from anywhere
    expect(box).to_be_focused()
    page.keyboard.type("sci")
    option = page.locator("#suggestions [role=option]", has_text="Sciatica")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    for _ in range(8):  # at most eight suggestions
        page.keyboard.press("ArrowDown")
        if option.get_attribute("aria-selected") == "true":
            break
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Sciatica$"))
    expect(page.locator("#results-title")).to_contain_text("for “Sciatica”")
    expect(page.locator(".result h3 a").first).to_have_text("Sciatica")
    expect(page.locator("section.answer .tel").first).to_be_visible()


def test_escape_closes_suggestions_and_enter_searches_what_was_typed(page: Page):
    page.goto("/")
    page.locator("#q").focus()
    page.keyboard.type("plantar")
    expect(page.locator("#suggestions")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#suggestions")).to_be_hidden()
    page.keyboard.type(" fasciitis")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=plantar\+fasciitis$"))
    expect(page.locator(".result h3 a").first).to_have_text("Plantar fasciitis")


def test_facet_toggling_filters_and_unfilters(page: Page):
    page.goto("/search?q=massage")
    before = results_count(page)
    toggle = page.locator("section.facet[aria-labelledby=facet-clinic] a.toggle").first
    value, count = toggle.get_attribute("data-value") or "", int(toggle.get_attribute("data-count") or "0")
    assert 0 < count < before
    toggle.click()
    page.wait_for_url(re.compile(r"[?&]clinic="))
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["clinic"] == [value]
    assert results_count(page) == count
    selected = page.locator("a.toggle[aria-current=true]")
    expect(selected).to_have_count(1)
    expect(selected).to_have_attribute("data-value", value)
    expect(page.locator("[data-remove-filter]")).to_contain_text(value)
    expect(page.locator(".result")).to_have_count(min(count, 10))
    selected.click()
    page.wait_for_url(re.compile(r"/search\?q=massage$"))
    assert results_count(page) == before
    expect(page.locator("a.toggle[aria-current=true]")).to_have_count(0)


def test_entry_page_from_a_result(page: Page, live_server: str):
    page.goto("/search?q=plantar+fasciitis")
    page.locator(".result h3 a", has_text="Plantar fasciitis").first.click()
    page.wait_for_url("**/entries/condition-plantar-fasciitis")
    data = api(live_server, "/api/entries/condition-plantar-fasciitis")
    expect(page.locator("h1")).to_have_text("Plantar fasciitis")
    expect(page.locator("[data-icd10]")).to_have_text(data["icd10"]["code"])
    expect(page.locator("aside.education")).to_contain_text("For education, not a diagnosis.")
    expect(page.locator("#sources li.source")).to_have_count(len(data["sources"]))
    calls = page.locator("section.clinics a.tel")
    expect(calls.first).to_have_attribute("href", re.compile(r"^tel:\+\d{8,15}$"))
    page.locator("section.clinics a.clinic-name").first.click()
    page.wait_for_url(re.compile(r"/entries/clinic-"))
    expect(page.locator("section.contact a.tel").first).to_be_visible()


def test_conditions_a_to_z_and_by_region(page: Page):
    page.goto("/conditions")
    page.locator("nav.letters a", has_text=re.compile("^P$")).click()
    page.wait_for_url("**/conditions#letter-P")
    expect(page.locator("#letter-P")).to_be_in_viewport()
    page.locator("#letter-P a", has_text="Plantar fasciitis").click()
    page.wait_for_url("**/entries/condition-plantar-fasciitis")
    page.go_back()
    page.locator(".regions a", has_text="Foot").click()
    page.wait_for_url("**/conditions?region=foot")
    expect(page.locator("h1")).to_have_text("Conditions: foot")
    expect(page.locator(".az li a", has_text="Plantar fasciitis")).to_be_visible()
    expect(page.locator(".az li a", has_text="Sciatica")).to_have_count(0)


# --- front desk -------------------------------------------------------------------------------------------------


def test_staff_answers_a_call_by_keyboard_only(page: Page, live_server: str):
    """"Do you treat plantar fasciitis and what's your number?" without touching the mouse."""
    question = "plantar fasciitis phone"
    expected = api(live_server, "/api/search?q=" + urllib.parse.quote(question))
    clinic = expected["answer"]["clinics"][0]
    page.goto("/staff")
    box = page.locator("#staff-q")
    expect(box).to_be_focused()
    page.keyboard.type(question)
    page.wait_for_url(re.compile(r"/staff\?q=plantar%20fasciitis%20phone$"))  # the last lookup has started
    expect(page.locator("[data-staff-status]")).to_contain_text(clinic["phone_display"])
    answer = page.locator("[data-staff-answer]")
    tel = answer.locator(".contact-strip a.tel")
    expect(tel).to_have_attribute("href", f"tel:{clinic['phone']}")
    expect(tel).to_have_text(clinic["phone_display"])
    expect(answer.locator(".contact-strip .address")).to_have_text(clinic["address"])
    expect(answer.locator(".topic a")).to_have_text("Plantar fasciitis")

    links = page.locator("[data-staff-results] a[data-nav]")
    expect(links).to_have_count(len(expected["results"]))
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**" + expected["results"][0]["url"])
    expect(page.locator("h1")).to_have_text(expected["results"][0]["name"])

    page.go_back()
    expect(box).to_be_focused()
    expect(box).to_have_value(question)
    expect(tel).to_have_text(clinic["phone_display"])
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value(question)  # "/" focused the box; it typed nothing

    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("c")
    expect(answer.locator("[data-copied]")).to_have_text("Copied to the clipboard")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == answer.locator("[data-copy]").get_attribute("data-copy-text")
    assert clinic["phone_display"] in copied and clinic["address"] in copied
    assert "Plantar fasciitis" in copied and "“" in copied
    assert expected["answer"]["sources"][0]["title"] in copied

    page.keyboard.press("Escape")  # from the results: back to the box; again: a clear box for the next call
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    expect(box).to_have_value("")
    expect(page.locator(".staff-empty")).to_be_visible()


def test_staff_updates_as_you_type_and_clears(page: Page):
    page.goto("/staff")
    page.keyboard.type("everett phone")
    expect(page.locator("[data-staff-answer] h2")).to_have_text("Everett Spine & Rehab")
    for _ in range(len("everett phone")):
        page.keyboard.press("Backspace")
    expect(page.locator(".staff-empty")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff$"))
    page.keyboard.type("xyzzy")
    expect(page.locator(".notice-no_results")).to_be_visible()
    expect(page.locator("[data-staff-answer]")).to_have_count(0)


# --- without JavaScript -----------------------------------------------------------------------------------------


def test_pages_work_without_javascript(browser: Browser, live_server: str):
    context, problems = _context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/staff")
    expect(page.locator("#staff-q")).to_be_focused()  # autofocus, no script needed
    page.keyboard.type("plantar fasciitis phone")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff\?q=plantar\+fasciitis\+phone$"))
    expect(page.locator("[data-staff-answer] a.tel")).to_be_visible()
    expect(page.locator("[data-copy]")).to_be_hidden()  # copying needs the script
    page.goto("/")
    page.locator("#q").fill("sciatica")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=sciatica$"))
    page.locator("section.facet[aria-labelledby=facet-kind] a.toggle").first.click()
    page.wait_for_url(re.compile(r"[?&]kind="))
    expect(page.locator("a.toggle[aria-current=true]")).to_have_count(1)
    context.close()
    assert problems.seen == []


# --- every page: errors, accessibility, phones ------------------------------------------------------------------


def test_error_pages_load_cleanly(browser: Browser, live_server: str):
    context, problems = _context(browser, live_server)
    # the browser reports the document's own 4xx status as a console error; nothing else may appear
    problems.allowed.append(re.compile(r"^Failed to load resource: the server responded with a status of 40[04]"))
    page = context.new_page()
    for url, status in [("/entries/no-such-entry", 404), ("/search?page=0", 400), ("/no/such/page", 404)]:
        response = page.goto(url)
        assert response is not None and response.status == status
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("form[role=search] input[name=q]")).to_be_visible()
    context.close()
    assert problems.seen == []


def serious_violations(page: Page) -> list[str]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("url", AXE_PAGES)
def test_no_serious_accessibility_violations(browser: Browser, live_server: str, url: str):
    """axe-core (vendored: tests/vendor/axe.min.js) finds nothing serious or critical, on a desktop and a phone."""
    # The page's CSP rightly forbids the injected axe script; bypass it for this check only.
    context, problems = _context(browser, live_server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    desktop = serious_violations(page)
    page.set_viewport_size(PHONE)
    phone = serious_violations(page)
    context.close()
    assert (desktop, phone) == ([], [])
    assert problems.seen == []


@pytest.mark.parametrize("url", AXE_PAGES)
def test_readable_on_a_phone_without_sideways_scrolling(browser: Browser, live_server: str, url: str):
    context, problems = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    small = page.evaluate("""() => [...document.querySelectorAll('main p, main li, main a')]
        .filter(e => e.offsetParent && parseFloat(getComputedStyle(e).fontSize) < 12).map(e => e.textContent)""")
    context.close()
    assert overflow <= 0
    assert small == []
    assert problems.seen == []


def test_axe_would_catch_a_violation(browser: Browser, live_server: str):
    """The accessibility check can fail: a search box without its label is reported."""
    context, _ = _context(browser, live_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/")
    page.evaluate("document.querySelector('label[for=q]').remove()")
    found = serious_violations(page)
    context.close()
    assert found and found[0].startswith("label")


def test_a_csp_violation_is_caught(browser: Browser, live_server: str):
    """The console check can fail: an inline script, which the CSP blocks, is reported."""
    context, problems = _context(browser, live_server)
    page = context.new_page()
    page.goto("/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate("""() => { const s = document.createElement('script'); s.textContent = '1';
                                 document.body.appendChild(s); }""")
    context.close()
    assert any("Content Security Policy" in p for p in problems.seen), problems.seen
