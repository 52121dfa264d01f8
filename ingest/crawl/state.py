"""What one crawl remembers for the next: per page its validators (ETag, Last-Modified, WordPress date), content
hash, article id or skip reason and links. Kept as `crawl.json` in the version the crawl published."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STATE_FORMAT = 1
MAX_REPEATED = 2000  # furniture blocks remembered per site


@dataclass
class PageState:
    """One page as last crawled. `outcome` is "ok" (its extraction is in the version) or why it was skipped."""

    etag: str | None = None
    last_modified: str | None = None
    modified: str | None = None  # a WordPress item's modified date
    hash: str | None = None
    article_id: str | None = None
    outcome: str = "ok"
    links: list[str] = field(default_factory=list)

    def conditional_headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for asking whether the page changed."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class SiteState:
    """One site as last crawled: its start URL, when, its pages by URL and its repeated blocks' hashes."""

    start: str
    crawled: str = ""
    pages: dict[str, PageState] = field(default_factory=dict)
    repeated: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteState:
        pages = {str(url): PageState(**page) for url, page in dict(data.get("pages") or {}).items()}
        return cls(start=str(data.get("start") or ""), crawled=str(data.get("crawled") or ""), pages=pages,
                   repeated=[str(h) for h in data.get("repeated") or []][:MAX_REPEATED])


def sites_from_json(data: dict[str, Any] | None) -> dict[str, SiteState]:
    """The sites of a version's crawl state (empty when it has none, or one kb can't read: a full crawl then)."""
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    try:
        return {str(site): SiteState.from_dict(state) for site, state in dict(data.get("sites") or {}).items()}
    except (TypeError, ValueError, AttributeError):
        return {}


def sites_to_json(sites: dict[str, SiteState]) -> dict[str, Any]:
    """The crawl state a version keeps."""
    return {"format": STATE_FORMAT, "sites": {site: sites[site].to_dict() for site in sorted(sites)}}
