"""Which language a page is in: declared, else told by its function words (no model, no download)."""

from __future__ import annotations

import re

from kb.cues import Cues, load_cues
from kb.model import Article

_FUNCTION_WORDS = {"en": "english_function_words", "de": "german_function_words", "fr": "french_function_words",
                   "es": "spanish_function_words", "nl": "dutch_function_words"}
MIN_WORDS_TO_TELL = 40  # fewer words than this: trust the page's declaration, else call it English


def language_of(article: Article, cues: Cues | None = None) -> str:
    """The page's language: its declared one (`lang`), else the language whose function words are commonest in it
    (two-letter code; English when there are too few words to tell)."""
    if article.lang:
        return article.lang.lower().split("-")[0].split("_")[0] or "en"
    text = " ".join([article.title, *(b.text for s in article.sections for b in [*s.blocks])]).lower()
    words = re.findall(r"[^\W\d_]+", text)
    if len(words) < MIN_WORDS_TO_TELL:
        return "en"
    cues = cues or load_cues()
    shares = {lang: sum(1 for w in words if w in cues.words(name)) for lang, name in _FUNCTION_WORDS.items()}
    best = max(shares, key=lambda lang: (shares[lang], lang == "en"))
    return best if shares[best] else "en"
