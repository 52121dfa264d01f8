"""The knowledge base as the CLI and the web app see it: ingest, search, entries, suggestions, stats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.build import build_version, load_extractions
from index.params import ParamError, SearchParams
from index.reader import IndexHandle, Snapshot
from index.search import run_search, search_json
from index.store import DataDir, StoreError, checkpoint
from index.suggest import suggest
from ingest.files import IngestResult, ingest_files
from kb.cues import Cues, load_cues
from kb.vocabulary import Vocabulary


class IngestFailed(RuntimeError):
    """Nothing was published: no article could be read, or --strict met a skipped file."""

    def __init__(self, message: str, result: IngestResult):
        super().__init__(message)
        self.result = result


@dataclass
class IngestReport:
    """What an ingest did: the manifest of the published version and the per-file outcomes."""

    manifest: dict[str, Any]
    result: IngestResult


class KnowledgeBase:
    """One data directory with its vocabulary; cheap to create, holds one open index per process."""

    def __init__(self, data_dir: Path, vocab: Vocabulary | None = None, cues: Cues | None = None,
                 shared_cache: Path | None = None):
        self.data = DataDir(data_dir)
        self.vocab = vocab or Vocabulary.load()
        self.cues = cues or load_cues()
        self.handle = IndexHandle(self.data, shared_cache=shared_cache)

    def snapshot(self) -> Snapshot:
        """The live index version (StoreError when there is none)."""
        return self.handle.snapshot()

    def ingest(self, paths: list[Path], add: bool = False, strict: bool = False,
               progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Read `paths` and publish a new version: the whole KB, or with `add` merged into the live one."""
        with self.data.lock():
            checkpoint("locked")
            result = ingest_files(paths, self.vocab, progress)
            skipped = [{"path": s.path, "reason": s.reason} for s in result.skipped]
            if strict and skipped:
                raise IngestFailed(f"{len(skipped)} file(s) skipped and --strict is set: nothing was published",
                                   result)
            extractions = result.extractions
            if add and self.data.current() is not None:
                fresh = {e.article_id for e in extractions} | {e.path for e in extractions}
                kept = [e for e in load_extractions(self.data.current_path())
                        if e.article_id not in fresh and e.path not in fresh]
                extractions = kept + extractions
            if not result.extractions:
                raise IngestFailed("no article could be ingested: nothing was published", result)
            manifest = build_version(self.data, extractions, self.vocab, skipped)
        return IngestReport(manifest, result)

    def search(self, params: SearchParams) -> dict[str, Any]:
        """The contract's search object."""
        return run_search(self.snapshot(), params, self.vocab, self.cues)

    def search_json(self, params: SearchParams) -> bytes:
        """The contract's search object as JSON bytes."""
        return search_json(self.snapshot(), params, self.vocab, self.cues)

    def entry(self, entry_id: str) -> dict[str, Any]:
        """One entry with every field and source; ParamError(404) when there is none."""
        entry = self.snapshot().entry(entry_id)
        if entry is None:
            raise ParamError([f"no entry with id {entry_id!r}"], status=404)
        entry["url"] = f"/entries/{entry['id']}"
        return entry

    def entries(self, kinds: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
        """Every entry (of the given kinds), in id order."""
        snap = self.snapshot()
        for eid in sorted(snap.ids):
            entry = snap.entry_at(snap.ids[eid])
            if not kinds or entry["kind"] in kinds:
                entry["url"] = f"/entries/{entry['id']}"
                yield entry

    def suggest(self, prefix: str) -> dict[str, Any]:
        """The contract's suggestion object."""
        return {"query": prefix, "suggestions": suggest(self.snapshot(), prefix)}

    def stats(self) -> dict[str, Any]:
        """Counts by kind, articles, clinics, index version and size."""
        snap = self.snapshot()
        path = self.data.current_path()
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        m = snap.manifest
        return {"index_version": snap.version, "created": m.get("created"), "articles": m.get("articles", 0),
                "entries": m.get("entries", {}), "clinics": m.get("clinics", []),
                "discovered": len(m.get("discovered", [])), "skipped": len(m.get("skipped", [])),
                "index_bytes": size, "versions": self.data.list_versions()}

    def public_reason(self, exc: StoreError) -> str:
        """The reason, without where the data directory is on disk (HTTP clients get it; operators know where)."""
        text = str(exc)
        roots = {self.data.root.resolve(), self.data.root.absolute()}  # a relative path says nothing of where
        for root in sorted(map(str, roots), key=len, reverse=True):
            text = text.replace(root, "DATA_DIR")
        return text

    def health(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, body) for /healthz: ok, or 503 in the contract's error shape with the reason."""
        try:
            snap = self.snapshot()
        except StoreError as exc:
            reason = self.public_reason(exc)
            return 503, {"ok": False, "status": 503, "error": "the knowledge base is not available",
                         "errors": [reason], "reason": reason, "entries": 0, "index_version": None}
        return 200, {"status": "ok", "entries": len(snap.ids), "index_version": snap.version}
