"""What of a short page extraction reads: its sentences and the lists under a heading that introduces a kind."""

from __future__ import annotations

import re
from dataclasses import replace

from kb.cues import Cues
from kb.model import Article, Section
from kb.vocabulary import fold

MIN_CONTENT_WORDS = 40  # fewer words of main content: a landing page, an empty template, a menu
_SENTENCE_END = re.compile(r"[a-z]{2}[.!?](?!\w)")
MIN_SENTENCE_WORDS = 6


def readable_content(article: Article, cues: Cues) -> Article | None:
    """What of an article its words are read in: all of it from MIN_CONTENT_WORDS words on; of a shorter page (more
    often a menu than an article) only its full sentences and the list items under a heading that introduces a kind
    ("Benefits", "Conditions we treat"), and nothing (None) when none is left: a page of menu labels names nothing."""
    if article.word_count() >= MIN_CONTENT_WORDS:
        return article
    page_words = cues.words("not_name_words") | cues.words("not_name_starts")
    sections = []
    for section in article.sections:
        listed = _introduces_a_kind(section.heading, cues)
        # A list with a page label among its items ("Home", "Contact", "About us") is a menu, whatever its heading.
        menus = {b.list_id for b in section.blocks if b.kind == "item" and set(fold(b.text).split()) <= page_words}
        blocks = [b for b in section.blocks if (b.kind == "item" and listed and b.list_id not in menus) or (
            b.kind != "item" and len(b.text.split()) >= MIN_SENTENCE_WORDS and _SENTENCE_END.search(b.text))]
        if blocks:
            sections.append(Section(section.heading, section.level, blocks))
    return replace(article, sections=sections) if sections else None


def _introduces_a_kind(heading: str, cues: Cues) -> bool:
    """Whether a heading introduces conditions, benefits or techniques, not warnings ("Benefits", "Services")."""
    kinds = ("condition_context", "benefit_context", "technique_context")
    return any(cues.pattern(k).search(heading) for k in kinds) and not cues.pattern("caution_context").search(heading)
