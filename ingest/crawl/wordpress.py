"""The WordPress REST API (`/wp-json/wp/v2/pages` and `posts`): each item's rendered content, title, link and
modified date, made into a small HTML page that is read like any other."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.crawl.fetch import Failed, Fetcher
from ingest.crawl.urls import normalize, same_site

PER_PAGE = 100  # the API's largest page
MAX_API_PAGES = 50  # of each type: 5,000 items, ten times the default --max-pages
MAX_API_BYTES = 20 * 1048576
FIELDS = "id,link,modified_gmt,modified,title,content"


@dataclass
class WordPressItem:
    """One page or post: its public link, when it last changed, and the page kb reads for it."""

    url: str
    modified: str
    document: bytes


@dataclass
class WordPressSite:
    """What the API gave: items on the site, and items or API pages that could not be used, with the reason."""

    found: bool = False
    items: list[WordPressItem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def as_document(item: dict[str, object], url: str, modified: str) -> bytes:
    """An API item as the HTML page it stands for: title, canonical link, modified date and rendered content."""
    title = _rendered(item.get("title"))
    content = _rendered(item.get("content"))
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="{html.escape(url)}">'
            f'<meta property="article:modified_time" content="{html.escape(modified)}">'
            f"</head><body><main><h1>{title}</h1>{content}</main></body></html>").encode()


def _rendered(value: object) -> str:
    """`{"rendered": "…"}` as WordPress gives titles and content (already HTML)."""
    if isinstance(value, dict) and isinstance(value.get("rendered"), str):
        return str(value["rendered"])
    return ""


def read_wordpress(fetcher: Fetcher, site: str, allowed: Callable[[str], str | None], limit: int) -> WordPressSite:
    """Pages, then posts, paged by `X-WP-TotalPages`; at most `limit` items. A site without the API (a 404, or no
    JSON list) is simply not a WordPress site."""
    out = WordPressSite()
    for kind in ("pages", "posts"):
        total = 1
        number = 1
        while number <= min(total, MAX_API_PAGES) and len(out.items) < limit:
            url = f"{site}/wp-json/wp/v2/{kind}?per_page={PER_PAGE}&page={number}&_fields={FIELDS}"
            if allowed(url):
                return out  # robots.txt keeps kb out of the API: read the pages themselves instead
            try:
                response = fetcher.get(url, accept="application/json", limit=MAX_API_BYTES, allowed=allowed)
            except Failed as exc:
                if out.found:
                    out.skipped.append((url, f"WordPress API: {exc.reason}"))
                break
            items = _items(response.body) if response.status == 200 else None
            if items is None:
                if out.found and response.status != 400:  # 400: past the last page
                    out.skipped.append((url, f"WordPress API: HTTP {response.status}"))
                if not out.found:
                    return out
                break
            out.found = True
            total = _int(response.headers.get("x-wp-totalpages"), 1)
            for item in items:
                _add(out, item, site)
            number += 1
    return out


def _items(body: bytes) -> list[dict[str, object]] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else None


def _add(out: WordPressSite, item: dict[str, object], site: str) -> None:
    link = normalize(str(item.get("link") or ""))
    if link is None:
        return
    if not same_site(link, site):
        out.skipped.append((link, "WordPress item on another site (not followed)"))
        return
    modified = str(item.get("modified_gmt") or item.get("modified") or "")
    out.items.append(WordPressItem(link, modified, as_document(item, link, modified)))


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default
