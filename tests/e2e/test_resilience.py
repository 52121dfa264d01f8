"""`kb serve` under search load while its knowledge base is re-ingested three times and one ingest is SIGKILLed
mid-build: not one failed request, and every published version is seen by the clients.

The server is this module's own (tests/e2e/conftest.py); the load clients, the ingests and the killed ingest are
those of scripts/resilience.py (which also runs the whole thing on its own, longer, with a server it starts).
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SMALL = ("harbourview-tmj-jaw-pain.html", "cedar-ridge-plantar-fasciitis.md", "harbourview-scoliosis.txt")
STEPS = ["reindex", "kill", "reindex", "reindex"]
SECONDS_BETWEEN_STEPS = 0.8
TIMEOUT = 90.0


def resilience_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("resilience_script", ROOT / "scripts" / "resilience.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_request_fails_across_live_reindexes_and_a_killed_ingest(kb_server: Callable[..., Any]) -> None:
    server = kb_server("resilience", workers=2, articles=SMALL)
    script = resilience_script()
    kb = script.kb_executable()
    published = [script.current(server.data_dir)]
    load = script.Load(server.port, clients=2, pause=0.02, max_requests=100_000)
    kill: dict[str, Any] = {}
    load.start()
    try:
        assert load.wait_for_version(published[0], 10), "the clients never saw the first version"
        for step in STEPS:
            time.sleep(SECONDS_BETWEEN_STEPS)
            if step == "kill":
                kill = script.killed_ingest(kb, server.articles, server.data_dir, "indexing", TIMEOUT)
            else:
                published.append(script.ingest(kb, server.articles, server.data_dir, TIMEOUT))
                assert load.wait_for_version(published[-1], 10), f"the clients never saw {published[-1]}"
        time.sleep(SECONDS_BETWEEN_STEPS)
    finally:
        load.finish()
    assert (load.failed, load.failures) == (0, [])
    assert load.requests > 50
    assert len(set(published)) == 4  # the first version and the three re-ingests
    assert load.versions == published  # each seen, in the order published (the killed ingest published nothing)
    assert (kill["killed"], kill["previous_still_live"]) == (True, True)
    assert kill["leftovers"], "the kill happened mid-build"
