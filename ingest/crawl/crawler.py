"""One site's crawl: robots.txt first, then sitemaps, the WordPress API and links, one polite request at a time,
within --max-pages and the time limit; every URL found is either a page or skipped with its reason."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.crawl.fetch import CrawlOptions, Failed, Fetched, Fetcher, TimeUp
from ingest.crawl.links import page_links, robots_directives
from ingest.crawl.robots import Robots, read_robots
from ingest.crawl.sitemaps import read_sitemaps
from ingest.crawl.state import PageState, SiteState
from ingest.crawl.urls import NOT_PAGES, file_extension, origin, same_site
from ingest.crawl.wordpress import read_wordpress

HTML_TYPES = {"text/html", "application/xhtml+xml"}
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
MAX_FAILURES_IN_A_ROW = 5  # then the site is down or refusing us: stop asking
MAX_LINKS_KEPT = 500  # links of one page remembered, to follow them again when it answers 304
Progress = Callable[[int, int, int], None]  # pages found, fetched, skipped


@dataclass
class Page:
    """A page to ingest: the URL that answered, its new state and its body (None when it is unchanged since the
    last crawl, and its extraction is reused; `unchanged` then says how kb knows)."""

    url: str
    state: PageState
    body: bytes | None
    unchanged: str = ""


@dataclass
class CrawlResult:
    """What one site's crawl found: pages to ingest, URLs skipped with their reason, and whether it finished
    (every URL found was tried) or a limit or failure cut it short."""

    site: str
    pages: list[Page] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    complete: bool = True
    requests: int = 0


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Crawl:
    """The state of one crawl in progress (a class only to share it among its steps)."""

    def __init__(self, start: str, options: CrawlOptions, previous: SiteState | None, progress: Progress | None):
        self.start = start
        self.site = origin(start)
        self.options = options
        self.previous = previous.pages if previous else {}
        self.result = CrawlResult(self.site)
        self.fetcher = Fetcher(self.site, options, progress=self._tick)
        self.robots = Robots()
        self.queue: deque[str] = deque()
        self.found: set[str] = set()
        self.done: set[str] = set()
        self.by_hash: dict[str, str] = {}
        self.tried = 0
        self.failures: list[str] = []
        self._progress = progress

    def _tick(self) -> None:
        if self._progress:
            self._progress(len(self.found), len(self.result.pages), len(self.result.skipped))

    def skip(self, url: str, reason: str) -> None:
        self.result.skipped.append((url, reason))

    def allowed(self, url: str) -> str | None:
        """Why kb may not request `url` (another site, robots.txt), or None."""
        if not same_site(url, self.site):
            return f"another site ({origin(url)}); kb keeps to {self.site}"
        if not self.robots.allows(url):
            return "disallowed by robots.txt"
        return None

    def enqueue(self, url: str) -> None:
        """A URL found in a sitemap or link: queued, or skipped at once (no request) with the reason."""
        if url in self.found:
            return
        self.found.add(url)
        if not same_site(url, self.site):
            self.skip(url, "off-site link (not followed)")
        elif file_extension(url) in NOT_PAGES:
            self.skip(url, f"not HTML (a {file_extension(url)} file, by its name; not fetched)")
        elif not self.robots.allows(url):
            self.skip(url, "disallowed by robots.txt (not fetched)")
        else:
            self.queue.append(url)

    def run(self) -> CrawlResult:
        try:
            try:
                self.robots = read_robots(self.fetcher, self.site)
            except Failed as exc:
                self.skip(self.start, exc.reason)
                self.result.complete = False
                return self.result
            if self.robots.closed:
                self.skip(self.start, self.robots.closed)
                self.result.complete = False
                return self.result
            self.fetcher.honour_crawl_delay(self.robots.crawl_delay)
            self.enqueue(self.start)
            sitemaps = read_sitemaps(self.fetcher, self.site, self.robots.sitemaps, self.allowed)
            self.result.skipped += sitemaps.skipped
            for url in sitemaps.pages:
                self.enqueue(url)
            self.read_wordpress()
            self.follow_links()
        except TimeUp:
            self.result.complete = False
            reason = f"not fetched: the time limit ({self.options.time_limit:g} s) was reached"
            self.result.skipped += [(url, reason) for url in self.queue if url not in self.done]
        finally:
            self.result.requests = self.fetcher.requests
            self.fetcher.close()
        return self.result

    def read_wordpress(self) -> None:
        """Pages and posts from the WordPress API, when the site has it: no need to fetch their HTML."""
        wp = read_wordpress(self.fetcher, self.site, self.allowed, self.options.max_pages)
        self.result.skipped += wp.skipped
        for item in wp.items:
            if item.url in self.done:
                continue
            self.found.add(item.url)
            self.done.add(item.url)
            self.tried += 1
            prev = self.previous.get(item.url)
            links = page_links(item.document, item.url)
            state = PageState(modified=item.modified, hash=content_hash(item.document), links=self._kept(links.links))
            if prev is not None and item.modified and prev.modified == item.modified:
                self.add(Page(item.url, replace(prev, links=state.links), None, "same WordPress modified date"))
            else:
                self.add(Page(item.url, state, item.document))
            for link in links.links:
                self.enqueue(link)

    def add(self, page: Page) -> None:
        self.result.pages.append(page)
        if page.state.hash:
            self.by_hash.setdefault(page.state.hash, page.url)

    def follow_links(self) -> None:
        """Fetch queued pages in the order found, queueing their links, until the queue or a limit runs out."""
        while self.queue:
            url = self.queue.popleft()
            if url in self.done:
                continue
            if self.tried >= self.options.max_pages:
                self.result.complete = False
                self.skip(url, f"not fetched: --max-pages {self.options.max_pages} reached")
                continue
            if len(self.failures) >= MAX_FAILURES_IN_A_ROW:
                self.result.complete = False
                self.skip(url, f"not fetched: the site failed {len(self.failures)} requests in a row "
                               f"(last: {self.failures[-1]})")
                continue
            self.tried += 1
            self.done.add(url)
            try:
                self.fetch_page(url)
            except TimeUp:
                self.queue.appendleft(url)  # not fetched: reported with the rest of the queue
                self.done.discard(url)
                raise

    def fetch_page(self, url: str) -> None:
        try:
            response = self.fetcher.get(
                url, accept=HTML_ACCEPT, limit=self.options.max_page_bytes,
                allowed=lambda target: "read already" if target in self.done else self.allowed(target),
                headers=lambda u: self.previous[u].conditional_headers() if u in self.previous else {},
                wanted=lambda content_type: content_type in HTML_TYPES)
        except Failed as exc:
            self.skip(url, exc.reason)
            self.failures = [*self.failures, exc.reason] if exc.network else []
            return
        self.failures = [*self.failures, f"HTTP {response.status}"] if response.status >= 500 else []
        if response.url != url:
            self.done.add(response.url)
            self.found.add(response.url)
        self.read_response(url, response)

    def read_response(self, url: str, response: Fetched) -> None:
        final = response.url
        prev = self.previous.get(final)
        if response.status == 304 and prev is not None:
            self.add(Page(final, prev, None, "304 Not Modified"))
            for link in prev.links:
                self.enqueue(link)
            return
        if response.status != 200:
            gone = " (gone: dropped from the knowledge base)" if response.status in (404, 410) and prev else ""
            self.skip(url, f"HTTP {response.status}{gone}")
            return
        if response.content_type not in HTML_TYPES:
            self.skip(final, f"not HTML ({response.content_type or 'no content type'})")
            return
        digest = content_hash(response.body)
        if digest in self.by_hash:
            self.skip(final, f"duplicate of {self.by_hash[digest]} (identical content)")
            return
        links = page_links(response.body, final)
        header = robots_directives(response.headers.get("x-robots-tag", ""))
        noindex = links.noindex or bool(header & {"noindex", "none"})
        if not (links.nofollow or header & {"nofollow", "none"}):
            for link in links.links:
                self.enqueue(link)
        if noindex:
            self.skip(final, "the page asks not to be indexed (robots noindex)")
            return
        state = PageState(etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
                          hash=digest, links=self._kept(links.links))
        if prev is not None and prev.hash == digest:
            self.add(Page(final, replace(prev, etag=state.etag, last_modified=state.last_modified,
                                         links=state.links), None, "same content"))
        else:
            self.add(Page(final, state, response.body))

    @staticmethod
    def _kept(links: list[str]) -> list[str]:
        return links[:MAX_LINKS_KEPT]


def crawl(start: str, options: CrawlOptions, previous: SiteState | None = None,
          progress: Progress | None = None) -> CrawlResult:
    """Crawl the site of `start` (its scheme, host and port), starting there."""
    return Crawl(start, options, previous, progress).run()
