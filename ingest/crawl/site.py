"""A crawled site as articles: new and changed pages decoded, parsed and extracted like files; unchanged pages'
extractions reused from the live version; duplicates (same canonical URL) and skips reported; the next crawl's
state made."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ingest.boilerplate import drop_repeated_blocks
from ingest.crawl.crawler import CrawlResult, Page, Progress, crawl
from ingest.crawl.fetch import CrawlOptions
from ingest.crawl.state import MAX_REPEATED, SiteState
from ingest.crawl.urls import normalize, origin, same_site
from ingest.files import IngestResult, Skipped, article_from_bytes, extract_articles
from kb.model import Article, Extraction, article_id
from kb.vocabulary import Vocabulary


@dataclass
class SiteResult:
    """One site read: what it adds to the ingest (extractions, skips, outcomes), its next crawl state, and
    whether the crawl finished (an unfinished one keeps the last version's pages it did not reach)."""

    site: str
    result: IngestResult
    state: SiteState
    complete: bool
    requests: int
    articles: list[Article] = dataclasses.field(default_factory=list)  # the pages read afresh, parsed


def reusable(previous: SiteState | None, extractions: dict[str, Extraction]) -> SiteState | None:
    """The last crawl's state, less pages whose extraction the live version no longer holds (fetched in full)."""
    if previous is None:
        return None
    pages = {url: page for url, page in previous.pages.items()
             if page.outcome != "ok" or page.article_id in extractions}
    return dataclasses.replace(previous, pages=pages)


def _on_site(article: Article, fetched: str, site: str) -> Article:
    """The article with its URL as the source names it: the canonical URL when the page declares one on this
    site, else the URL that answered; `path` is that URL too (one knowledge base holds several sites)."""
    canonical = normalize(article.url) if article.url else None
    url = canonical if canonical and same_site(canonical, site) else fetched
    return dataclasses.replace(article, url=url, path=url, article_id=article_id(url, url))


def _blocks(article: Article) -> set[str]:
    return {b.text for s in article.sections for b in s.blocks}


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _drop_furniture(articles: list[Article], known: set[str]) -> set[str]:
    """Drop, in place, blocks the site repeats: those known from earlier crawls and those repeated among these
    pages; returns the hashes of all of them, for the next crawl (so that a page changed alone is read alike)."""
    for article in articles:
        for section in article.sections:
            section.blocks = [b for b in section.blocks if _digest(b.text) not in known]
        article.sections = [s for s in article.sections if s.blocks]
    before = {id(a): _blocks(a) for a in articles}
    drop_repeated_blocks(articles)
    dropped = set().union(*(before[id(a)] - _blocks(a) for a in articles)) if articles else set()
    return known | {_digest(text) for text in dropped}


def read_site(start: str, options: CrawlOptions, vocab: Vocabulary, previous: SiteState | None,
              extractions: dict[str, Extraction], progress: Progress | None = None,
              crawler: Callable[..., CrawlResult] = crawl) -> SiteResult:
    """Crawl `start`'s site and turn it into extractions; `previous` is the live version's state of the site and
    `extractions` the live version's extractions by article id (what unchanged pages reuse)."""
    previous = reusable(previous, extractions)
    crawled = crawler(start, options, previous, progress)
    site = crawled.site
    skipped = [Skipped(url, reason) for url, reason in crawled.skipped]
    fresh: list[tuple[Page, Article]] = []
    reused: list[tuple[Page, Extraction]] = []
    seen: dict[str, str] = {}  # article id: the URL it was read from (canonical duplicates are read once)
    for page in crawled.pages:
        if page.body is None:
            if page.state.outcome != "ok":
                skipped.append(Skipped(page.url, page.state.outcome))
            elif page.state.article_id in extractions and page.state.article_id not in seen:
                reused.append((page, extractions[page.state.article_id]))
                seen[extractions[page.state.article_id].article_id] = page.url
            continue
        outcome = article_from_bytes(page.body, page.url, "html")
        if isinstance(outcome, Skipped):
            page.state.outcome = outcome.reason
            skipped.append(outcome)
            continue
        article = _on_site(outcome, page.url, site)
        if article.article_id in seen:
            page.state.outcome = f"duplicate of {seen[article.article_id]} (same canonical URL)"
            skipped.append(Skipped(page.url, page.state.outcome))
            continue
        seen[article.article_id] = page.url
        fresh.append((page, article))
    if not crawled.complete and previous is not None:
        reused += _not_reached(crawled, previous, extractions, seen)
    repeated = _drop_furniture([article for _page, article in fresh], set(previous.repeated) if previous else set())
    result = extract_articles([article for _page, article in fresh], vocab, [])
    by_path = {e.path: e for e in result.extractions}
    for page, article in fresh:
        extraction = by_path.get(article.path)
        page.state.article_id = extraction.article_id if extraction else None
        if extraction is None:  # extraction skipped it; the reason is in result.skipped
            page.state.outcome = next((s.reason for s in result.skipped if s.path == article.path), "not read")
    result.extractions += [e for _page, e in reused]
    result.outcomes = [o for o in result.outcomes if o[1].startswith("ok")]
    result.outcomes += [(page.url, f"unchanged: {page.unchanged}; extraction reused") for page, _e in reused]
    result.skipped = skipped + result.skipped
    result.outcomes += [(s.path, f"skipped: {s.reason}") for s in result.skipped]
    pages = {page.url: page.state for page in crawled.pages} | {page.url: page.state for page, _e in reused}
    state = SiteState(start=start, crawled=datetime.now(UTC).isoformat(timespec="seconds"), pages=pages,
                      repeated=sorted(repeated)[:MAX_REPEATED])
    return SiteResult(site, result, state, crawled.complete, crawled.requests,
                      [article for _page, article in fresh])


def _not_reached(crawled: CrawlResult, previous: SiteState, extractions: dict[str, Extraction],
                 seen: dict[str, str]) -> list[tuple[Page, Extraction]]:
    """Pages of the last crawl that this one, cut short by a limit, did not reach: kept as they were (only a
    finished crawl, or a 404 or 410, says a page is gone)."""
    answered = {page.url for page in crawled.pages} | {url for url, _reason in crawled.skipped
                                                       if not _reason.startswith("not fetched")}
    kept: list[tuple[Page, Extraction]] = []
    for url, state in previous.pages.items():
        extraction = extractions.get(state.article_id or "")
        if url in answered or state.outcome != "ok" or extraction is None or extraction.article_id in seen:
            continue
        seen[extraction.article_id] = url
        kept.append((Page(url, state, None, "not reached this time (the crawl was cut short)"), extraction))
    return kept


def site_of(url: str) -> str:
    """The site (origin) a URL source belongs to."""
    return origin(normalize(url) or url)
