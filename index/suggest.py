"""As-you-type suggestions over entry names and aliases, ranked by how many articles back each entry."""

from __future__ import annotations

from typing import Any

from index.reader import Snapshot
from kb.vocabulary import fold

MIN_PREFIX = 2
MAX_SUGGESTIONS = 8


def suggest(snap: Snapshot, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[dict[str, Any]]:
    """Names and aliases with a word starting with `prefix` (whole-name starts first), one per entry."""
    want = " ".join(fold(prefix).split())
    if len(want) < MIN_PREFIX:
        return []
    scored = []
    for folded, text, eid, kind, n, is_alias in snap.tables.suggestions:
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
