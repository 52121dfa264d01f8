"""Sentence splitting with nltk's Punkt (default parameters plus kb's abbreviation list: no downloaded data)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from kb.cues import load_cues


@cache
def _tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(load_cues()["abbreviations"])
    return PunktSentenceTokenizer(params)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph."""
    return list(_split(text))


@lru_cache(maxsize=20_000)
def _split(text: str) -> tuple[str, ...]:
    # Punkt needs a space after a period to see a boundary; scraped text often lacks it ("pain.Massage").
    text = re.sub(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])", " ", text)
    return tuple(s.strip() for s in _tokenizer().tokenize(text) if s.strip())
