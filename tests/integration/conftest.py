"""Fixtures of the integration tier: the samples knowledge base, the Flask app over it, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase, Version
from web import create_app
from web.links import entry_url


@pytest.fixture(scope="session")
def sample_kb(sample_data_dir: Path) -> Version:
    """The samples knowledge base's live version, opened (URLs as the web layer names them)."""
    return KnowledgeBase(sample_data_dir, entry_url=entry_url).current()


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory of the test's own."""
    return tmp_path / "kb-data"


@pytest.fixture()
def app(sample_data_dir: Path) -> Flask:
    """The Flask app over the samples knowledge base."""
    return create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """Flask's test client."""
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    """click's CliRunner for the `kb` command line."""
    return CliRunner()
