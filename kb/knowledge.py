"""The knowledge base as the CLI and the web app see it: ingest through the pipeline, and one index version per
request for search, entries, suggestions, the A–Z and stats."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from index.answers import clinic_summary
from index.article_docs import section_anchor
from index.errors import NotFound
from index.params import SearchParams
from index.query import MAX_QUERY_CHARS, normalise_query
from index.reader import IndexHandle, Snapshot
from index.scopes import read_article_sites, scope
from index.search import search
from index.store import DataDir
from index.suggest import suggest
from kb import pipeline
from kb.config import resolve_emergency_country
from kb.cues import Cues, load_cues
from kb.model import KINDS, entry_id
from kb.sites import Site
from kb.vocabulary import Vocabulary, fold

EntryUrl = Callable[[str], str]  # entry (or article) id to its page (the web layer's URL scheme)
RESOLVE_HINTS = 3  # ids suggested when `kb show NAME` finds nothing


@dataclass(frozen=True)
class SearchResult:
    """A search object and its JSON, made once: the page and its JSON twin are served from the same result."""

    data: dict[str, Any]
    json: bytes

    @classmethod
    def of(cls, data: dict[str, Any]) -> SearchResult:
        """The result of a search object."""
        return cls(data, json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n")

    @property
    def weight(self) -> int:
        """About the memory it holds (the object takes a few times its JSON)."""
        return 4 * len(self.json)


class KnowledgeBase:
    """One data directory with its vocabulary; cheap to create, holds one open index per process."""

    def __init__(self, data_dir: Path, vocab: Vocabulary | None = None, cues: Cues | None = None,
                 entry_url: EntryUrl | None = None, article_url: EntryUrl | None = None,
                 emergency_country: str | None = None):
        self.data = DataDir(data_dir)
        self.vocab = vocab or Vocabulary.load()
        self.cues = cues or load_cues()
        self.entry_url = entry_url  # None: results and entries carry no `url` (only the web layer names pages)
        self.article_url = article_url
        self.emergency_country = emergency_country or resolve_emergency_country()  # whose numbers notices give
        self.handle = IndexHandle(self.data)

    def ingest(self, sources: list[Path], add: bool = False, strict: bool = False,
               progress: Callable[[int, int], None] | None = None, site: str | None = None) -> pipeline.IngestReport:
        """Read `sources` and publish a new version (kb/pipeline.py); with `site`, as that site's content."""
        report = pipeline.ingest(self.data, sources, self.vocab, add=add, strict=strict, progress=progress, site=site)
        self.handle.expire()  # this process published it: its next read must not wait out the check interval
        return report

    @property
    def root(self) -> Path:
        """The data directory."""
        return self.data.root

    def current(self, site: Site | None = None) -> Version:
        """The live version, for one request or command to use throughout (StoreError when there is none); with
        `site`, in that site's scope: its articles only (unless it shows all), its calls to action and country."""
        return Version(self, self.handle.snapshot(), site)


