"""The one place tests start `kb serve`: the `kb_server` fixture, built on kb/local_server.py.

`kb_server()` is the shared server over a copy of the samples knowledge base (2 workers), started on first use and
stopped when the session ends. A test that needs a server of its own (its own data, workers or log) asks for
`kb_server("its-name", workers=..., articles=(...))`: one server per name and settings, on a free loopback port, in
its own folder with its own data directory and captured log. Such a test may stop its server early (to read a
complete log). `live_server` is the shared server's base URL.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from kb.knowledge import KnowledgeBase
from kb.local_server import LOOPBACK, free_port, kb_executable, stop, wait_for

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@dataclass(frozen=True)
class ServerSpec:
    """What a server serves: a copy of the samples knowledge base, or (`articles`) a knowledge base of its own
    ingested from those sample files; with `workers` gunicorn workers."""

    name: str = "samples"
    workers: int = 2
    articles: tuple[str, ...] = ()


@dataclass
class Server:
    """A running `kb serve`: its base URL, data directory, the articles it was ingested from, and its log."""

    url: str
    port: int
    data_dir: Path
    articles: Path | None
    log_path: Path
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the server (SIGTERM; gunicorn finishes its requests and flushes its log); a no-op when stopped."""
        if self.proc.poll() is None:
            stop(self.proc)

    def log(self) -> str:
        """Everything the server has logged so far (stdout and stderr)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _start(spec: ServerSpec, folder: Path, samples_kb: Callable[[], Path]) -> Server:
    data = folder / "kb-data"
    articles = None
    if spec.articles:
        articles = folder / "articles"
        articles.mkdir()
        for name in spec.articles:
            shutil.copy(SAMPLES / name, articles / name)
        KnowledgeBase(data).ingest([articles])
    else:
        shutil.copytree(samples_kb(), data)
    port = free_port()
    log_path = folder / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([kb_executable(), "serve", "--data-dir", str(data), "--host", LOOPBACK,
                                 "--port", str(port), "--workers", str(spec.workers)],
                                stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://{LOOPBACK}:{port}", port, data, articles, log_path, proc)
    try:
        wait_for(server.url + "/healthz")
    except RuntimeError as exc:
        server.stop()
        raise RuntimeError(f"{exc}\n--- kb serve log ---\n{server.log()[-3000:]}") from exc
    return server


@pytest.fixture(scope="session")
def kb_server(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Server]]:
    """`kb_server(name="samples", workers=2, articles=())`: the running server of that name and settings (a
    ServerSpec), started on first use; every one is stopped when the session ends."""
    servers: dict[ServerSpec, Server] = {}

    def get(name: str = "samples", workers: int = 2, articles: tuple[str, ...] = ()) -> Server:
        spec = ServerSpec(name, workers, tuple(articles))
        if spec not in servers:
            folder = tmp_path_factory.mktemp(f"kb-serve-{spec.name}")
            servers[spec] = _start(spec, folder, lambda: request.getfixturevalue("sample_data_dir"))
        return servers[spec]

    try:
        yield get
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="session")
def live_server(kb_server: Callable[..., Server]) -> str:
    """The base URL of the shared server over the samples."""
    return kb_server().url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, with a fresh temporary profile (Playwright makes one per launch); one per
    session, shared by every browser test file (Playwright's sync API runs once per process)."""
    assert Path(CHROMIUM).exists(), "the browser tests need Debian's chromium: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
