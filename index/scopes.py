"""Sites inside one index version: which sites each article belongs to, and each site's own index.

A site that shows only some of the articles gets an index of its own in the version folder (`sites/<id>/`), built
from those articles alone: its entries have only its articles as sources, related entries and clinics, and its
tables (A–Z, suggestions, topics) and word list (did-you-mean) hold nothing else. So every route reads a site's
scope the way it reads the whole knowledge base, and nothing of another site's articles can reach a response. A
site whose articles are all of them reads the version's own index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import RamStorage

from index.reader import Snapshot, open_index
from index.schema import build_schema
from index.tables import Tables

SITES_DIR = "sites"  # sites' own indexes, one folder each, inside a version folder
ARTICLE_SITES = "article_sites.json"  # {article id: [site ids]}


def site_folder(site: str) -> str:
    """Where a site's own index lives, relative to its version folder."""
    return f"{SITES_DIR}/{site}"


def write_article_sites(path: Path, membership: dict[str, list[str]]) -> None:
    """Write which sites each article belongs to into a version folder."""
    (path / ARTICLE_SITES).write_text(json.dumps(membership, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def read_article_sites(path: Path | None) -> dict[str, list[str]]:
    """Which sites each article of a version belongs to ({} for a version written before sites)."""
    if path is None or not (path / ARTICLE_SITES).is_file():
        return {}
    data: dict[str, list[str]] = json.loads((path / ARTICLE_SITES).read_text(encoding="utf-8"))
    return data


def site_manifest(membership: dict[str, list[str]], own: set[str]) -> dict[str, dict[str, Any]]:
    """The manifest's `sites`: per site, how many articles it has and where its index is ("" for the version's)."""
    counts: dict[str, int] = {}
    for sites in membership.values():
        for site in sites:
            counts[site] = counts.get(site, 0) + 1
    return {site: {"articles": n, "index": site_folder(site) if site in own else ""}
            for site, n in sorted(counts.items())}


def _empty(parent: Snapshot) -> Snapshot:
    """The scope of a site with no articles in this version: an empty index in memory."""
    searcher = RamStorage().create_index(build_schema()).searcher()
    return Snapshot(parent.version, searcher, parent.manifest, [], {}, Tables({}, [], [], []))


def scope(snap: Snapshot, site: str) -> Snapshot:
    """The snapshot of `site`'s articles in this version: its own index, the version's (when the site has every
    article), or an empty one (when it has none); opened once and kept with the version's snapshot."""
    found = snap.scopes.get(site)
    if found is not None:
        return found
    with snap.scope_lock:
        if site not in snap.scopes:
            folder = snap.site_index.get(site)
            if folder is None:
                snap.scopes[site] = _empty(snap)
            elif folder == "" or snap.path is None:
                snap.scopes[site] = snap
            else:
                snap.scopes[site] = open_index(snap.path / folder, snap.version, snap.manifest,
                                               f"{snap.path.name} (site {site})")
        return snap.scopes[site]
