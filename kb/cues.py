"""Cue-word lists (kb/data/cues.yaml) that extraction and search read instead of naming article text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kb.vocabulary import DATA_DIR
from kb.yaml_data import read_yaml


@dataclass(frozen=True)
class Cues:
    """The lists of kb/data/cues.yaml, each lower-cased."""

    lists: dict[str, tuple[str, ...]]

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self.lists[name]

    def words(self, name: str) -> frozenset[str]:
        """One list as a set."""
        return _set(self.lists[name])

    def pattern(self, name: str) -> re.Pattern[str]:
        """A whole-word, case-insensitive regex matching any phrase of one list."""
        return _pattern(self.lists[name])


_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def _set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)  # built once per list: extraction asks for the same lists for every block


@cache
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(phrases, key=len, reverse=True)
    if not any(_CJK.search(p) for p in phrases):
        return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, alternatives)) + r")(?![\w])", re.IGNORECASE)
    # Whole words, except Chinese and Japanese phrases: their words stand in runs without spaces.
    return re.compile("|".join(re.escape(p) if _CJK.search(p) else r"(?<![\w])" + re.escape(p) + r"(?![\w])"
                               for p in alternatives), re.IGNORECASE)


@cache
def load_cues(path: Path | None = None) -> Cues:
    """Load the cue lists (default: the package's kb/data/cues.yaml)."""
    raw = read_yaml(path or DATA_DIR / "cues.yaml")
    return Cues({k: tuple(str(v).lower() for v in vs) for k, vs in raw.items()})
