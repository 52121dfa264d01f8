"""A parsed article's main content as the index keeps it: sections of blocks of sentences (kb/articles.py)."""

from __future__ import annotations

from ingest.sentences import split_sentences
from kb.articles import ArticleText, TextBlock, TextSection
from kb.model import Article, Extraction


def article_text(article: Article, clinic: str | None) -> ArticleText:
    """The sections of `article` with each block split into sentences; empty sections are dropped."""
    sections = []
    for section in article.sections:
        blocks = [TextBlock(b.kind, split_sentences(b.text) or [b.text.strip()]) for b in section.blocks
                  if b.text.strip()]
        if blocks or section.heading.strip():
            sections.append(TextSection(section.heading.strip(), section.level, blocks))
    return ArticleText(article.article_id, article.path, article.title, article.url, clinic, sections)


def kept_texts(articles: list[Article], extractions: list[Extraction]) -> list[ArticleText]:
    """The text of each article an extraction was kept for (a page read twice counts once, as in extraction)."""
    kept = {(e.article_id, e.path): e.clinic for e in extractions}
    return [article_text(a, kept[(a.article_id, a.path)]) for a in articles if (a.article_id, a.path) in kept]
