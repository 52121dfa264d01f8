"""Build a new index version from extractions, beside the live one, and publish it atomically."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.documents import to_document
from index.reader import open_version
from index.schema import build_schema
from index.store import INDEX_NAME, MANIFEST, DataDir, StoreError, checkpoint, file_table
from ingest.merge import merge
from kb.model import KINDS, Entry, Extraction
from kb.vocabulary import Vocabulary

__all__ = ["INDEX_NAME", "build_version", "load_extractions", "write_index"]


def load_extractions(path: Path) -> list[Extraction]:
    """The per-article extractions a version was built from (what `ingest --add` merges into)."""
    file = path / "extractions.jsonl"
    if not file.is_file():
        return []
    try:
        with open(file, encoding="utf-8") as handle:
            return [Extraction.from_dict(json.loads(line)) for line in handle if line.strip()]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"index version {path.name}: extractions.jsonl is damaged ({type(exc).__name__}); "
                         "run a full `kb ingest` without --add") from exc


def write_index(path: Path, entries: list[Entry]) -> None:
    """Write a Whoosh index of `entries` into the empty folder `path`."""
    regions = {e.id: e.body_region for e in entries if e.kind == "condition"}
    ix = whoosh_index.create_in(str(path), build_schema(), indexname=INDEX_NAME)
    writer = ix.writer(limitmb=128)
    try:
        for i, entry in enumerate(entries):
            writer.add_document(**to_document(entry, regions))
            if i == len(entries) // 2:
                checkpoint("indexing")  # the Whoosh writer is mid-write and holds its lock
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()


def build_version(
    data: DataDir, extractions: list[Extraction], vocab: Vocabulary, skipped: list[dict[str, str]]
) -> dict[str, Any]:
    """Merge, index and publish a new version; returns its manifest. Call under `data.lock()`."""
    data.clean()
    entries = merge(extractions, vocab)
    counts: Counter[str] = Counter(e.kind for e in entries)
    with data.build() as (version, path):
        write_index(path, entries)
        with open(path / "extractions.jsonl", "w", encoding="utf-8") as handle:
            for ex in sorted(extractions, key=lambda e: e.path):
                handle.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
        manifest = {
            "index_version": version,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "articles": len(extractions),
            "entries": {kind: counts[kind] for kind in KINDS},
            "discovered": sorted(
                ({"kind": e.kind, "name": e.name, "paths": sorted({s.path for s in e.sources})}
                 for e in entries if e.discovered), key=lambda d: (d["kind"], d["name"])),
            "clinics": sorted(e.name for e in entries if e.kind == "clinic"),
            "skipped": skipped,
        }
        (path / f"{INDEX_NAME}_WRITELOCK").unlink(missing_ok=True)  # Whoosh leaves its (released) lock file
        manifest["files"] = file_table(path)
        # The manifest goes last: a folder without one is never a version.
        (path / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _verify_build(path)
        checkpoint("built")
        data.publish(version, path)
        checkpoint("published")
    data.clean()
    return manifest


def _verify_build(path: Path) -> None:
    """Open the finished build as a server would, so a broken build is never published."""
    open_version(path, deep=True).close()
