"""The one way articles become a live index: read → extract → merge → build → publish, under the ingest lock.

Each stage is one call into the layer that owns it (ingest/ reads files and crawls websites, extracts and merges;
index/ builds and the store publishes), and this module is their only caller. Crash tests pause at the store's
named checkpoints (locked, indexing, built, renamed, published) and kill the process there.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from index.build import SiteContent, load_articles, load_crawl_state, load_extractions, write_version
from index.scopes import read_article_sites
from index.store import DataDir, StoreError, checkpoint
from ingest.article_text import kept_texts
from ingest.crawl.crawler import Progress as CrawlProgress
from ingest.crawl.fetch import MIN_DELAY, CrawlOptions
from ingest.crawl.site import read_site
from ingest.crawl.state import SiteState, sites_from_json, sites_to_json
from ingest.crawl.urls import is_web_address, normalize, origin
from ingest.files import IngestResult, Skipped, extract_articles, read_articles
from ingest.merge import merge
from ingest.review import phrases_to_review
from kb.articles import ArticleText
from kb.config import DEFAULT_SITE
from kb.model import Entry, Extraction, article_id
from kb.vocabulary import Vocabulary

T = TypeVar("T", Extraction, ArticleText)
Membership = dict[str, list[str]]  # article id to the sites it belongs to
__all__ = ["MIN_DELAY", "CrawlOptions", "IngestFailed", "IngestReport", "ingest", "is_web_address", "publish"]


class IngestFailed(RuntimeError):
    """Nothing was published: no article could be read, or --strict met a skipped file."""

    def __init__(self, message: str, result: IngestResult):
        super().__init__(message)
        self.result = result


@dataclass
class IngestReport:
    """What an ingest did: the manifest of the published version, the per-file outcomes and the phrases left for
    the clinic to review (never entries; `to_review_total` counts them all, the list is bounded)."""

    manifest: dict[str, Any]
    result: IngestResult
    to_review: list[dict[str, Any]] = field(default_factory=list)
    to_review_total: int = 0


def _with_previous(data: DataDir, extractions: list[Extraction], texts: list[ArticleText], site: str,
                   add: bool, crawled: Sequence[str] = ()) -> tuple[list[Extraction], list[ArticleText], Membership]:
    """`extractions` and the articles' `texts` (read for `site`) merged into the live version's, with the sites
    of every article. An article read again (same id, or same path in this site) replaces itself; a website crawled
    again replaces all this site's pages of it (those now gone from it leave the site); without `add`, the site's
    other articles leave it too. Other sites keep theirs; an article no site keeps goes."""
    fresh = {e.article_id for e in extractions}
    if data.current() is None:
        return extractions, texts, {a: [site] for a in fresh}
    live = data.current_path()
    was = read_article_sites(live)
    paths = {e.path for e in extractions}
    prefixes = tuple(origin + "/" for origin in crawled)
    sites: Membership = {}
    for e in load_extractions(live):
        held = set(was.get(e.article_id) or [DEFAULT_SITE])
        if e.article_id not in fresh and site in held and (not add or e.path in paths or e.path.startswith(prefixes)):
            held.discard(site)
        sites[e.article_id] = sorted(held | ({site} if e.article_id in fresh else set()))
    sites.update({a: sorted({*sites.get(a, []), site}) for a in fresh})
    kept = {a for a, held in sites.items() if held}
    return ([e for e in load_extractions(live) if e.article_id in kept and e.article_id not in fresh] + extractions,
            [t for t in load_articles(live) if t.article_id in kept and t.article_id not in fresh] + texts,
            {a: sites[a] for a in kept})


def _own_ids(extractions: list[Extraction], texts: list[ArticleText], site: str) -> None:
    """Give the articles read for a named site that have no URL of their own an id of that site's: two sites'
    files may share a path ("about.html") and must never replace each other. A page's URL names it everywhere."""
    def own(item: T) -> T:
        if getattr(item, "url", None) is not None:
            return item
        return dataclasses.replace(item, article_id=article_id(f"site:{site}:{getattr(item, 'path', '')}", None))

    extractions[:] = [own(e) for e in extractions]
    texts[:] = [own(t) for t in texts]


@dataclass
class Extracted(IngestResult):
    """What read → extract made: the extractions and skipped files, and each kept article's text for the index."""

    texts: list[ArticleText] = field(default_factory=list)


@dataclass
class Crawled:
    """The websites an ingest read: their crawl state, to publish for the next run."""

    sites: dict[str, SiteState] = field(default_factory=dict)
    previous: dict[str, SiteState] = field(default_factory=dict)


def _live_crawl(data: DataDir) -> tuple[dict[str, SiteState], dict[str, Extraction], dict[str, ArticleText]]:
    """The live version's crawl state, and its extractions and article texts by article id (nothing when there is
    no usable version: every page is then fetched in full)."""
    try:
        if data.current() is None:
            return {}, {}, {}
        path = data.current_path()
        return (sites_from_json(load_crawl_state(path)), {e.article_id: e for e in load_extractions(path)},
                {t.article_id: t for t in load_articles(path)})
    except StoreError:
        return {}, {}, {}


