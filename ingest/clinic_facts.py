"""Fold the contact facts seen on one page into one clinic record, keeping every value and where it was seen."""

from __future__ import annotations

import re
from typing import Any

from kb.model import Article, Fact

# Structured data states the clinic's own facts; text found by patterns is the weakest witness.
ORIGIN_RANK = {"json-ld": 0, "microdata": 1, "front-matter": 2, "meta": 3, "tel-link": 4, "mailto-link": 4,
               "address": 5, "page": 6, "main": 7}
FIELDS = {"name": "names", "address": "addresses", "phone": "phones", "email": "emails", "hours": "hours",
          "website": "websites"}


def same_value(a: str, b: str) -> bool:
    """Two spellings of one fact: equal but for case, punctuation and spacing."""
    return re.sub(r"[\W_]+", "", a.lower()) == re.sub(r"[\W_]+", "", b.lower())


def _rank(fact: Fact) -> int:
    return ORIGIN_RANK.get(fact.origin, 9)


def clinic_facts(article: Article) -> dict[str, Any] | None:
    """The page's clinic: name, then names, addresses, phones... each with its origins; None if unnamed."""
    grouped: dict[str, dict[str, list[str]]] = {field: {} for field in FIELDS.values()}
    for fact in sorted(article.facts, key=_rank):
        values = grouped[FIELDS[fact.kind]]
        key = next((v for v in values if same_value(v, fact.value)), fact.value)
        origins = values.setdefault(key, [])
        if fact.origin not in origins:
            origins.append(fact.origin)
    names = grouped["names"]
    if not names:
        return None
    # Prefer a name that the page states in structured data, then the most repeated one.
    name = min(names, key=lambda n: (min(ORIGIN_RANK.get(o, 9) for o in names[n]) > 3, -len(names[n])))
    record: dict[str, Any] = {"name": name}
    for field, values in grouped.items():
        record[field] = [{"value": v, "origins": o} for v, o in values.items()]
    return record
