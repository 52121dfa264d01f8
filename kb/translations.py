"""The curated terms' names in other languages (kb/data/translations/<lang>.yaml) and how that language's words fold."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from nltk.stem.snowball import SnowballStemmer

from kb.yaml_data import read_yaml

CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana and Han ideographs: no spaces between words


@dataclass(frozen=True)
class Translation:
    """One language's names for curated terms, and the word folding its phrases and pages are compared in."""

    language: str  # two-letter code ("de")
    name: str  # the language's English name ("German")
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # term id to its names in the language
    context_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # term id to names valid in a context only
    stemmer: str | None = None  # an nltk Snowball language: "Schmerzen" and "Schmerz" fold to one word
    ignored_words: frozenset[str] = frozenset()  # articles, skipped on both sides ("fördert die Durchblutung")
    compound_heads: tuple[str, ...] = ()  # last parts of a compound that leave its first part a term's name

    def key(self, folded: str) -> str:
        """A folded word (lower case, no accents) as this language's phrases are compared."""
        return _stem(folded, self.stemmer) if self.stemmer else folded


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    return _stemmer(language).stem(word)


@cache
def _stemmer(language: str) -> SnowballStemmer:
    return SnowballStemmer(language)


def load_translations(folder: Path) -> dict[str, Translation]:
    """Every `<lang>.yaml` of `folder`, by language code (none when the folder does not exist)."""
    out = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        raw = read_yaml(path)
        names: dict[str, tuple[str, ...]] = {}
        context: dict[str, tuple[str, ...]] = {}
        for term_id, value in (raw.get("terms") or {}).items():
            item: dict[str, Any] = value if isinstance(value, dict) else {"names": value}
            names[str(term_id)] = tuple(str(v) for v in item.get("names") or ())
            if item.get("context_terms"):
                context[str(term_id)] = tuple(str(v) for v in item["context_terms"])
        lang = str(raw["language"])
        out[lang] = Translation(
            language=lang, name=str(raw["name"]), names=names, context_terms=context,
            stemmer=raw.get("stemmer"), ignored_words=frozenset(str(w).lower() for w in raw.get("ignored_words") or ()),
            compound_heads=tuple(sorted((str(w).lower() for w in raw.get("compound_heads") or ()), key=len,
                                        reverse=True)),
        )
    return out
