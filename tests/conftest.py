"""Shared fixtures: a real knowledge base built from the bundled samples, the Flask app, the CLI, a live server."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.knowledge import KnowledgeBase, Version
from kb.local_server import free_port, kb_executable, stop, wait_for
from web import create_app
from web.links import entry_url

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT / "tests" / "corpus"


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled samples ingested once per test session (read-only for tests)."""
    data = tmp_path_factory.mktemp("kb-samples")
    KnowledgeBase(data).ingest([SAMPLES])
    return data


@pytest.fixture(scope="session")
def sample_kb(sample_data_dir: Path) -> Version:
    """The samples knowledge base's live version, opened (URLs as the web layer names them)."""
    return KnowledgeBase(sample_data_dir, entry_url=entry_url).current()


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory of the test's own."""
    return tmp_path / "kb-data"


@pytest.fixture()
def app(sample_data_dir: Path):  # type: ignore[no-untyped-def]
    """The Flask app over the samples knowledge base."""
    return create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True})


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    """Flask's test client."""
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    """click's CliRunner for the `kb` command line."""
    return CliRunner()


@pytest.fixture(scope="session")
def live_server(sample_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kb serve` (gunicorn, 2 workers) on a free loopback port over a copy of the samples KB; yields its base URL."""
    data = tmp_path_factory.mktemp("kb-live") / "kb-data"
    shutil.copytree(sample_data_dir, data)
    port = free_port()
    kb = kb_executable()
    log = open(data.parent / "serve.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([kb, "serve", "--data-dir", str(data), "--port", str(port), "--workers", "2"],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        stop(proc)
        log.close()
