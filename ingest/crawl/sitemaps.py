"""Sitemaps (sitemaps.org): XML url sets and sitemap indexes, gzip, plain-text lists; read with lxml, no network
and no entities, within limits. kb fetches them itself so that they obey the same pauses and caps as pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from ingest.crawl.body import BadEncoding, TooBig, gunzip_limited
from ingest.crawl.fetch import Failed, Fetcher
from ingest.crawl.urls import normalize, same_site

MAX_SITEMAP_BYTES = 50 * 1048576  # the sitemaps.org limit, uncompressed
MAX_SITEMAPS = 50  # sitemap files read for one site, indexes included
MAX_URLS = 50_000  # page URLs taken from one site's sitemaps


@dataclass
class SitemapFile:
    """One sitemap's content: page URLs with their lastmod, and the child sitemaps of an index."""

    pages: list[tuple[str, str | None]] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(data: bytes, base: str) -> SitemapFile:
    """A sitemap's URLs: XML (`urlset` or `sitemapindex`, any namespace), gzip-compressed or not, or a plain-text
    list of URLs one a line. Raises ValueError when it is none of these."""
    if data[:2] == b"\x1f\x8b":
        data = gunzip_limited(data, MAX_SITEMAP_BYTES)
    out = SitemapFile()
    head = data.lstrip()[:1]
    if head != b"<":
        for line in data.decode("utf-8", "replace").splitlines():
            if (url := normalize(line.strip())) and line.strip().lower().startswith(("http://", "https://")):
                out.pages.append((url, None))
        return out
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    root = etree.fromstring(data, parser)
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise ValueError("not a sitemap (no <urlset> or <sitemapindex>)")
    index = _local(root.tag) == "sitemapindex"
    for item in root:
        if _local(item.tag) not in ("url", "sitemap"):
            continue
        loc = next((c.text for c in item if _local(c.tag) == "loc" and c.text), None)
        lastmod = next((c.text.strip() for c in item if _local(c.tag) == "lastmod" and c.text), None)
        url = normalize(loc, base) if loc else None
        if url is None:
            continue
        if index:
            out.sitemaps.append(url)
        else:
            out.pages.append((url, lastmod))
    return out


@dataclass
class Discovered:
    """Page URLs from a site's sitemaps, and the sitemap URLs that could not be used, with the reason."""

    pages: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def read_sitemaps(fetcher: Fetcher, site: str, declared: list[str], allowed: Callable[[str], str | None]) -> Discovered:
    """Every page URL of the site's sitemaps: those robots.txt declares, else `/sitemap.xml`; indexes followed.
    A missing `/sitemap.xml` that nothing declared is no error (most small sites have none)."""
    found = Discovered()
    todo = [(url, True) for url in declared] or [(site + "/sitemap.xml", False)]
    seen: set[str] = set()
    pages: set[str] = set()
    while todo and len(seen) < MAX_SITEMAPS:
        raw, named = todo.pop(0)
        url = normalize(raw)
        if url is None or url in seen:
            continue
        seen.add(url)
        if not same_site(url, site):
            found.skipped.append((url, "sitemap on another site (not followed)"))
            continue
        if refused := allowed(url):
            found.skipped.append((url, refused))
            continue
        try:
            response = fetcher.get(url, accept="application/xml,text/xml,text/plain;q=0.9,*/*;q=0.5",
                                   limit=MAX_SITEMAP_BYTES, allowed=allowed)
            if response.status != 200:
                if named or response.status not in (404, 410):
                    found.skipped.append((url, f"sitemap: HTTP {response.status}"))
                continue
            sitemap = parse_sitemap(response.body, response.url)
        except Failed as exc:
            found.skipped.append((url, f"sitemap: {exc.reason}"))
            continue
        except (TooBig, BadEncoding, ValueError, etree.Error) as exc:
            found.skipped.append((url, f"sitemap could not be read: {exc}"))
            continue
        todo += [(child, True) for child in sitemap.sitemaps]
        for page, _lastmod in sitemap.pages:
            if page not in pages and len(pages) < MAX_URLS:
                pages.add(page)
                found.pages.append(page)
    for raw, _named in todo:
        found.skipped.append((raw, f"not read: more than {MAX_SITEMAPS} sitemaps"))
    return found
