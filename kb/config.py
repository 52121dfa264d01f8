"""Where the knowledge base lives (--data-dir, else $KB_DATA_DIR, else ./kb-data), and whose emergency numbers
its safety notices give ($KB_EMERGENCY_COUNTRY, else kb/data/emergency_numbers.yaml's default)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "kb-data"
DEFAULT_SITE = "default"  # the site `kb ingest` fills without --site (every article of a version from before sites)


def resolve_data_dir(option: str | None = None) -> Path:
    """The data directory named by the option, the environment, or the default."""
    return Path(option or os.environ.get("KB_DATA_DIR") or DEFAULT_DATA_DIR)


def resolve_emergency_country(option: str | None = None) -> str:
    """The country (ISO 3166 code) whose emergency numbers safety notices give; "" for the data's default."""
    return (option or os.environ.get("KB_EMERGENCY_COUNTRY") or "").strip().upper()
