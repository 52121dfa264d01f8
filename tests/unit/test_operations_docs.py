"""docs/operations.md states the store's defaults and crash-test stages as the code has them."""

from __future__ import annotations

from pathlib import Path

from index.store import GRACE_SECONDS, KEEP_VERSIONS, PAUSE_ENV, STAGES

ROOT = Path(__file__).resolve().parents[2]


def test_grace_and_keep_defaults_are_documented() -> None:
    readme = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: operations -->")[1].split("<!-- /section: operations -->")[0]
    assert f"{GRACE_SECONDS} seconds" in section
    assert f"last {KEEP_VERSIONS}" in section
    assert PAUSE_ENV in section
    for stage in STAGES:
        assert f"`{stage}`" in section
