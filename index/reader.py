"""One open index per process: a reused searcher, refreshed when CURRENT names a new version."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from index.build import INDEX_NAME
from index.schema import FACETS
from index.store import DataDir, StoreError

CHECK_INTERVAL = 0.5  # seconds between looks at CURRENT: a stat and a tiny read
CACHE_SIZE = 2048


@dataclass
class Snapshot:
    """Everything read from one index version, shared by the requests that use it."""

    version: str
    searcher: Searcher
    manifest: dict[str, Any]
    facets: list[dict[str, tuple[str, ...]]]  # per document number: facet name to values
    ids: dict[str, int]  # entry id to document number
    cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict)

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        """The stored entry with this id, or None."""
        docnum = self.ids.get(entry_id)
        return self.entry_at(docnum) if docnum is not None else None

    def entry_at(self, docnum: int) -> dict[str, Any]:
        """The stored entry of a document number."""
        stored = self.searcher.stored_fields(docnum)  # type: ignore[attr-defined]
        return dict(json.loads(stored["payload"]))

    def cached(self, key: Any, compute: Any) -> Any:
        """A bounded LRU memo of results for this version (keys need not include the version)."""
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        value = compute()
        self.cache[key] = value
        if len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        return value


def open_snapshot(data: DataDir) -> Snapshot:
    """Open the live version; StoreError with a reason if there is none or it is unreadable."""
    path = data.current_path()
    manifest = data.manifest(path)
    try:
        ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
        searcher = ix.searcher()
    except Exception as exc:  # Whoosh raises many kinds for a damaged folder; all mean the same here
        raise StoreError(f"index version {path.name} is unreadable: {exc}") from exc
    facets: list[dict[str, tuple[str, ...]]] = []
    ids: dict[str, int] = {}
    for docnum, stored in searcher.reader().iter_docs():
        while len(facets) <= docnum:
            facets.append({})
        facets[docnum] = {name: tuple(v for v in str(stored.get(name) or "").split(",") if v) for name in FACETS}
        ids[stored["id"]] = docnum
    return Snapshot(manifest.get("index_version", path.name), searcher, manifest, facets, ids)


class IndexHandle:
    """The process's view of a data directory: `snapshot()` is cheap and always the live version."""

    def __init__(self, data: DataDir, check_interval: float = CHECK_INTERVAL):
        self.data = data
        self.check_interval = check_interval
        self._snapshot: Snapshot | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The live version's snapshot, reopened when CURRENT changes; StoreError if there is no usable index."""
        now = time.monotonic()
        current = self._snapshot
        if current is not None and now - self._checked < self.check_interval:
            return current
        with self._lock:
            self._checked = now
            version = self.data.current()
            if current is not None and version == current.version:
                return current
            try:
                fresh = open_snapshot(self.data)
            except StoreError:
                if current is not None and (self.data.versions / current.version).is_dir():
                    return current  # keep serving the version we have rather than fail requests
                raise
            # The old searcher is left to the garbage collector: a request in another thread may still use it.
            self._snapshot = fresh
            return fresh