def crawl_sites(data: DataDir, urls: list[str], vocab: Vocabulary, result: Extracted, options: CrawlOptions,
                progress: CrawlProgress | None = None) -> Crawled:
    """Read → extract for websites: each URL's site crawled (conditionally, from the live version's state) and
    its extractions, article texts, skips and outcomes added to `result`."""
    crawled = Crawled()
    crawled.previous, extractions, texts = _live_crawl(data)
    have = {e.article_id for e in result.extractions}
    for url in urls:
        start = normalize(url)
        if start is None:
            result.skipped.append(Skipped(url, "not a valid web address"))
            continue
        if origin(start) in crawled.sites:
            result.skipped.append(Skipped(url, f"{origin(start)} is crawled once per run (named twice)"))
            continue
        site = read_site(start, options, vocab, crawled.previous.get(origin(start)), extractions, progress)
        crawled.sites[site.site] = site.state
        added = [e for e in site.result.extractions if e.article_id not in have]
        result.extractions += added
        read = {t.article_id: t for t in kept_texts(site.articles, added)}
        result.texts += [t for e in added if (t := read.get(e.article_id) or texts.get(e.article_id))]
        have |= {e.article_id for e in site.result.extractions}
        result.skipped += site.result.skipped
        result.outcomes += site.result.outcomes
    return crawled


def extract_sources(sources: list[Path], vocab: Vocabulary,
                    progress: Callable[[int, int], None] | None = None) -> Extracted:
    """Read → extract: every article under `sources` extracted (with its text), every file skipped with its
    reason."""
    articles, skipped = read_articles(sources, progress)
    result = extract_articles(articles, vocab, skipped)
    return Extracted(result.extractions, result.skipped, result.outcomes,
                     texts=kept_texts(articles, result.extractions))


@dataclass
class Published:
    """A published version: its manifest, the entries merged into it and how long each stage took."""

    manifest: dict[str, Any]
    entries: list[Entry]
    seconds: dict[str, float] = field(default_factory=dict)  # merge, build, publish


def publish(data: DataDir, extractions: list[Extraction], vocab: Vocabulary, skipped: list[dict[str, str]],
            texts: list[ArticleText] | None = None, crawl: dict[str, Any] | None = None,
            sites: Membership | None = None) -> Published:
    """Merge → build → publish `extractions` (and the articles' `texts`, searchable as articles) as the new live
    version, with the websites' `crawl` state and the `sites` of each article (all the default site's when None).
    Call under `data.lock()`."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage], clock = now - clock, now

    entries = merge(extractions, vocab)
    own = _site_contents(extractions, texts or [], vocab, sites or {})
    lap("merge")
    data.clean()
    with data.build() as (version, path):
        manifest = write_version(path, version, entries, extractions, skipped, texts or [], crawl, sites, own)
        checkpoint("built")
        lap("build")
        data.publish(version, path)
        checkpoint("published")
    data.clean()
    lap("publish")
    return Published(manifest, entries, seconds)


def _site_contents(extractions: list[Extraction], texts: list[ArticleText], vocab: Vocabulary,
                   sites: Membership) -> dict[str, SiteContent]:
    """Each site that has some of the articles but not all: the entries merged from its articles alone."""
    by_site: dict[str, set[str]] = {}
    for article, held in sites.items():
        for site in held:
            by_site.setdefault(site, set()).add(article)
    everything = {e.article_id for e in extractions}
    return {site: SiteContent(merge([e for e in extractions if e.article_id in ids], vocab),
                              [t for t in texts if t.article_id in ids])
            for site, ids in sorted(by_site.items()) if ids != everything}


def ingest(data: DataDir, sources: Sequence[Path | str], vocab: Vocabulary, *, add: bool = False,
           strict: bool = False, progress: Callable[[int, int], None] | None = None,
           crawl: CrawlOptions | None = None, crawl_progress: CrawlProgress | None = None,
           site: str | None = None) -> IngestReport:
    """Read `sources` (paths, and http(s) URLs of websites) and publish a new version: the whole knowledge base
    (the default site's), or with `add` merged into the live one; with `site`, that site's content (with `add`,
    merged into it), other sites' left as they are."""
    urls = [str(s) for s in sources if is_web_address(str(s))]
    paths = [Path(s) for s in sources if not is_web_address(str(s))]
    with data.lock():
        checkpoint("locked")
        result = extract_sources(paths, vocab, progress) if paths else Extracted()
        crawled = crawl_sites(data, urls, vocab, result, crawl or CrawlOptions(), crawl_progress) if urls else None
        skipped = [{"path": s.path, "reason": s.reason} for s in result.skipped]
        if strict and skipped:
            raise IngestFailed(f"{len(skipped)} file(s) or URL(s) skipped and --strict is set: nothing was published",
                               result)
        if not result.extractions:
            raise IngestFailed("no article could be ingested: nothing was published", result)
        sites = crawled.sites if crawled else {}
        if site is not None and site != DEFAULT_SITE:
            _own_ids(result.extractions, result.texts, site)
        if add or site is not None:
            extractions, texts, members = _with_previous(data, result.extractions, result.texts,
                                                         site or DEFAULT_SITE, add, list(sites))
        else:
            extractions, texts = result.extractions, result.texts
            members = {e.article_id: [DEFAULT_SITE] for e in extractions}
        state = None
        if sites or add or site is not None:
            kept = (crawled.previous if crawled else _live_crawl(data)[0]) if add or site is not None else {}
            state = sites_to_json({**kept, **sites}) if kept or sites else None
        published = publish(data, extractions, vocab, skipped, texts, state, members)
    # Every article of the version (with --add, the earlier ones' too: their phrases ride in extractions.jsonl).
    review, total = phrases_to_review(extractions, published.entries)
    return IngestReport(published.manifest, result, review, total)
