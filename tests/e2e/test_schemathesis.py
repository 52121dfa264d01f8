"""schemathesis, every check, against `kb serve` on loopback: the API answers as its OpenAPI document says."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from index.query import MAX_QUERY_CHARS
from web.serve import REQUEST_LINE_LIMIT

SEED = 20260101  # a fixed seed: the same requests on every run, so a failure reproduces
# Per operation in the fuzzing phase: enough that the document without maxItems, allowEmptyValue and 414 fails, few
# enough that the run takes some 20 s.
MAX_EXAMPLES = 100
# Statuses that count as refusing a request the document calls invalid: schemathesis's default list, plus 414, which
# gunicorn (documented, web/serve.py) answers for a request line over its 8190-byte ceiling before the app can say 400.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "414", "415", "422", "428", "429", "5xx"]


@pytest.fixture(scope="module")
def server(kb_server: Callable[..., Any]) -> str:
    """`kb serve` (gunicorn, 2 workers) over the samples, a server of this module's own (tests/e2e/conftest.py):
    its caches hold only what schemathesis asked; its base URL."""
    return str(kb_server("schemathesis").url)


def test_schemathesis_finds_nothing_with_every_check(server: str, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(f"[checks.negative_data_rejection]\nexpected-statuses = {json.dumps(REJECTED)}\n")
    # In its own process, from a scratch folder: its Python warnings stay out of pytest's `error` filter, and the
    # examples and crash files it stores stay out of the work tree.
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color",
               "run", f"{server}/api/openapi.json", "--checks", "all", "--seed", str(SEED),
               "--max-examples", str(MAX_EXAMPLES), "--generation-database", "none",
               "--workers", "1"]  # one at a time: with more, what it learns from answers arrives in a varying order
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    report = result.stdout[-20_000:] + result.stderr[-5_000:]
    assert result.returncode == 0, report
    assert "No issues found" in result.stdout and "✅ Coverage" in result.stdout and "✅ Fuzzing" in result.stdout


@pytest.mark.parametrize(("q", "status", "media_type"), [
    ("a" * (MAX_QUERY_CHARS + 1), 400, "application/json"),
    ("é" * (REQUEST_LINE_LIMIT // 7), 400, "application/json"),  # 6 bytes a character encoded: the app answers
    ("a" * REQUEST_LINE_LIMIT, 414, "text/html"),  # over gunicorn's ceiling: gunicorn answers
])
def test_an_over_long_query_gets_a_status_the_document_lists(server: str, q: str, status: int,
                                                              media_type: str) -> None:
    with urllib.request.urlopen(f"{server}/api/openapi.json", timeout=10) as response:
        documented = json.load(response)["paths"]["/api/suggest"]["get"]["responses"]
    url = f"{server}/api/suggest?{urllib.parse.urlencode({'q': q})}"
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(url, timeout=10).close()
    with answer.value:  # an HTTPError holds the open response
        assert (answer.value.code, answer.value.headers.get_content_type()) == (status, media_type)
    assert media_type in documented[str(status)]["content"]
