"""The test tiers, and what more than one tier uses.

Every test lives in one tier folder and gets that folder's marker here (`pytest -m unit` runs the unit tier):
- tests/unit: pure functions, and tiny in-memory or temporary indexes made from inline data; no bundled samples or
  corpora, no subprocess, no server, no browser.
- tests/integration: the bundled samples (samples/), the labelled corpus (tests/corpus), the generated hostile
  corpus (tests/hostile), and `kb ingest` processes killed mid-way.
- tests/e2e: a real `kb serve` (started only by the `kb_server` fixture in tests/e2e/conftest.py) and the browser.

pytest imports this file with tests/ on sys.path, which is how tests import the hostile corpus writer as `hostile`.
Test files are not packages, so every test file name is unique across the three folders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.knowledge import KnowledgeBase

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SAMPLES = ROOT / "samples"
TIERS = ("unit", "integration", "e2e")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its tier, from the folder it is in; a test outside the three folders is an error."""
    for item in items:
        try:
            tier = item.path.resolve().relative_to(TESTS).parts[0]
        except ValueError:
            continue  # not under tests/
        if tier not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: every test belongs in tests/unit, tests/integration or tests/e2e")
        item.add_marker(tier)


@pytest.fixture(scope="session")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled samples ingested once per test session (read-only for tests; the
    integration tests read it, the e2e server serves a copy)."""
    data = tmp_path_factory.mktemp("kb-samples")
    KnowledgeBase(data).ingest([SAMPLES])
    return data
