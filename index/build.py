"""Write a new index version's folder from merged entries: the Whoosh index, the tables, the extractions it was
built from and its manifest, then open it as a server would (kb/pipeline.py publishes it)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index

from index.article_docs import clinic_facts, named_entries, to_article_document
from index.documents import to_document
from index.reader import open_version
from index.schema import build_schema
from index.scopes import scope, site_folder, site_manifest, write_article_sites
from index.store import INDEX_NAME, MANIFEST, StoreError, checkpoint, file_table
from index.tables import write_tables
from index.term_file import write_term_scores
from index.view_file import ViewWriter
from kb.articles import ArticleText
from kb.config import DEFAULT_SITE
from kb.model import KINDS, Entry, Extraction


@dataclass
class SiteContent:
    """What a site's own index is built from: the entries merged from its articles alone, and their texts."""

    entries: list[Entry]
    texts: list[ArticleText]


EXTRACTIONS = "extractions.jsonl"
CRAWL_STATE = "crawl.json"  # what `kb ingest URL` remembers of each site for its next, conditional crawl
ARTICLES = "articles.jsonl"
T = TypeVar("T")


def _records(path: Path, name: str, from_dict: Callable[[dict[str, Any]], T]) -> list[T]:
    """The JSON Lines file `name` of a version folder, each line read with `from_dict` (none when it is missing)."""
    file = path / name
    if not file.is_file():
        return []
    try:
        with open(file, encoding="utf-8") as handle:
            return [from_dict(json.loads(line)) for line in handle if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"index version {path.name}: {name} is damaged ({type(exc).__name__}); "
                         "run a full `kb ingest` without --add") from exc


def load_extractions(path: Path) -> list[Extraction]:
    """The per-article extractions a version was built from (what `ingest --add` merges into)."""
    return _records(path, EXTRACTIONS, Extraction.from_dict)


def load_crawl_state(path: Path) -> dict[str, Any] | None:
    """The crawl state a version was published with (None when it has none, or it is unreadable: the next crawl
    then fetches every page in full)."""
    try:
        data = json.loads((path / CRAWL_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_articles(path: Path) -> list[ArticleText]:
    """The articles' texts a version was built from (what `ingest --add` keeps searchable)."""
    return _records(path, ARTICLES, ArticleText.from_dict)


def write_index(path: Path, entries: list[Entry], texts: list[ArticleText] | None = None) -> None:
    """Write a Whoosh index of `entries` (and of the articles' `texts`) into the empty folder `path`."""
    regions = {e.id: e.body_region for e in entries if e.kind == "condition"}
    named = named_entries(entries)
    facts = clinic_facts(texts or [])
    ix = whoosh_index.create_in(str(path), build_schema(), indexname=INDEX_NAME)
    writer = ix.writer(limitmb=128)
    views = ViewWriter(path)  # documents are numbered in the order they are added
    try:
        for i, entry in enumerate(entries):
            own = facts.get(entry.name) if entry.kind == "clinic" else None  # a clinic keeps its front-desk facts
            writer.add_document(**views.add(to_document(entry, regions, own) if own else to_document(entry, regions)))
            if i == len(entries) // 2:
                checkpoint("indexing")  # the Whoosh writer is mid-write and holds its lock
        for text in texts or []:
            writer.add_document(**views.add(to_article_document(text, named.get(text.article_id, []), regions)))
    except BaseException:
        writer.cancel()
        views.cancel()
        raise
    writer.commit()
    with ix.searcher() as searcher:
        views.finish(searcher.doc_count_all())
        write_term_scores(path, searcher)
    ix.close()
    (path / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)  # Whoosh leaves its (released) lock file


def manifest_of(version: str, entries: list[Entry], extractions: list[Extraction],
                skipped: list[dict[str, str]]) -> dict[str, Any]:
    """What a version holds: counts by kind (the vocabulary's and the discovered apart), clinics, skipped files."""
    counts: Counter[str] = Counter(e.kind for e in entries)
    discovered: Counter[str] = Counter(e.kind for e in entries if e.discovered)
    return {
        "index_version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": len(extractions),
        "entries": {kind: counts[kind] for kind in KINDS},
        "discovered_entries": {kind: discovered[kind] for kind in KINDS},
        "discovered": sorted(
            ({"kind": e.kind, "name": e.name, "paths": sorted({s.path for s in e.sources})}
             for e in entries if e.discovered), key=lambda d: (d["kind"], d["name"])),
        "clinics": sorted(e.name for e in entries if e.kind == "clinic"),
        "skipped": skipped,
    }


def write_version(path: Path, version: str, entries: list[Entry], extractions: list[Extraction],
                  skipped: list[dict[str, str]], texts: list[ArticleText] | None = None,
                  crawl: dict[str, Any] | None = None, sites: dict[str, list[str]] | None = None,
                  own: dict[str, SiteContent] | None = None) -> dict[str, Any]:
    """Fill the empty build folder `path` and check it opens; returns the manifest (written last: a folder
    without one is never a version). `texts` are the articles' texts (searchable as articles); `crawl` is the
    websites' crawl state, kept for the next crawl; `sites` the sites of each article id (all the default site's
    when None) and `own` the entries and texts of each site that shows only some articles (index/scopes.py)."""
    texts = sorted(texts or [], key=lambda t: t.path)
    write_index(path, entries, texts)
    write_tables(path, entries)
    sites = sites if sites is not None else {e.article_id: [DEFAULT_SITE] for e in extractions}
    for site, content in (own or {}).items():
        folder = path / site_folder(site)
        folder.mkdir(parents=True)
        write_index(folder, content.entries, sorted(content.texts, key=lambda t: t.path))
        write_tables(folder, content.entries)
    write_article_sites(path, sites)
    with open(path / EXTRACTIONS, "w", encoding="utf-8") as handle:
        for ex in sorted(extractions, key=lambda e: e.path):
            handle.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
    with open(path / ARTICLES, "w", encoding="utf-8") as handle:
        for text in texts:
            handle.write(json.dumps(text.to_dict(), ensure_ascii=False) + "\n")
    if crawl is not None:
        (path / CRAWL_STATE).write_text(json.dumps(crawl, ensure_ascii=False), encoding="utf-8")
    manifest = manifest_of(version, entries, extractions, skipped)
    manifest["sites"] = site_manifest(sites, set(own or {}))
    manifest["files"] = file_table(path)
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    snap = open_version(path, deep=True)  # a build that a server could not open is never published
    for site in own or {}:
        scope(snap, site)
    snap.close()
    return manifest
