"""HTML pages: search with facets, entry pages, the A–Z of conditions, and the front-desk lookup."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import Blueprint, render_template, request

from index.schema import FACETS
from web import knowledge_base
from web.searching import query_string, search_from

bp = Blueprint("pages", __name__)

FACET_LABELS = {"kind": "Kind", "condition": "Condition", "technique": "Technique", "benefit": "Benefit",
                "body_region": "Body region", "clinic": "Clinic"}
KIND_LABELS = {"condition": "Condition", "technique": "Technique", "benefit": "Benefit", "clinic": "Clinic"}


def _page_data(template: str) -> str:
    params, result = search_from(request.args)
    pages = max(1, -(-result["total"] // params.per_page))
    toggles = {f: {v["value"]: query_string(params, toggle=(f, v["value"])) for v in result["facets"][f]}
               for f in FACETS}
    return render_template(
        template, params=params, result=result, pages=pages, toggles=toggles, facet_labels=FACET_LABELS,
        kind_labels=KIND_LABELS, json_url="/api/search?" + query_string(params),
        page_url=lambda n: "?" + query_string(params, page=n),
    )


@bp.get("/")
@bp.get("/search")
def search() -> str:
    """The patient search page (results, facets, answer card, notices)."""
    return _page_data("search.html")


@bp.get("/staff")
def staff() -> str:
    """The front-desk lookup: the same search, compact, keyboard first."""
    return _page_data("staff.html")


@bp.get("/entries/<entry_id>")
def entry(entry_id: str) -> str:
    """One entry with its related entries and every source."""
    kb = knowledge_base()
    data = kb.entry(entry_id)
    related: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in data.get("related", []):
        if all(x["id"] != r["id"] for x in related[r["kind"]]):
            related[r["kind"]].append(r)
    clinics = [kb.snapshot().entry(r["id"]) for r in related.get("clinic", [])]
    return render_template("entry.html", entry=data, related=related, clinics=[c for c in clinics if c],
                           kind_labels=KIND_LABELS)


@bp.get("/conditions")
def conditions() -> str:
    """A–Z of conditions with article counts, and the same grouped by body region."""
    entries = sorted(knowledge_base().entries(("condition",)), key=lambda e: e["name"].lower())
    letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    regions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in entries:
        letters[e["name"][0].upper()].append(e)
        for region in e.get("body_region") or ["unspecified"]:
            regions[region].append(e)
    return render_template("conditions.html", letters=dict(letters), regions=dict(sorted(regions.items())),
                           total=len(entries))
