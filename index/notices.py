"""Notices above results: emergency guidance for red-flag symptoms, and help when nothing matches."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from index.reader import Snapshot
from kb.vocabulary import DATA_DIR


@cache
def _red_flags() -> list[tuple[re.Pattern[str], re.Pattern[str] | None, str, str]]:
    raw = yaml.safe_load((DATA_DIR / "red_flags.yaml").read_text(encoding="utf-8"))
    out = []
    for flag in raw["red_flags"]:
        def alternation(phrases: list[str]) -> re.Pattern[str]:
            body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
            return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
        requires = flag.get("requires_any") or []
        out.append((alternation(flag["patterns"]), alternation(requires) if requires else None,
                    str(flag["message"]), str(flag["id"])))
    return out


def emergency_notice(q: str) -> dict[str, Any] | None:
    """The emergency notice for a query that describes a red-flag symptom, else None."""
    q = q.replace("\u2019", "'").replace("\u2018", "'")  # phone keyboards type curly apostrophes
    for pattern, requires, message, flag_id in _red_flags():
        if pattern.search(q) and (requires is None or requires.search(q)):
            return {"kind": "emergency", "id": flag_id, "message": message}
    return None


def no_results_notice(q: str, snap: Snapshot) -> dict[str, Any]:
    """Say plainly that the articles do not cover the query, and what they do cover."""
    topics = snap.tables.topics
    names = ", ".join(t["text"] for t in topics)
    return {"kind": "no_results",
            "message": f"None of this clinic's articles cover “{q}”. They cover topics such as {names}.",
            "suggestions": topics}
