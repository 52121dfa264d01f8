"""The phrases an ingest leaves for the clinic to review: unknown list items and headings that did not read as names."""

from __future__ import annotations

from typing import Any

from kb.model import Entry, Extraction
from kb.vocabulary import fold

MAX_TO_REVIEW = 200  # the report lists this many at most; its total counts them all


def phrases_to_review(extractions: list[Extraction], entries: list[Entry]) -> tuple[list[dict[str, Any]], int]:
    """Each phrase (per kind, case and accents folded) once, where it was first seen, in article order; none an entry
    names already (a phrase another page put as a name). The first MAX_TO_REVIEW, and how many there are in all."""
    named = {(e.kind, fold(n)) for e in entries for n in (e.name, *e.aliases)}
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for ex in extractions:
        for kind, phrase, section, sentence in ex.to_review:
            key = (kind, fold(phrase))
            if key in seen or key in named:
                continue
            seen.add(key)
            out.append({"phrase": phrase, "kind": kind, "article_id": ex.article_id, "path": ex.path,
                        "title": ex.title, "section": section, "sentence": sentence})
    return out[:MAX_TO_REVIEW], len(out)
