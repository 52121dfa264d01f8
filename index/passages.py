"""Which of an entry's passages hold which word stems: written once at index time, read per query.

A result quotes, for each source article, its best passage for the query. Popular entries have thousands of
passages, so instead of stemming every passage at query time the index stores, per entry, a posting list per stem
("stem 3 17 42" lines); a query reads only the lines of its own stems.
"""

from __future__ import annotations

from functools import lru_cache

from index.analysis import WORD, snowball_stem
from index.desk_facts import tags


@lru_cache(maxsize=100_000)
def sentence_stems(sentence: str) -> frozenset[str]:
    """The stems of a sentence's words (memoised: passages repeat across entries and queries)."""
    return frozenset(snowball_stem(w.lower()) for w in WORD.findall(sentence))


def encode_postings(sentences: list[str]) -> str:
    """Posting lists of the sentences' stems as text: one line per stem, 'stem pos pos …', between newlines."""
    postings: dict[str, list[int]] = {}
    for i, sentence in enumerate(sentences):
        for stem in sentence_stems(sentence) | tags(sentence):  # the front-desk topics it states beside its words
            postings.setdefault(stem, []).append(i)
    lines = (f"{stem} {' '.join(map(str, positions))}" for stem, positions in sorted(postings.items()))
    return "\n" + "\n".join(lines) + "\n"


class PassagePostings:
    """Positions of an entry's passages per stem, read from the text `encode_postings` wrote."""

    def __init__(self, encoded: str):
        self._text = encoded
        self._lines: dict[str, tuple[int, int]] = {}  # where each stem looked up so far has its line (two ints)

    @property
    def weight(self) -> int:
        """About the bytes this holds (for the snapshot's cache bound: the text, one byte a character)."""
        return len(self._text)

    def get(self, stem: str) -> list[int]:
        """The positions of the passages holding `stem`, ascending (empty if none does)."""
        if stem not in self._lines:
            start = end = 0
            if stem and not any(c.isspace() for c in stem):
                found = self._text.find(f"\n{stem} ")
                if found >= 0:
                    start = found + len(stem) + 2
                    end = self._text.index("\n", start)
            self._lines[stem] = (start, end)
        start, end = self._lines[stem]
        return [int(x) for x in self._text[start:end].split()]
