"""Screenshots of the main pages for the README, taken with Playwright driving Debian's chromium.

    .venv/bin/python scripts/screenshots.py                  # ingest the samples, serve them, shoot, stop
    .venv/bin/python scripts/screenshots.py --base-url URL   # shoot a server that is already running

Writes PNGs to docs/screenshots/. Never downloads a browser: it uses the system chromium (`--chromium PATH`).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DESKTOP: ViewportSize = {"width": 1120, "height": 760}
PHONE: ViewportSize = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def sample_server() -> Iterator[str]:
    """Ingest the bundled samples into a temporary data directory and run `kb serve` on it."""
    kb = shutil.which("kb", path=str(Path(sys.executable).parent)) or "kb"
    with tempfile.TemporaryDirectory(prefix="kb-shots-") as tmp:
        data = str(Path(tmp) / "kb-data")
        subprocess.run([kb, "ingest", str(ROOT / "samples"), "--data-dir", data], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = _free_port()
        proc = subprocess.Popen([kb, "serve", "--data-dir", data, "--port", str(port), "--workers", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _staff(page: Page, base: str) -> None:
    """The front desk mid-call: the question typed, the live answer showing, focus on the top result."""
    page.goto(base + "/staff")
    page.keyboard.type("plantar fasciitis phone")
    page.wait_for_selector("[data-staff-answer] .tel")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("c")
    page.wait_for_selector("[data-copied]:has-text('Copied')")


def shoot(base: str, chromium: str, out: Path) -> list[Path]:
    """Take every screenshot; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    shots = [  # kept few and viewport-sized: the README's images should stay a few hundred KB in all
        ("search.png", DESKTOP, "/search?q=sciatica", None),
        ("entry.png", DESKTOP, "/entries/condition-plantar-fasciitis", None),
        ("staff.png", DESKTOP, "/staff", _staff),
        ("search-phone.png", PHONE, "/search?q=sciatica", None),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for name, viewport, path, action in shots:
                context = browser.new_context(viewport=viewport, device_scale_factor=1,
                                              permissions=["clipboard-read", "clipboard-write"])
                page = context.new_page()
                if action:
                    action(page, base)
                else:
                    page.goto(base + path)
                target = out / name
                page.screenshot(path=str(target))
                written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", help="a running kb server (default: serve the bundled samples)")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        base = args.base_url or stack.enter_context(sample_server())
        for path in shoot(base.rstrip("/"), args.chromium, args.out):
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
