"""Search-quality evaluation: hit@5, MRR and out-of-scope handling over a query file (the contract's format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.params import SearchParams
from kb.knowledge import Version

TOP = 5


def load_queries(path: Path) -> list[dict[str, Any]]:
    """The queries of a query file; ValueError naming what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable JSON query file ({exc})") from exc
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list):
        raise ValueError(f'{path}: expected {{"queries": [...]}}')
    for i, q in enumerate(queries):
        if not isinstance(q, dict) or not isinstance(q.get("query"), str):
            raise ValueError(f"{path}: query #{i + 1} needs a string 'query'")
    return queries


def first_relevant_rank(results: list[dict[str, Any]], wanted: set[str]) -> int | None:
    """1-based rank of the first result with a source whose path is wanted, within the top five."""
    for rank, result in enumerate(results[:TOP], 1):
        if any(s["path"] in wanted for s in result["sources"]):
            return rank
    return None


def presents_nothing(result: dict[str, Any]) -> bool:
    """Whether a search shows a patient nothing to read: no result and no answer card (only the notice that the
    articles do not cover the query, or an emergency notice)."""
    return result["total"] == 0 and not result["results"] and result["answer"] is None


def evaluate(version: Version, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Run every query and score it; a nothing-relevant query passes only when it presents nothing."""
    rows = []
    for i, q in enumerate(queries):
        result = version.search(SearchParams(q=q["query"], per_page=TOP)).data
        wanted = set(q.get("must_top5") or [])
        out_of_scope = bool(q.get("nothing_relevant"))
        rank = None if out_of_scope else first_relevant_rank(result["results"], wanted)
        ok = presents_nothing(result) if out_of_scope else rank is not None
        rows.append({"id": q.get("id", f"q{i + 1}"), "query": q["query"], "nothing_relevant": out_of_scope,
                     "rank": rank, "total": result["total"], "ok": ok,
                     "top": [r["id"] for r in result["results"][:TOP]]})
    scored = [r for r in rows if not r["nothing_relevant"]]
    oos = [r for r in rows if r["nothing_relevant"]]
    summary = {
        "queries": len(rows),
        "hit_at_5": sum(1 for r in scored if r["rank"]) / len(scored) if scored else 1.0,
        "mrr": sum(1 / r["rank"] for r in scored if r["rank"]) / len(scored) if scored else 1.0,
        "out_of_scope": len(oos),
        "out_of_scope_ok": sum(1 for r in oos if r["ok"]),
    }
    return {"summary": summary, "queries": rows}
