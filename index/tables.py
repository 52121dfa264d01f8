"""Per-version tables: what every browse, suggestion and A–Z needs of every entry, written at build time and read
once when a snapshot opens (never evicted: they live as long as the snapshot)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.searching import Searcher

from kb.model import Entry
from kb.vocabulary import fold

TABLES = "tables.json"
SUGGESTED_TOPICS = 3  # per kind (conditions, techniques) on the welcome page and when nothing matches


@dataclass(frozen=True)
class Row:
    """What lists of entries show of one entry: never its sources or passages (thousands for a popular one)."""

    id: str
    kind: str
    name: str
    names: tuple[str, ...]  # the name, then its aliases
    n_sources: int
    body_region: tuple[str, ...]


def row_of(entry: Entry) -> dict[str, Any]:
    """The JSON row of an entry in TABLES."""
    return {"id": entry.id, "kind": entry.kind, "name": entry.name,
            "names": list(dict.fromkeys([entry.name, *entry.aliases])), "n_sources": len(entry.sources),
            "body_region": list(entry.body_region)}


def write_tables(path: Path, entries: list[Entry]) -> None:
    """Write the rows of every entry into a version folder."""
    rows = [row_of(e) for e in entries]
    (path / TABLES).write_text(json.dumps({"rows": rows}, ensure_ascii=False), encoding="utf-8")


def _stored_rows(searcher: Searcher, ids: dict[str, int]) -> list[dict[str, Any]]:
    """Rows from the stored fields, for a version written before TABLES (slower: each entry is unpickled)."""
    rows = []
    for eid, docnum in ids.items():
        stored = searcher.stored_fields(docnum)  # type: ignore[attr-defined]
        head = json.loads(stored["view"]["head"]) if "view" in stored else json.loads(stored["payload"])
        names = stored["names"].split("\n") if "names" in stored else [head["name"], *head.get("aliases", [])]
        rows.append({"id": eid, "kind": head["kind"], "name": head["name"], "names": list(dict.fromkeys(names)),
                     "n_sources": int(stored.get("n_sources") or 0), "body_region": head.get("body_region") or []})
    return rows


@dataclass
class Tables:
    """The rows by entry id, the browse order, the suggestion table and the most-discussed topics."""

    rows: dict[str, Row]
    by_support: list[int]  # document numbers, the entries most articles back first
    suggestions: list[tuple[str, str, str, str, int, bool]]  # (folded text, text, id, kind, articles, is an alias)
    topics: list[dict[str, Any]]  # {"text", "id", "kind"}

    @classmethod
    def read(cls, path: Path, searcher: Searcher, ids: dict[str, int]) -> Tables:
        """The tables of a version folder (from its stored fields when it has no TABLES file)."""
        file = path / TABLES
        raw = json.loads(file.read_text(encoding="utf-8"))["rows"] if file.is_file() else _stored_rows(searcher, ids)
        rows = {r["id"]: Row(r["id"], r["kind"], r["name"], tuple(r["names"]), int(r["n_sources"]),
                             tuple(r["body_region"])) for r in raw if r["id"] in ids}
        support = sorted(rows.values(), key=lambda r: (-r.n_sources, ids[r.id]))
        suggestions = [(fold(text), text, r.id, r.kind, r.n_sources, i > 0)
                       for r in rows.values() for i, text in enumerate(r.names)]
        topics = [{"text": r.name, "id": r.id, "kind": r.kind} for kind in ("condition", "technique")
                  for r in sorted((r for r in rows.values() if r.kind == kind),
                                  key=lambda r: (-r.n_sources, r.name))[:SUGGESTED_TOPICS]]
        return cls(rows, [ids[r.id] for r in support], suggestions, topics)
