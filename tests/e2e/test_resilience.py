"""A short run of scripts/resilience.py: `kb serve` under search load, three live re-ingests and a SIGKILLed ingest,
and not one failed request."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["harbourview-tmj-jaw-pain.html", "cedar-ridge-plantar-fasciitis.md", "harbourview-scoliosis.txt"]


@pytest.mark.e2e
def test_no_request_fails_across_live_reindexes_and_a_killed_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in SMALL:
        shutil.copy(ROOT / "samples" / name, corpus / name)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "resilience.py"), "--seconds", "4",
                           "--reindexes", "3", "--kill", "--corpus", str(corpus), "--clients", "2", "--pause", "0.02",
                           "--timeout", "90"], capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["failed"] == 0, report["failures"]
    assert report["requests"] > 50
    assert report["reindexes"] == 3
    assert report["versions_seen"] >= 3  # the first version and the three re-ingests: 4
    assert report["killed_ingest"] is True
    assert report["kill"]["leftovers"], "the kill happened mid-build"
    assert report["problems"] == [] and report["ok"] is True
    assert done.returncode == 0
