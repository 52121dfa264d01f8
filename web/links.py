"""The URL scheme of kb's pages: the one place that names them."""

from __future__ import annotations

from urllib.parse import quote


def entry_url(entry_id: str) -> str:
    """The HTML page of an entry."""
    return f"/entries/{quote(entry_id, safe='')}"


def article_url(article_id: str) -> str:
    """The HTML page of an ingested article (the text kb read, linkable even when the file had no URL)."""
    return f"/articles/{quote(article_id, safe='')}"
