"""What a fetched page tells the crawler: its links and its robots meta tags (lxml; the article parser is
separate and reads the page again for content)."""

from __future__ import annotations

from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from ingest.crawl.urls import normalize


@dataclass
class PageLinks:
    """The links of a page (absolute, normalized, in page order) and what its robots meta tags ask."""

    links: list[str] = field(default_factory=list)
    noindex: bool = False
    nofollow: bool = False


def robots_directives(value: str) -> set[str]:
    """The directives of a robots meta tag or X-Robots-Tag header ("noindex, nofollow"), lower-cased."""
    return {word.strip().lower() for word in value.replace(";", ",").split(",") if word.strip()}


def page_links(body: bytes, url: str, max_links: int = 1000) -> PageLinks:
    """The `<a href>` and `<area href>` links of an HTML page fetched from `url`, resolved as a browser would
    (`<base href>` counts); `rel=nofollow` links are left out."""
    try:
        doc = lxml.html.document_fromstring(body, parser=lxml.html.HTMLParser(no_network=True, recover=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return PageLinks()
    out = PageLinks()
    for meta in doc.iter("meta"):
        if str(meta.get("name", "")).lower() in ("robots", "kb"):
            words = robots_directives(str(meta.get("content", "")))
            out.noindex |= bool(words & {"noindex", "none"})
            out.nofollow |= bool(words & {"nofollow", "none"})
    base_tag = next(iter(doc.iter("base")), None)
    base = normalize(str(base_tag.get("href") or ""), url) if base_tag is not None else None
    base = base or url
    seen: set[str] = set()
    for tag in doc.iter("a", "area"):
        href = tag.get("href")
        if not href or "nofollow" in str(tag.get("rel", "")).lower().split():
            continue
        link = normalize(str(href), base)
        if link and link not in seen:
            seen.add(link)
            out.links.append(link)
            if len(out.links) >= max_links:
                break
    return out
