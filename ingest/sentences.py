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


_DETERMINER = r"(?:(?:your|the|their|our|its|his|her|any|overall|general)\s+)*"
_CLAUSE_END = re.compile(r"[.;:!?()\u2014\u2013]|\s-\s|\s(?:which|that|while|so|because|by|when|in|for|to|with)\s")
_OBJECT_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+")
MAX_OBJECT_WORDS = 5


def verb_objects(sentence: str, verbs: frozenset[str]) -> list[str]:
    """Each object of an outcome verb as its own verb phrase, determiners dropped: "help relieve the pain and
    inflammation" → "relieve pain", "relieve inflammation"; "reduce pain, muscle tension and improve mobility" →
    "reduce pain", "reduce muscle tension", "improve mobility" (a benefit's verb phrasings meet each)."""
    out: list[str] = []
    for m in re.finditer(r"\b([A-Za-z]+)\s+" + _DETERMINER, sentence):
        verb = m.group(1).lower()
        if verb not in verbs:
            continue
        rest = sentence[m.end():]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        for part in _OBJECT_SPLIT.split(clause):
            words = re.sub(r"^" + _DETERMINER, "", part.strip(), flags=re.IGNORECASE).split()
            if not words or len(words) > MAX_OBJECT_WORDS or words[0].lower() in verbs:
                break  # "… and improve mobility": the next verb's own phrase, read when the loop reaches it
            out.append(f"{verb} {' '.join(words)}")
    return list(dict.fromkeys(out))
