"""Clinic names in a query ("NORTHGATE SPORTS address", "Brightwater emergency number"): the phrases that name one
clinic of an index version, so that its pages are found and its name's words are never read as intent ("Open Door
Massage" is not a question about opening hours)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kb.cues import Cues
from kb.vocabulary import Vocabulary, phrase_key, tokens

# Where a clinic's name stops being its name: "Harbour Dentistry: Smile & Care", "Ashford, Kent".
_NAME_END = re.compile(r"\s[-–—|]\s|[:,|(]")
MIN_SHORT_NAME_LETTERS = 5  # a one-word short name ("Kingsford") is at least this long


@dataclass(frozen=True)
class ClinicName:
    """A phrase naming one clinic: its entry's name and id; a short name counts only when typed in capitals."""

    name: str
    id: str
    capitals: bool


@cache
def _common_words(vocab: Vocabulary, organisation_words: frozenset[str]) -> frozenset[str]:
    return organisation_words | frozenset(w for key in vocab.query_phrases for w in key)


def common_words(vocab: Vocabulary, cues: Cues) -> frozenset[str]:
    """Words of what clinics are called and of the vocabulary's phrases: never a clinic's own name or town."""
    return _common_words(vocab, cues.words("organisation_words"))


@cache
def _words(keys: frozenset[tuple[str, ...]]) -> frozenset[str]:
    return frozenset(w for key in keys for w in key)


def clinic_phrases(clinics: list[tuple[str, str]], vocab: Vocabulary, cues: Cues,
                   vocab_keys: frozenset[tuple[str, ...]]) -> dict[tuple[str, ...], ClinicName]:
    """Phrase keys naming the clinics (name, entry id): each whole name (up to a colon, comma or dash), and its
    leading words ("Brightwater" for Brightwater Laser Dentistry) when they start with a word that is no vocabulary
    word, no organisation word and no intent word. A phrase two clinics share, or a vocabulary phrase, names none."""
    common = cues.words("organisation_words") | cues.words("query_stopwords")
    vocab_words = _words(vocab_keys)
    out: dict[tuple[str, ...], ClinicName | None] = {}
    for name, entry_id in clinics:
        key = phrase_key(_NAME_END.split(name, 1)[0])
        if not key or key in vocab_keys:
            continue
        found = {key: ClinicName(name, entry_id, capitals=False)}
        if key[0] not in common and key[0] not in vocab_words:
            for n in range(1, len(key)):
                short = key[:n]
                if (n > 1 or len(short[0]) >= MIN_SHORT_NAME_LETTERS) and short[-1] not in common:
                    found.setdefault(short, ClinicName(name, entry_id, capitals=True))
        for k, clinic in found.items():
            seen = out.get(k, clinic)
            out[k] = clinic if seen is not None and seen.id == clinic.id else None
    return {k: v for k, v in out.items() if v is not None}


def find_clinics(text: str, phrases: dict[tuple[str, ...], ClinicName]) -> list[tuple[int, int, ClinicName]]:
    """The clinics `text` names, as (start, end, clinic), longest phrase first, left to right."""
    if not phrases:
        return []
    toks = [t for t in tokens(text) if t[0][0].isalnum()]
    longest = max(len(k) for k in phrases)
    out: list[tuple[int, int, ClinicName]] = []
    i = 0
    while i < len(toks):
        for n in range(min(longest, len(toks) - i), 0, -1):
            clinic = phrases.get(tuple(t[1] for t in toks[i : i + n]))
            if clinic and (not clinic.capitals or all(t[0][0].isupper() for t in toks[i : i + n])):
                out.append((toks[i][2], toks[i + n - 1][3], clinic))
                i += n
                break
        else:
            i += 1
    return out
