"""The embed in real Chromium: a clinic's page on another loopback origin, with a strict Content-Security-Policy
that names only kb's origin, includes `/embed.js` with one tag; typing shows suggestions and results in the
site's scope, the keyboard works, nothing is logged as an error, and axe finds nothing serious inside the widget."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from kb.knowledge import KnowledgeBase
from kb.local_server import free_port
from kb.sites import set_site

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HOST_PAGE_HOST = "127.0.0.2"  # another loopback address: another origin than kb's (127.0.0.1)
SITE_ARTICLES = ("cedar-ridge-plantar-fasciitis.md", "cedar-ridge-knee-osteoarthritis.html",
                 "cedar-ridge-it-band-syndrome.md")


def host_page(kb: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cedar Ridge Physical Therapy</title></head>
<body><header><h1>Cedar Ridge Physical Therapy</h1></header>
<main><p>Welcome. Search our articles:</p>
<script src="{kb}/embed.js" data-site="cedar" defer></script>
</main></body></html>""".encode()


class HostPage:
    """A clinic's page, served by a real HTTP server on its own origin with a strict CSP naming only kb."""

    def __init__(self, kb: str):
        body = host_page(kb)
        csp = (f"default-src 'none'; script-src {kb}; style-src {kb}; connect-src {kb}; img-src 'none'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                if self.path == "/":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Security-Policy", csp)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_response(204)  # the favicon: nothing, and no error in the console
                    self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST_PAGE_HOST, free_port(HOST_PAGE_HOST)), Handler)
        self.url = f"http://{HOST_PAGE_HOST}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def embed_server(kb_server: Any) -> Any:
    """A `kb serve` whose default site has two samples, plus site `cedar` (three other samples); the server picks
    up the new version, and later the site's settings, without a restart."""
    server = kb_server("embed", workers=1, articles=("harbourview-tmj-jaw-pain.html", "bayside-shin-splints.html"))
    KnowledgeBase(server.data_dir).ingest([SAMPLES / name for name in SITE_ARTICLES], site="cedar")
    return server


@pytest.fixture(scope="module")
def kb_url(embed_server: Any) -> str:
    return str(embed_server.url)


@pytest.fixture(scope="module")
def host(embed_server: Any) -> Iterator[HostPage]:
    """The clinic's page, its origin allowed for site `cedar` with the site's phone and booking link."""
    page = HostPage(embed_server.url)
    set_site(embed_server.data_dir, "cedar", name="Cedar Ridge Physical Therapy", origins=(page.url,),
             phone="+1 303 555 0142", booking="https://cedar-ridge.example/book", country="US")
    yield page
    page.close()


@pytest.fixture(params=[False])
def page(browser: Browser, host: HostPage, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The host page in a fresh context; the test fails on any console error, page error or CSP violation.
    (Parametrized True, the page's CSP is bypassed: axe's own injected styles would violate it.)"""
    context = browser.new_context(bypass_csp=request.param)
    context.set_default_timeout(10_000)
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type}: {message.text}")

    p = context.new_page()
    p.on("console", console)
    p.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    p.goto(host.url + "/")
    yield p
    assert context.cookies() == []
    context.close()
    assert problems == []


def test_typing_shows_the_sites_results_linking_to_kb(page: Page, kb_url: str):
    box = page.get_by_role("combobox", name="Search our articles")
    box.click()
    page.keyboard.type("plantar")
    results = page.locator(".kb-search-embed .result")
    expect(results.first).to_be_visible()
    expect(page.locator(".kb-search-embed .status")).to_contain_text("for plantar")
    links = page.locator(".kb-search-embed .result h3 a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert hrefs and all(h.startswith(kb_url + "/") and "site=cedar" in h for h in hrefs), hrefs
    # The site's scope: only Cedar Ridge's articles, never the default site's clinics.
    text = page.locator(".kb-search-embed").inner_text()
    assert "Harbourview" not in text and "Bayside" not in text
    cta = page.locator(".kb-search-embed .cta")
    expect(cta.locator("a.call")).to_have_attribute("href", "tel:+13035550142")
    expect(cta.locator("a.book")).to_have_attribute("href", "https://cedar-ridge.example/book")


def test_suggestions_by_keyboard(page: Page):
    box = page.get_by_role("combobox", name="Search our articles")
    box.focus()
    page.keyboard.type("kne")
    options = page.locator(".kb-search-embed [role=option]")
    expect(options.first).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    chosen = options.first.locator(".text").inner_text()
    page.keyboard.press("Enter")
    expect(box).to_have_value(chosen)
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".kb-search-embed .status")).to_contain_text(f"for {chosen}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the Search button, to the first link of the results
    focused = page.evaluate("document.activeElement.shadowRoot.activeElement.getAttribute('href')")
    assert "site=cedar" in focused
    box.focus()
    page.keyboard.press("Escape")  # no suggestions open: clears the box and the results
    expect(box).to_have_value("")
    expect(page.locator(".kb-search-embed .result")).to_have_count(0)


def test_the_widget_lives_in_an_open_shadow_root_and_the_page_csp_holds(page: Page):
    assert page.evaluate("document.querySelector('.kb-search-embed').shadowRoot !== null")
    assert page.evaluate("document.querySelectorAll('input').length") == 0  # nothing leaks into the light DOM
    assert page.evaluate("document.styleSheets.length") == 0  # its stylesheet is inside the shadow root


@pytest.mark.parametrize("page", [True], indirect=True)
def test_axe_finds_nothing_serious_inside_the_widget(page: Page):
    box = page.get_by_role("combobox", name="Search our articles")
    box.click()
    page.keyboard.type("knee")
    expect(page.locator(".kb-search-embed .result").first).to_be_visible()
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document.querySelector('.kb-search-embed'), {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
