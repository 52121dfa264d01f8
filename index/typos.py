"""Words of the index within a few edits of a typed word, the word's automaton built once per process.

Whoosh builds a Levenshtein automaton (a DFA) for every `terms_within` call: most of the cost of a typo, and a
misspelt word asks for the same one up to three times (its fuzzy terms in two fields and its spelling
correction). The automaton depends only on the word, the edit distance and the prefix, so it is kept here (a
bounded memo, like the stemmer's); it then walks the field's words, read once per open reader into a list, as
Whoosh walks its term index, so the same words are found.
"""

from __future__ import annotations

import weakref
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from whoosh.codec.base import Automata
from whoosh.spelling import ReaderCorrector

AUTOMATA = 512  # typed words whose automata are kept per process


@lru_cache(maxsize=AUTOMATA)
def _automaton(text: str, maxdist: int, prefix: int) -> Any:
    return Automata.levenshtein_dfa(text, maxdist, prefix)


class _Words:
    """A field's words in order, walked as Whoosh's automaton walks a term cursor (`text`, `find`)."""

    def __init__(self, words: list[str]):
        self.words, self.i = words, 0

    def text(self) -> str | None:
        return self.words[self.i] if self.i < len(self.words) else None

    def find(self, term: str) -> str | None:
        self.i = bisect_left(self.words, term)  # the first word at or after `term`, as the cursor's find
        return self.text()


# Per open reader, each searched field's words (a few thousand strings, read on the first typo): the automaton
# then jumps through a list instead of through the term index on disk, most of a typo's cost.
_LEXICONS: weakref.WeakKeyDictionary[Any, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def _lexicon(reader: Any, fieldname: str) -> list[str]:
    fields = _LEXICONS.setdefault(reader, {})
    if fieldname not in fields:
        fields[fieldname] = [w for w in reader.field_terms(fieldname) if isinstance(w, str)]
    return fields[fieldname]


def words_within(reader: Any, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
    """The words of a field within `maxdist` edits of `text` sharing its first `prefix` letters: what
    `reader.terms_within` gives."""
    if not hasattr(reader, "field_terms") or not hasattr(reader, "_codec"):
        return list(reader.terms_within(fieldname, text, maxdist, prefix=prefix))
    spelling = reader.schema[fieldname].spelling_fieldname(fieldname)
    return list(Automata.find_matches(_automaton(text, maxdist, prefix), _Words(_lexicon(reader, spelling))))


def nearest_word(searcher: Any, fieldname: str, text: str, maxdist: int, prefix: int = 0) -> str | None:
    """The one suggestion `searcher.suggest(fieldname, text, limit=1, maxdist=maxdist, prefix=prefix)` gives (the
    most frequent word within reach, ties to the later in order), or None."""
    reader = searcher.reader()
    if type(reader.corrector(fieldname)) is not ReaderCorrector:
        found = searcher.suggest(fieldname, text, limit=1, maxdist=maxdist, prefix=prefix)
        return str(found[0]) if found else None
    best: tuple[float, str] | None = None
    for word in words_within(reader, fieldname, text, maxdist, prefix):
        if word == text:
            continue
        item = (0 - (maxdist + (1.0 / (reader.frequency(fieldname, word) or 1) * 0.5)), word)  # Whoosh's score
        if best is None or item > best:
            best = item
    return best[1] if best else None
