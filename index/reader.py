"""One open index per process: a reused searcher, refreshed when CURRENT names a new version.

A serving process never fails a request because of a re-ingest: the new version is opened beside the old one, and
the old searcher is closed only RETIRE_SECONDS later (requests still using it finish first; its folder outlives it
by the store's grace period). If the live version is damaged or deleted, requests get a StoreError (HTTP 503) with
the reason; if a newly named version can't be opened, the process keeps serving the one it has.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import warnings
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from index.entry_view import EntryView
from index.lru import LRU, Weight
from index.passages import PassagePostings, encode_postings
from index.schema import FACETS, PLAIN_FIELDS, TEXT_FIELDS
from index.scoring import facet_bit_sets, field_lengths
from index.store import INDEX_NAME, DataDir, StoreError, damage, read_manifest
from index.tables import Tables
from index.term_file import TermScores, open_term_scores
from index.view_file import Views, open_views
from kb.config import DEFAULT_SITE

log = logging.getLogger("kb.index")

CHECK_INTERVAL = 0.5  # seconds between looks at CURRENT: a stat and a tiny read
RESULTS = 2048  # objects the routes returned, kept per snapshot …
RESULT_BYTES = 96 * 1024 * 1024  # … and about how much memory they may take
SCORES = 4096  # term and phrase score maps kept per snapshot …
SCORE_BYTES = 32 * 1024 * 1024  # … and their size
STORED_ENTRIES = 1024  # stored entries kept per snapshot, as read (text and arrays, not decoded) …
STORED_CHARS = 256 * 1024 * 1024  # … and their size in characters
SCORED_FIELDS = (*TEXT_FIELDS, *PLAIN_FIELDS, "desk")  # fields whose lengths are read when a snapshot opens
RETIRE_SECONDS = 60.0  # a replaced snapshot's searcher is closed this long after (no request lasts that long)

CACHES = """Every cache kb keeps, its key, bound and lifetime (all die with their snapshot, so nothing outlives the
index version it was computed from, and no request can see another version's results):
- tables (index/tables.py): browse order, suggestion names, popular topics and each entry's row; built when a
  snapshot opens from the version's tables.json; one per snapshot, never evicted.
- results (Snapshot.results): the object a route returns (search, entry, suggestions, A–Z), keyed by the route and
  its parsed parameters; the search object also keeps its JSON bytes, so a page and its JSON twin share one
  entry; RESULTS items and RESULT_BYTES.
- scores (Snapshot.scores): a term's or phrase's matching documents with their scores (index/scoring.py Hits), keyed
  by the Whoosh query, and a group's bit set and dense scores, keyed by ("group", query); words recur across
  different queries; SCORES items and SCORE_BYTES.
- facet_bits and lengths: each facet value's documents as a bit set, each scored field's per-document lengths;
  read when a snapshot opens, never evicted.
- derived (Snapshot.derived): values made once from the version's tables on first use (the phrases naming its
  clinics), keyed by name; never evicted.
- stored (Snapshot.stored): entries as read from the index (undecoded views and passage postings), keyed by
  document number; STORED_ENTRIES items and STORED_CHARS.
- scopes (Snapshot.scopes): each site's own snapshot (index/scopes.py), with its own tables, facet sets, field
  lengths, results, scores and stored caches; one per site with content, opened on first use, closed with the
  version's snapshot. Result keys also name the site and its settings (kb/knowledge.py), so a site showing the
  whole network never shares one.
