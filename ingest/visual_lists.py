"""Lists without list markup: a run of short, unpunctuated paragraphs reads as the items of one list."""

from __future__ import annotations

from kb.model import Article, Block

MIN_RUN = 3  # two short lines may be a heading and a tagline; three in a row are a list
MAX_ITEM_WORDS = 10


def _short_line(block: Block) -> bool:
    text = block.text.strip()
    return (block.kind == "paragraph" and 0 < len(text.split()) <= MAX_ITEM_WORDS
            and not text.endswith((".", "?", "!", ":", ",")))


def visual_lists(article: Article) -> Article:
    """`article` with each run of at least three short paragraphs without a full stop turned into list items
    ("Reduced muscle tension", "Improved circulation", … written one per paragraph)."""
    next_id = 1 + max((b.list_id or 0 for s in article.sections for b in s.blocks), default=0)
    for section in article.sections:
        blocks = section.blocks
        i = 0
        while i < len(blocks):
            j = i
            while j < len(blocks) and _short_line(blocks[j]):
                j += 1
            if j - i >= MIN_RUN:
                for k in range(i, j):
                    blocks[k] = Block("item", blocks[k].text, next_id)
                next_id += 1
            i = max(j, i + 1)
    return article
