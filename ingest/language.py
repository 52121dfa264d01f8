"""Which language a page is in: declared, else told by its script or function words (no model, no download)."""

from __future__ import annotations

import re

from kb.cues import Cues, load_cues
from kb.model import Article
from kb.translations import CJK_RANGES

_FUNCTION_WORDS = {"en": "english_function_words", "de": "german_function_words", "fr": "french_function_words",
                   "es": "spanish_function_words", "nl": "dutch_function_words", "it": "italian_function_words"}
MIN_WORDS_TO_TELL = 40  # fewer words than this: trust the page's declaration, else call it English
_HAN = re.compile(f"[{CJK_RANGES}]")
_KANA = re.compile("[\u3040-\u30ff]")
CHARACTERS_PER_WORD = 2  # Chinese and Japanese words: some two characters each, for counting a page's words


def language_of(article: Article, cues: Cues | None = None) -> str:
    """The page's language: its declared one (`lang`), else Chinese or Japanese by its script, else the language
    whose function words are commonest in it (two-letter code; English when there are too few words to tell)."""
    if article.lang:
        return article.lang.lower().split("-")[0].split("_")[0] or "en"
    text = " ".join([article.title, *(b.text for s in article.sections for b in [*s.blocks])]).lower()
    words = re.findall(r"[^\W\d_]+", text)
    han = len(_HAN.findall(text))
    if han // CHARACTERS_PER_WORD >= MIN_WORDS_TO_TELL and han > sum(len(w) for w in words) - han:
        return "ja" if _KANA.search(text) else "zh"  # more CJK characters than letters of other words
    if len(words) < MIN_WORDS_TO_TELL:
        return "en"
    cues = cues or load_cues()
    sets = {lang: cues.words(name) for lang, name in _FUNCTION_WORDS.items()}
    shares = {lang: sum(1 for w in words if w in function_words) for lang, function_words in sets.items()}
    best = max(shares, key=lambda lang: (shares[lang], lang == "en"))
    return best if shares[best] else "en"


def content_words(article: Article) -> int:
    """Words of main content, a run of Chinese or Japanese characters counted as the words it holds."""
    text = " ".join(b.text for s in article.sections for b in s.blocks)
    return article.word_count() + len(_HAN.findall(text)) // CHARACTERS_PER_WORD


def in_language(cues: Cues, language: str) -> Cues:
    """The cue lists as a page in `language` is read: each list with its entries for that language added (a list
    `condition_context_de` extends `condition_context` on German pages)."""
    suffix = "_" + language
    added = {name[: -len(suffix)]: words for name, words in cues.lists.items() if name.endswith(suffix)}
    if language == "en" or not added:
        return cues
    return Cues({name: words + added.get(name, ()) for name, words in cues.lists.items()})