Pure-function memos (stemming a word, a typed word's automaton, reading the vocabulary and cue files) are functools
caches of the process; the words of the typo fields are read once per open reader (index/typos.py, dropped with
the reader). term_scores.bin and views.bin are memory-mapped: the page cache, not kb's.
"""


@dataclass
class Snapshot:
    """Everything read from one index version, shared by the requests that use it."""

    version: str
    searcher: Searcher
    manifest: dict[str, Any]
    facets: list[dict[str, tuple[str, ...]]]  # per document number: facet name to values
    ids: dict[str, int]  # entry id to document number
    tables: Tables
    path: Path | None = None  # the version folder
    articles: dict[str, int] = field(default_factory=dict)  # article id to document number (kind `article`)
    results: LRU = field(default_factory=lambda: LRU(RESULTS, RESULT_BYTES))
    scores: LRU = field(default_factory=lambda: LRU(SCORES, SCORE_BYTES))
    stored: LRU = field(default_factory=lambda: LRU(STORED_ENTRIES, STORED_CHARS))
    site_index: dict[str, str] = field(default_factory=dict)  # site id to its own index's folder ("": this one)
    scopes: dict[str, Snapshot] = field(default_factory=dict)  # sites' snapshots, opened on first use
    scope_lock: threading.Lock = field(default_factory=threading.Lock)
    facet_bits: dict[str, dict[str, int]] = field(init=False, repr=False)  # facet, value: its documents' bit set
    lengths: dict[str, array] = field(init=False, repr=False)  # field: every document's length (for BM25F)
    derived: dict[Any, Any] = field(default_factory=dict, repr=False)  # per-version values made on first use
    term_scores: TermScores | None = field(default=None, repr=False)  # frequent terms' scores (index/term_file.py)
    views: Views | None = field(default=None, repr=False)  # stored entries outside Whoosh (index/view_file.py)

    def __post_init__(self) -> None:
        # Read here, once per version, so no request pays for them (facet counts and term scores use them).
        self.facet_bits = facet_bit_sets(self.facets)
        self.lengths = {}
        for name in SCORED_FIELDS:
            self.field_lengths(name)

    def derive(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value computed once from this version's tables (the phrases naming its clinics), on first use, and
        kept with the snapshot: every query reads it, so no cache may evict it. Two threads may both compute it."""
        if key not in self.derived:
            self.derived[key] = compute()
        return self.derived[key]

    def field_lengths(self, fieldname: str) -> array:
        """Every document's length in a field, as Whoosh's BM25F scorer reads it."""
        if fieldname not in self.lengths:
            self.lengths[fieldname] = field_lengths(self.searcher, fieldname)
        return self.lengths[fieldname]

    def close(self) -> None:
        """Release the searcher's files (and those of the sites' snapshots)."""
        for scoped in self.scopes.values():
            if scoped is not self:
                scoped.close()
        if self.term_scores is not None:
            self.term_scores.close()
        if self.views is not None:
            self.views.close()
        self.searcher.close()

    def result(self, key: Any, compute: Callable[[], Any], weight: Weight = None) -> Any:
        """The object a route returns for `key` (the route and its parsed parameters), computed once per version."""
        return self.results.get_or_compute(key, compute, weight)

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        """The whole stored entry with this id (decoded afresh: callers may change it), or None."""
        docnum = self.ids.get(entry_id)
        return self.view_at(docnum).entry() if docnum is not None else None

    def view(self, entry_id: str) -> EntryView | None:
        """The stored entry with this id, to read in parts (see index/entry_view.py), or None."""
        docnum = self.ids.get(entry_id)
        return self.view_at(docnum) if docnum is not None else None

    def article(self, article_id: str) -> tuple[EntryView, dict[str, Any]] | None:
        """An article document's stored view and its text as kb read it (kb/articles.py), or None."""
        docnum = self.articles.get(article_id)
        if docnum is None:
            return None
        stored = self.searcher.stored_fields(docnum)  # type: ignore[attr-defined]
        return self.view_at(docnum), json.loads(stored["article"])

    def view_at(self, docnum: int) -> EntryView:
        """The stored entry of a document number, to read in parts."""
        return self._stored(docnum)[0]

    def postings_at(self, docnum: int) -> PassagePostings:
        """Which of the entry's passages hold which stems (read with the entry)."""
        return self._stored(docnum)[1]

    def _stored(self, docnum: int) -> tuple[EntryView, PassagePostings]:
        # Read once per entry and kept while used: results, answer cards and entry pages read the same entries
        # again and again.
        if docnum not in self.stored:
            view, stems = self._read_stored(docnum)
            self.stored.put(docnum, (view, PassagePostings(stems)), weight=view.weight + len(stems))
        return self.stored.get(docnum)

    def _read_stored(self, docnum: int) -> tuple[EntryView, str]:
        if self.views is not None:  # outside Whoosh, uncompressed (index/view_file.py)
            raw, stems = self.views.at(docnum)
            return EntryView(raw), stems
        stored = self.searcher.stored_fields(docnum)  # type: ignore[attr-defined]
        if "view" in stored:
            return EntryView(stored["view"]), stored["passage_stems"]
        # A version written before views and postings were stored: make them from its JSON.
        entry = json.loads(stored["payload"])
        return EntryView.of_entry(entry), encode_postings([p["sentence"] for p in entry["passages"]])


def open_snapshot(data: DataDir) -> Snapshot:
    """Open the live version; StoreError with a reason if there is none or it is unreadable."""
    return open_version(data.current_path())


def open_version(path: Path, deep: bool = True) -> Snapshot:
    """Open one version folder, checking its files against the manifest (with `deep`, their checksums too) and
    reading its facet values; StoreError with a reason if anything is missing or damaged."""
    manifest = read_manifest(path)
    problem = damage(path, deep=deep)
    if problem:
        raise StoreError(problem)
    snap = open_index(path, str(manifest.get("index_version", path.name)), manifest, path.name)
    sites = manifest.get("sites") or {DEFAULT_SITE: {"index": ""}}  # before sites, every article was the default's
    snap.site_index = {str(k): str(v.get("index", "")) for k, v in sites.items()}
    return snap


def open_index(path: Path, version: str, manifest: dict[str, Any], name: str) -> Snapshot:
    """Open the Whoosh index and tables in folder `path` (a version's, or a site's inside it: index/scopes.py);
    StoreError naming `name` if they are unreadable."""
    searcher = None
    failure: Exception | None = None
    try:
        ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
        searcher = ix.searcher()
        facets, ids, articles = _facet_table(searcher)
        tables = Tables.read(path, searcher, ids)
        term_scores = open_term_scores(path)
        views = open_views(path)
    except Exception as exc:  # Whoosh raises many kinds for a damaged folder (zlib, pickle, struct, EOF, OS errors)
        failure = exc
    if failure is None and searcher is not None:
        return Snapshot(version, searcher, manifest, facets, ids, tables, path=path, articles=articles,
                        term_scores=term_scores, views=views)
    reason = f"index version {name} is unreadable: {type(failure).__name__}: {failure}"
    with warnings.catch_warnings():
        # Whoosh leaves files open when a damaged index fails half-way; drop them here, quietly, not at random later.
        warnings.simplefilter("ignore", ResourceWarning)
        if searcher is not None:
            searcher.close()
        del failure
        gc.collect()
    raise StoreError(reason)


def _facet_table(searcher: Searcher) -> tuple[list[dict[str, tuple[str, ...]]], dict[str, int], dict[str, int]]:
    """Facet values per document number and the document number of each entry id and each article id, read from
    the terms' posting lists: reading stored documents would decode every entry's payload (seconds for a large
    index)."""
    reader = searcher.reader()
    facets: list[dict[str, list[str]]] = [{name: [] for name in FACETS} for _ in range(reader.doc_count_all())]
    for name in FACETS:
        for value in reader.field_terms(name):  # in sorted order, as the stored values are
            for docnum in reader.postings(name, value).all_ids():
                facets[docnum][name].append(value)
    ids: dict[str, int] = {}
    articles: dict[str, int] = {}
    for doc_id in reader.field_terms("id"):
        for docnum in reader.postings("id", doc_id).all_ids():
            if not reader.is_deleted(docnum):
                (articles if facets[docnum]["kind"] == ["article"] else ids)[doc_id] = docnum
    return [{k: tuple(v) for k, v in doc.items()} for doc in facets], ids, articles


def settle_memory() -> None:
    """Move everything alive now (the new snapshot's tables and facet values, the app) out of the garbage
    collector's sight: a full collection then walks only what requests add, not tens of thousands of long-lived
    objects (those walks were the longest pauses in search latency). Unfreezing first lets a retired snapshot's
    objects be collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class IndexHandle:
    """The process's view of a data directory: `snapshot()` is cheap and always the live version.

    Every `check_interval` seconds a request looks at CURRENT (a tiny read) and at the live folder's file sizes (a
    stat each); a new version is opened in the request that notices it, the old snapshot is retired, not closed."""

    def __init__(self, data: DataDir, check_interval: float = CHECK_INTERVAL):
        self.data = data
        self.check_interval = check_interval
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._retired: list[tuple[float, Snapshot]] = []

    def snapshot(self) -> Snapshot:
        """The live version's snapshot, reopened when CURRENT changes; StoreError if there is no usable index."""
        current = self._snapshot
        if current is not None and time.monotonic() - self._checked < self.check_interval:
            return current
        with self._lock:
            if self._snapshot is not None and self._snapshot is not current:
                return self._snapshot  # another thread refreshed it while this one waited
            self._checked = time.monotonic()
            self._close_retired()
            return self._refresh(self._snapshot)

    def expire(self) -> None:
        """Look at CURRENT on the next `snapshot()` (after this process published a version)."""
        self._checked = float("-inf")

    def _refresh(self, current: Snapshot | None) -> Snapshot:
        try:
            version = self.data.current()
        except StoreError as exc:
            return self._keep_or_raise(current, exc)
        if current is not None and version == current.version:
            problem = damage(current.path) if current.path else None
            if problem is None:
                return current
            self._retire(None)  # the live folder was damaged or deleted under us
            raise StoreError(problem)
        try:
            fresh = open_snapshot(self.data)
        except StoreError as exc:
            return self._keep_or_raise(current, exc)
        self._retire(fresh)
        settle_memory()
        return fresh

    def _keep_or_raise(self, current: Snapshot | None, exc: StoreError) -> Snapshot:
        """CURRENT names nothing usable: keep serving the version this process has while it is whole, else fail."""
        if current is not None and current.path is not None and damage(current.path) is None:
            log.warning("still serving index version %s: %s", current.version, exc)
            return current
        self._retire(None)
        raise exc

    def _retire(self, fresh: Snapshot | None) -> None:
        if self._snapshot is not None:
            self._retired.append((time.monotonic(), self._snapshot))
        self._snapshot = fresh

    def _close_retired(self) -> None:
        now = time.monotonic()
        while self._retired and now - self._retired[0][0] > RETIRE_SECONDS:
            self._retired.pop(0)[1].close()

    def close(self) -> None:
        """Close every searcher this handle opened."""
        with self._lock:
            self._retire(None)
            for _, snap in self._retired:
                snap.close()
            self._retired.clear()
