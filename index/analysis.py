"""Whoosh analyzers: nltk's Snowball stemmer for ranked text, an unstemmed one for typos and spelling."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from nltk.stem.snowball import SnowballStemmer
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

# Chinese, Japanese and Korean script runs are written without spaces between words: each character is a token, so
# a query's characters meet a page's whatever the word boundaries (as Lucene's CJK analysis does with bigrams).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKENS = rf"[{_CJK}]|[^\W{_CJK}]+(?:['’][^\W{_CJK}]+)?"
WORD = re.compile(_TOKENS)  # a word as the analyzers see it, for code that splits text itself


@cache
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def snowball_stem(word: str) -> str:
    """The Snowball (Porter 2) stem of an English word; a module function so Whoosh can pickle the schema."""
    return str(_stemmer().stem(word))


def stemming_analyzer():
    """Words, lower-cased, accents folded, English stop words removed, Snowball-stemmed."""
    return (RegexTokenizer(_TOKENS) | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter(minsize=1)
            | StemFilter(stemfn=snowball_stem, cachesize=50000))


def plain_analyzer():
    """Words, lower-cased, accents folded; no stemming, no stop words (typos are corrected against these)."""
    return RegexTokenizer(_TOKENS) | LowercaseFilter() | CharsetFilter(accent_map)


def analyse(analyzer, text: str) -> list[str]:
    """The terms an analyzer makes of `text`."""
    return [t.text for t in analyzer(text)]
