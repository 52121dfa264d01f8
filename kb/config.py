"""Where the knowledge base lives: --data-dir, else $KB_DATA_DIR, else ./kb-data."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "kb-data"


def resolve_data_dir(option: str | None = None) -> Path:
    """The data directory named by the option, the environment, or the default."""
    return Path(option or os.environ.get("KB_DATA_DIR") or DEFAULT_DATA_DIR)
