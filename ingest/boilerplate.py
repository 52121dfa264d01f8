"""Blocks that repeat across pages of one site are furniture (calls to action, disclaimers), not content."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import PurePath
from urllib.parse import urlparse

from kb.model import Article

MIN_PAGES = 3  # a block must stand on at least this many pages of a site ...
MIN_SHARE = 0.5  # ... and on at least this share of them


def site_key(article: Article) -> str:
    """Which site an article belongs to: its URL's host, else its declared site name, else its folder."""
    if article.url:
        return urlparse(article.url).netloc.lower().removeprefix("www.")
    if article.site:
        return article.site.lower()
    return str(PurePath(article.path).parent)


def drop_repeated_blocks(articles: list[Article]) -> list[Article]:
    """Remove, in place, blocks repeated across a site's pages; returns the articles for chaining."""
    sites: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        sites[site_key(article)].append(article)
    for pages in sites.values():
        if len(pages) < MIN_PAGES:
            continue
        counts: Counter[str] = Counter()
        for page in pages:
            counts.update({b.text for s in page.sections for b in s.blocks})
        threshold = max(MIN_PAGES, MIN_SHARE * len(pages))
        repeated = {text for text, n in counts.items() if n >= threshold}
        for page in pages:
            for section in page.sections:
                section.blocks = [b for b in section.blocks if b.text not in repeated]
            page.sections = [s for s in page.sections if s.blocks]
    return articles
