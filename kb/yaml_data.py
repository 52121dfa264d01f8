"""Reading the YAML data files kb ships (kb/data) with libyaml's C loader when PyYAML has it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The pure-Python loader takes about half a second for cues.yaml and the vocabulary: a CLI run or a worker pays
# that at start. The C loader reads the same safe subset of YAML.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The YAML document in `path` (UTF-8), loaded safely."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
