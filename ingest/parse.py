"""Dispatch an article's text to the parser for its format."""

from __future__ import annotations

from pathlib import PurePath

from ingest.html_article import parse_html
from ingest.markdown_article import parse_markdown
from ingest.text_article import parse_text
from ingest.visual_lists import visual_lists
from kb.model import Article

FORMATS = {".html": "html", ".htm": "html", ".xhtml": "html", ".php": "html",
           ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def parse_article(text: str, path: str, fmt: str | None = None) -> Article:
    """Parse article text by the format its file name says, or `fmt` when the caller knows it (a web page's
    Content-Type); pure: no IO."""
    fmt = fmt or FORMATS.get(PurePath(path).suffix.lower(), "text")
    if fmt == "text" and text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        fmt = "html"  # a saved page with the wrong extension
    if fmt == "html":
        return visual_lists(parse_html(text, path))
    if fmt == "markdown":
        return visual_lists(parse_markdown(text, path))
    return visual_lists(parse_text(text, path))
