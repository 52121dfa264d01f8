"""With no index yet (an empty data directory): the API and pages answer 503 with the reason, the CLI exits 1 with
one clear line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from web import create_app


def test_no_index_is_503_with_a_reason(tmp_path: Path) -> None:
    client = create_app({"DATA_DIR": str(tmp_path / "none"), "TESTING": True}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "no index" in health.get_json()["reason"]
    search = client.get("/api/search?q=x")
    assert search.status_code == 503 and search.get_json()["status"] == 503
    assert client.get("/search?q=x").status_code == 503


def test_no_index_is_exit_1_with_a_clear_message(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (["search", "x"], ["show", "x"], ["stats"], ["export"]):
        result = runner.invoke(main, [*args, "--data-dir", str(tmp_path / "none")])
        assert result.exit_code == 1
        assert "no index" in result.output and "Traceback" not in result.output
