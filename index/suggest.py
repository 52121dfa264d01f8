"""As-you-type suggestions over entry names and aliases, ranked by how many articles back each entry."""

from __future__ import annotations

from typing import Any

from index.reader import Snapshot
from kb.vocabulary import fold

MIN_PREFIX = 2
MAX_SUGGESTIONS = 8


def _table(snap: Snapshot) -> list[tuple[str, str, str, str, int, bool]]:
    """(folded text, text, id, kind, article count, is an alias) for every name and alias, once per version."""
    rows = []
    for eid, docnum in snap.ids.items():
        stored = snap.searcher.stored_fields(docnum)  # type: ignore[attr-defined]
        if "names" in stored:  # the stored names, not the entry decoded (sources and passages run to megabytes)
            names, kind, n = stored["names"].split("\n"), stored["kind"], int(stored.get("n_sources") or 0)
        else:  # an index written before names were stored
            view = snap.view_at(docnum)
            names = list(dict.fromkeys([view.head["name"], *view.head.get("aliases", [])]))
            kind, n = view.head["kind"], view.source_count
        for text in names:
            rows.append((fold(text), text, eid, kind, n, text != names[0]))
    return rows


def suggest(snap: Snapshot, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
    """Names and aliases with a word starting with `prefix` (whole-name starts first), one per entry."""
    want = " ".join(fold(prefix).split())
    if len(want) < MIN_PREFIX:
        return []
    rows = snap.cached(("suggest-table",), lambda: _table(snap))
    scored = []
    for folded, text, eid, kind, n, is_alias in rows:
        if folded == want or folded.startswith(want + " "):
            rank = 0  # the prefix is the name's whole first word(s): "deep" → "Deep tissue massage"
        elif folded.startswith(want):
            rank = 1  # "deep" → "deeper sleep"
        elif f" {want}" in f" {folded}":
            rank = 2
        else:
            continue
        scored.append((rank, -n, is_alias, len(text), text, eid, kind))
    scored.sort()
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for *_, text, eid, kind in scored:
        if eid not in seen:
            seen.add(eid)
            out.append({"text": text, "id": eid, "kind": kind})
        if len(out) >= limit:
            break
    return out
