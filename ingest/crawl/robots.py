"""robots.txt for kb's user agent (protego), read first and under RFC 9309's rules for missing or failing files."""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

from ingest.crawl.fetch import UA_TOKEN, Failed, Fetcher

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: crawlers must read at least 500 KiB


@dataclass
class Robots:
    """What a site's robots.txt allows kb, its Crawl-delay and its Sitemap lines; `closed` when it says nothing
    may be fetched (or could not be read: RFC 9309 says assume so)."""

    parser: Protego | None = None
    closed: str | None = None
    sitemaps: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        if self.closed:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, UA_TOKEN))

    @property
    def crawl_delay(self) -> float | None:
        delay = self.parser.crawl_delay(UA_TOKEN) if self.parser is not None else None
        return float(delay) if delay else None


def read_robots(fetcher: Fetcher, site: str) -> Robots:
    """The site's robots.txt, always the first request to a site. A 4xx means no rules; a 5xx means keep out for
    now (RFC 9309 2.3.1.4). Network failures raise Failed: the site can't be crawled at all."""
    url = site + "/robots.txt"
    response = fetcher.get(url, accept="text/plain,*/*;q=0.1", limit=MAX_ROBOTS_BYTES,
                           allowed=lambda target: None if target.startswith(site + "/") else "another site")
    if response.status >= 500:
        return Robots(closed=f"robots.txt answered HTTP {response.status}, so the site counts as closed to crawlers "
                             "for now (RFC 9309); try again later")
    if response.status != 200:
        return Robots()  # 4xx (and anything else): no robots.txt, no rules
    text = response.body.decode("utf-8", "replace")
    try:
        parser = Protego.parse(text)
    except Exception as exc:  # protego is forgiving; a crash in it must not stop the ingest
        raise Failed(f"robots.txt could not be read ({type(exc).__name__})") from None
    return Robots(parser=parser, sitemaps=[str(s) for s in parser.sitemaps])
