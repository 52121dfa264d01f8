"""The Whoosh schema of a kb index: one document per entry and one per ingested article (kind `article`)."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analysis import plain_analyzer, stemming_analyzer

FACETS = ("kind", "condition", "technique", "benefit", "body_region", "clinic")
TEXT_FIELDS = ("name", "aliases", "related", "contact", "summary", "evidence")
PLAIN_FIELDS = ("names_plain", "text_plain")


def build_schema() -> Schema:
    """Ranked text fields (stemmed), unstemmed fields for typos, facet keywords and the stored entry."""
    stem = stemming_analyzer()
    plain = plain_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        name=TEXT(analyzer=stem, phrase=True, stored=True),
        aliases=TEXT(analyzer=stem, phrase=True),
        related=TEXT(analyzer=stem, phrase=True),
        contact=TEXT(analyzer=plain, phrase=True),
        summary=TEXT(analyzer=stem, phrase=False),
        evidence=TEXT(analyzer=stem, phrase=True),
        names_plain=TEXT(analyzer=plain, phrase=False),
        text_plain=TEXT(analyzer=plain, phrase=False),
        condition=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        technique=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        benefit=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        body_region=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        clinic=KEYWORD(stored=True, commas=True, lowercase=False, scorable=False),
        desk=KEYWORD(commas=True, lowercase=False, scorable=True),  # front-desk topics its sentences state
        n_sources=NUMERIC(stored=True, sortable=True),
        view=STORED(),  # the entry (index/entry_view.py); versions written before it have `payload`, its JSON
        payload=STORED(),
        passage_stems=STORED(),
        names=STORED(),  # the name and aliases, one per line: suggestions read these, not the payload
        article=STORED(),  # an article document's text as kb read it (kb/articles.py), for its page
    )