class Version:
    """The knowledge base as one request sees it: every answer from the same index version."""

    def __init__(self, kb: KnowledgeBase, snap: Snapshot, site: Site | None = None):
        self.kb = kb
        self.site = site
        self.snap = scope(snap, site.id) if site is not None and site.content == "own" else snap
        # Every result key names the scope and its settings: a site showing the whole network reads the version's
        # own snapshot, and a changed phone or booking link must not serve an older object.
        self.scope_key = site if site is not None else None
        self.site_info = site.public() if site is not None else None
        self.country = (site.country if site is not None and site.country else None) or kb.emergency_country
        self._suffix = f"?{urlencode({'site': site.id})}" if site is not None else ""

    def _result(self, key: tuple[Any, ...], compute: Callable[[], Any], weight: Any = None) -> Any:
        """The cached object of a route for `key` in this scope."""
        return self.snap.result((*key, self.scope_key), compute, weight)

    @property
    def index_version(self) -> str:
        """The version's name."""
        return self.snap.version

    @property
    def entry_count(self) -> int:
        """How many entries the version holds."""
        return len(self.snap.ids)

    def _linked(self, item: dict[str, Any]) -> dict[str, Any]:
        """`item` with its page's URL: an entry's, or an article's with the best section's fragment."""
        if item.get("kind") == "article":
            if self.kb.article_url is not None:
                section = item.get("section")
                item["url"] = self.kb.article_url(item["id"]) + self._suffix + (f"#{section}" if section else "")
        elif self.kb.entry_url is not None:
            item["url"] = self.kb.entry_url(item["id"]) + self._suffix
        return item

    def search(self, params: SearchParams) -> SearchResult:
        """The contract's search object (and its JSON) for `params`; NotFound past the last page."""
        def compute() -> SearchResult:
            data = search(self.snap, params, self.kb.vocab, self.kb.cues, self.country)
            data["results"] = [self._linked(r) for r in data["results"]]
            if data["answer"] is not None:
                data["answer"]["url"] = self._linked({"id": data["answer"]["entry_id"],
                                                      "kind": data["answer"]["kind"]}).get("url")
            # The welcome page (no query, no filter) suggests the topics most articles discuss.
            data["topics"] = self.snap.tables.topics if not params.q and not params.filters else []
            data["site"] = self.site_info
            return SearchResult.of(data)
        result: SearchResult = self._result(("search", params), compute)
        return result

    def entry(self, entry_id: str) -> dict[str, Any]:
        """One entry with every field and source, and the contacts of its clinics; NotFound when there is none."""
        def compute() -> dict[str, Any]:
            entry = self.snap.entry(entry_id)
            if entry is None:
                raise NotFound(f"no entry with id {entry_id!r}")
            clinic_ids = dict.fromkeys(r["id"] for r in entry.get("related", []) if r["kind"] == "clinic")
            entry["clinics"] = [clinic_summary(v.head) for v in map(self.snap.view, clinic_ids) if v is not None]
            entry["site"] = self.site_info
            return self._linked(entry)
        found: dict[str, Any] = self._result(("entry", entry_id), compute, _json_weight)
        return found

    def article(self, article_id: str) -> dict[str, Any]:
        """One article as kb read it: title, url, path, clinic, sections, the entries it names (with their pages);
        NotFound when there is none."""
        def compute() -> dict[str, Any]:
            found = self.snap.article(article_id)
            if found is None:
                raise NotFound(f"no article with id {article_id!r}")
            view, text = found
            entries = [self._linked(dict(e)) for e in view.head.get("entries", [])]
            return {"id": article_id, "kind": "article", "title": view.head["name"], "url": text["url"],
                    "path": text["path"], "clinic": text["clinic"], "site": self._article_site(article_id),
                    "page": self._page(article_id),
                    "sections": [{"anchor": section_anchor(n), **s} for n, s in enumerate(text["sections"])],
                    "entries": entries}
        found: dict[str, Any] = self._result(("article", article_id), compute, _json_weight)
        return found

    def _article_site(self, article_id: str) -> str | None:
        """The site an article is shown for: this scope's, else the first site it belongs to."""
        if self.site is not None:
            return self.site.id
        if self.snap.path is None:
            return None
        held = read_article_sites(self.snap.path).get(article_id)
        return held[0] if held else None

    def _page(self, article_id: str) -> str | None:
        return self.kb.article_url(article_id) + self._suffix if self.kb.article_url is not None else None

    def entries(self, kinds: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
        """Every entry (of the given kinds), in id order, decoded one at a time (for export)."""
        for eid in sorted(self.snap.ids):
            if kinds and self.snap.tables.rows[eid].kind not in kinds:
                continue
            entry = self.snap.entry(eid)
            if entry is not None:
                yield self._linked(entry)

    def resolve(self, name_or_id: str) -> str:
        """The id of the entry with this id, name or alias ("sciatica" → condition-sciatica); NotFound with the
        nearest ids when there is none, or with every match when a name belongs to several entries."""
        if name_or_id in self.snap.ids:
            return name_or_id
        want = fold(name_or_id)
        rows = self.snap.tables.rows
        named = [r.id for r in rows.values() if want in (fold(n) for n in r.names)]
        named += [i for kind in KINDS if (i := entry_id(kind, name_or_id)) in rows and i not in named]
        if len(named) == 1:
            return named[0]
        if named:
            raise NotFound(f"{name_or_id!r} names {len(named)} entries: give one id", named)
        raise NotFound(f"no entry with id or name {name_or_id!r}", self._hints(name_or_id))

    def _hints(self, text: str) -> list[str]:
        """The ids a search for `text` finds first (typos forgiven), for "did you mean"."""
        kind, _, rest = text.partition("-")
        words = (rest if kind in KINDS else text).replace("-", " ")[:MAX_QUERY_CHARS]
        found = search(self.snap, SearchParams(q=normalise_query(words), per_page=RESOLVE_HINTS), self.kb.vocab,
                       self.kb.cues)
        return [r["id"] for r in found["results"]]

    def suggest(self, prefix: str) -> dict[str, Any]:
        """The contract's suggestion object."""
        found: dict[str, Any] = self._result(
            ("suggest", prefix), lambda: {"query": prefix, "suggestions": suggest(self.snap, prefix)}, _json_weight)
        return found

    def conditions(self, region: str = "") -> dict[str, Any]:
        """The A–Z of conditions with how many articles discuss each, by first letter; `region` narrows it to one
        body region (NotFound when no condition has it)."""
        def compute() -> dict[str, Any]:
            rows = sorted((r for r in self.snap.tables.rows.values() if r.kind == "condition"),
                          key=lambda r: fold(r.name))
            regions: dict[str, int] = defaultdict(int)
            for r in rows:
                for name in r.body_region:
                    regions[name] += 1
            if region and region not in regions:
                raise NotFound(f"no condition in the articles has the body region {region[:40]!r}")
            shown = [r for r in rows if not region or region in r.body_region]
            letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for r in shown:
                first = fold(r.name)[:1].upper()
                letters[first if first.isalpha() else "#"].append(self._linked(
                    {"id": r.id, "name": r.name, "source_count": r.n_sources, "body_region": list(r.body_region)}))
            return {"region": region or None, "total": len(rows), "shown": len(shown),
                    "regions": [{"value": name, "count": n, "selected": name == region}
                                for name, n in sorted(regions.items())],
                    "letters": [{"letter": k, "entries": v} for k, v in letters.items()], "site": self.site_info}
        found: dict[str, Any] = self._result(("conditions", region), compute, _json_weight)
        return found

    def stats(self) -> dict[str, Any]:
        """Counts by kind, articles, clinics, index version and size."""
        m = self.snap.manifest
        size = sum(p.stat().st_size for p in self.snap.path.rglob("*") if p.is_file()) if self.snap.path else 0
        return {"index_version": self.snap.version, "created": m.get("created"), "articles": m.get("articles", 0),
                "entries": m.get("entries", {}), "clinics": m.get("clinics", []),
                "discovered": len(m.get("discovered", [])), "skipped": len(m.get("skipped", [])),
                "index_bytes": size, "versions": self.kb.data.list_versions()}


def _json_weight(value: Any) -> int:
    """About the memory a decoded JSON object holds: a few times its text."""
    return 4 * len(json.dumps(value, ensure_ascii=False))
