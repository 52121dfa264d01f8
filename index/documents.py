"""The one mapping from an entry to its Whoosh document."""

from __future__ import annotations

from typing import Any

from index.desk_facts import sentence_topics
from index.entry_view import encode_view
from index.passages import encode_postings
from kb.model import Entry

MAX_EVIDENCE_PASSAGES = 400  # the ranked evidence text of one entry; every passage stays in the stored view


def _facet(values: list[str]) -> str:
    # KEYWORD fields split on commas, so a value may not hold one.
    return ",".join(sorted({v.replace(",", " ").strip() for v in values if v.strip()}))


def facet_values(entry: Entry, regions: dict[str, list[str]]) -> dict[str, list[str]]:
    """Facet values of an entry: its own name for its kind, the names of related entries for the others."""
    out: dict[str, list[str]] = {"kind": [entry.kind], "condition": [], "technique": [], "benefit": [],
                                 "body_region": list(entry.body_region), "clinic": []}
    if entry.kind in ("condition", "technique", "benefit"):
        out[entry.kind].append(entry.name)
    for rel in entry.related:
        if rel.kind in ("condition", "technique", "benefit", "clinic"):
            out[rel.kind].append(rel.name)
        if rel.kind == "condition" and entry.kind != "condition":
            out["body_region"] += regions.get(rel.id, [])
    out["clinic"] += [s.clinic for s in entry.sources if s.clinic]
    if entry.kind == "clinic":
        out["clinic"].append(entry.name)
    return {k: sorted(set(v)) for k, v in out.items()}


def contact_text(entry: Entry) -> str:
    """Searchable text of a clinic's contact facts (address, city, phone digits in several shapes)."""
    if not entry.contact:
        return ""
    parts: list[str] = []
    for field in ("names", "addresses", "emails", "hours", "websites"):
        parts += [v["value"] for v in entry.contact.get(field, [])]
    for phone in entry.contact.get("phones", []):
        digits = phone["value"].lstrip("+")
        parts += [phone["value"], digits, digits[-10:], digits[-7:]]
    return " ".join(parts)


def desk_keywords(sentences: list[str]) -> str:
    """The front-desk topics the sentences state, as the `desk` keyword field."""
    return ",".join(sorted(set().union(*(sentence_topics(s) for s in sentences)))) if sentences else ""


def to_document(entry: Entry, regions: dict[str, list[str]],
                facts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The Whoosh document for `entry`; `regions` maps condition ids to body regions; `facts` are a clinic's
    front-desk facts with their sentences (index/desk_facts.py), kept on its entry."""
    facets = facet_values(entry, regions)
    stored = entry.to_dict()
    if facts:
        stored["facts"] = facts
    evidence = " ".join(p.sentence for p in entry.passages[:MAX_EVIDENCE_PASSAGES])
    related = " ".join(sorted({r.name for r in entry.related}))
    names = " ".join([entry.name, *entry.aliases])
    return {
        "id": entry.id,
        "kind": entry.kind,
        "name": entry.name,
        "aliases": " ".join(entry.aliases),
        "related": related,
        "contact": contact_text(entry),
        "summary": entry.summary,
        "evidence": evidence,
        "names_plain": f"{names} {related}",
        "text_plain": f"{names} {evidence}",
        **{k: _facet(v) for k, v in facets.items() if k != "kind"},
        "n_sources": len(entry.sources),
        "desk": desk_keywords([p.sentence for p in entry.passages] + [f["sentence"] for f in facts or []]),
        "view": encode_view(stored),
        "passage_stems": encode_postings([p.sentence for p in entry.passages]),
        "names": "\n".join(dict.fromkeys([entry.name, *entry.aliases])),
    }
