"""The README's screenshot of the embedded search on a sample clinic page (docs/screenshots/embed.png).

    .venv/bin/python scripts/embed_screenshot.py

Ingests two samples as the default site and three as site `cedar`, sets the site's phone, booking link and the
sample page's origin, serves kb on 127.0.0.1 and the sample page on 127.0.0.2 (another origin, with a strict CSP),
types a search and shoots. Uses the system chromium; never downloads a browser.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.local_server import LOOPBACK, free_port, kb_executable, stop, wait_for  # noqa: E402
from kb.sites import set_site  # noqa: E402

OUT = ROOT / "docs" / "screenshots" / "embed.png"
SAMPLES = ROOT / "samples"
PAGE_HOST = "127.0.0.2"
HOST_CSS = b"""body { margin: 0; font: 17px/1.6 Georgia, serif; color: #2b2118; background: #f6f1ea; }
header { background: #5b3a29; color: #fff; padding: 1rem 2rem; } header h1 { margin: 0; font-size: 1.6rem; }
nav a { color: #f3d9c4; margin-right: 1.2rem; } main { max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; }
"""


def page_html(kb: str) -> bytes:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cedar Ridge Physical Therapy</title>
<link rel="stylesheet" href="/site.css"></head><body>
<header><h1>Cedar Ridge Physical Therapy</h1><nav><a href="#">Services</a><a href="#">Our team</a>
<a href="#">Contact</a></nav></header>
<main><h2>Ask our articles</h2><p>Search what our physiotherapists have written about your condition.</p>
<script src="{kb}/embed.js" data-site="cedar" defer></script></main></body></html>""".encode()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kb-embed-shot-") as tmp:
        data = Path(tmp) / "kb-data"
        kb = KnowledgeBase(data)
        kb.ingest([SAMPLES / "harbourview-tmj-jaw-pain.html", SAMPLES / "bayside-shin-splints.html"])
        kb.ingest([SAMPLES / n for n in ("cedar-ridge-plantar-fasciitis.md", "cedar-ridge-knee-osteoarthritis.html",
                                          "cedar-ridge-it-band-syndrome.md")], site="cedar")
        port = free_port()
        proc = subprocess.Popen([kb_executable(), "serve", "--data-dir", str(data), "--port", str(port),
                                 "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kb_url = f"http://{LOOPBACK}:{port}"
        body = page_html(kb_url)
        csp = f"default-src 'none'; script-src {kb_url}; style-src 'self' {kb_url}; connect-src {kb_url}"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                content, kind = (HOST_CSS, "text/css") if self.path == "/site.css" else (body, "text/html")
                self.send_response(200 if self.path in ("/", "/site.css") else 204)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                if self.path in ("/", "/site.css"):
                    self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer((PAGE_HOST, free_port(PAGE_HOST)), Handler)
        page_url = f"http://{PAGE_HOST}:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        set_site(data, "cedar", name="Cedar Ridge Physical Therapy", origins=(page_url,), phone="+1 303 555 0142",
                 booking="https://cedar-ridge.example/book", country="US")
        try:
            wait_for(kb_url + "/healthz")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1000, "height": 900})
                page.goto(page_url + "/")
                page.get_by_role("combobox").click()
                page.keyboard.type("plantar fasciitis", delay=30)
                page.locator(".kb-search-embed .result").first.wait_for()
                page.mouse.click(900, 850)  # leave the box (its suggestions close): the shot shows the results
                page.wait_for_timeout(400)
                page.screenshot(path=str(OUT), full_page=True)
                browser.close()
        finally:
            server.shutdown()
            stop(proc)
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
