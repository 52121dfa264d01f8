"""HTML pages: search with facets, entry pages, the A–Z of conditions, and the front-desk lookup."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, render_template, request

from index.params import SearchParams
from index.schema import FACETS
from web import current
from web.scope import current_site
from web.searching import params_from, query_string

bp = Blueprint("pages", __name__)

FACET_LABELS = {"kind": "Kind", "condition": "Condition", "technique": "Technique", "benefit": "Benefit",
                "body_region": "Body region", "clinic": "Clinic"}
KIND_LABELS = {"condition": "Condition", "technique": "Technique", "benefit": "Benefit", "clinic": "Clinic",
               "article": "Article"}
KIND_ORDER = ("condition", "technique", "benefit", "clinic")
FACET_SHOWN = 6  # values per facet before "More"
PAGER_WINDOW = 2  # page links either side of the current page
RELATED_SHOWN = 8  # related entries per kind before "More"
COPY_SOURCES = 3


@bp.app_template_filter("http_url")
def http_url(url: object) -> str | None:
    """`url` when it is an http(s) URL, else None: an article must never get a `javascript:` link onto a page."""
    if isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url
    return None


def facet_view(params: SearchParams, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each facet with a label and its values, each with the URL that toggles it (Datasette's `toggle_url`).

    `shown` holds the selected values and the most frequent others, up to FACET_SHOWN; `more` the rest.
    """
    out = []
    for facet in FACETS:
        values = [{**v, "label": KIND_LABELS.get(v["value"], v["value"]) if facet == "kind" else v["value"],
                   "toggle_url": "/search?" + query_string(params, toggle=(facet, v["value"]))}
                  for v in result["facets"].get(facet, [])]
        if not values:
            continue
        room = max(FACET_SHOWN, sum(v["selected"] for v in values))
        shown = [v for v in values if v["selected"]]
        shown += [v for v in values if not v["selected"]][: room - len(shown)]
        out.append({"name": facet, "label": FACET_LABELS[facet], "shown": shown,
                    "more": [v for v in values if v not in shown]})
    return out


def selected_filters(params: SearchParams) -> list[dict[str, str]]:
    """The active filters, each with the URL that removes it."""
    return [{"facet": FACET_LABELS[facet], "value": KIND_LABELS.get(v, v) if facet == "kind" else v,
             "remove_url": "/search?" + query_string(params, toggle=(facet, v))}
            for facet, values in params.filters for v in values]


def pager(params: SearchParams, total: int, base: str) -> dict[str, Any] | None:
    """Previous/next and a window of numbered pages (None when everything fits on one page)."""
    pages = max(1, -(-total // params.per_page))
    if pages == 1:
        return None
    near = range(max(1, params.page - PAGER_WINDOW), min(pages, params.page + PAGER_WINDOW) + 1)
    numbers = sorted({1, pages, *near})
    numbers = sorted({*numbers, *(a + 1 for a, b in pairwise(numbers) if b - a == 2)})  # no "…" standing for one page

    def url(n: int) -> str:
        return f"{base}?{query_string(params, page=n)}"

    links: list[dict[str, Any]] = []
    for n in numbers:
        if links and n - links[-1]["number"] > 1:
            links.append({"number": n - 1, "gap": True, "url": None, "current": False})
        links.append({"number": n, "url": url(n), "current": n == params.page})
    return {"pages": pages, "links": links, "prev": url(params.page - 1) if params.page > 1 else None,
            "next": url(params.page + 1) if params.page < pages else None}


def _render_search(template: str, base: str, **extra: Any) -> str:
    params = params_from(request.args)
    result = current().search(params).data
    return render_template(
        template, params=params, result=result, facets=facet_view(params, result),
        filters=selected_filters(params), pager=pager(params, result["total"], base), kind_labels=KIND_LABELS,
        json_url="/api/search?" + query_string(params), clear_url="/search?" + query_string(params, clear=True),
        **extra,
    )


@bp.get("/")
@bp.get("/search")
def search() -> str:
    """The patient search page (results, facets, answer card, notices); a welcome with topics when empty."""
    return _render_search("search.html", "/search")


def staff_card(result: dict[str, Any]) -> dict[str, Any] | None:
    """The compact answer for a phone call: the answer's clinics, the topic asked about, a quote and a copy text.

    A contact question that names a topic ("plantar fasciitis phone") gets the clinic's answer with the topic and
    a quote from that clinic's own article on it (index/answers.py).
    """
    answer = result.get("answer")
    if not answer:
        return None
    clinics = answer.get("clinics") or []
    topic = answer.get("topic")
    quote = answer.get("quote")
    kind = answer.get("kind") or answer["entry_id"].split("-", 1)[0]
    named = next((r["name"] for r in result["results"] if r["id"] == answer["entry_id"]), None)
    title = clinics[0]["name"] if kind == "clinic" and clinics else named or answer["text"]
    return {"answer": answer, "kind": kind, "title": title, "clinics": clinics, "topic": topic, "quote": quote,
            "copy_text": copy_text(answer, clinics, topic, quote)}


def _where(source: dict[str, Any]) -> str:
    return source.get("url") or source.get("path") or ""


def copy_text(answer: dict[str, Any], clinics: list[dict[str, Any]], topic: dict[str, Any] | None,
              quote: dict[str, Any] | None) -> str:
    """Plain text for the clipboard: the answer, the quoted sentence and the articles it comes from."""
    lines = [answer["text"]] if answer["text"] else []
    if answer.get("fact") and clinics:
        lines.append(f"{clinics[0]['name']}" + (f", {clinics[0]['phone_display']}" if clinics[0].get("phone") else ""))
    if answer.get("kind") == "clinic" and clinics and clinics[0].get("email"):
        lines.append(f"Email: {clinics[0]['email']}")
    if quote:
        about = f"{topic['name']}, in {clinics[0]['name']}'s articles: " if topic else ""
        lines.append(f"{about}“{quote['sentence']}” ({quote['title']}, {_where(quote)})")
    cited = ([quote] if quote else []) + list(answer.get("sources") or [])  # the quoted article first
    sources = list({s["path"]: s for s in cited}.values())[:COPY_SOURCES]  # first place, fullest record
    if sources:
        lines.append("Sources:")
        lines += [f"- {s['title']}{' (' + s['clinic'] + ')' if s.get('clinic') else ''}: {_where(s)}" for s in sources]
    return "\n".join(lines)


@bp.get("/staff")
def staff() -> str:
    """The front-desk lookup: the same search, compact, keyboard first; its live region is re-fetched as you type."""
    params = params_from(request.args)
    result = current().search(params).data
    return render_template("staff.html", params=params, result=result, card=staff_card(result),
                           kind_labels=KIND_LABELS, json_url="/api/search?" + query_string(params))


def related_groups(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Related entries by kind (conditions, techniques, benefits), one row per entry with its first sentence."""
    groups: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in entry.get("related", []):
        groups[r["kind"]].setdefault(r["id"], r)
    return [{"kind": k, "label": KIND_LABELS[k] + "s", "entries": sorted(groups[k].values(),
                                                                          key=lambda r: r["name"].lower())}
            for k in KIND_ORDER if k != "clinic" and groups.get(k)]


@bp.get("/entries/<entry_id>")
def entry(entry_id: str) -> str:
    """One entry with its related entries, its clinics' contacts and every source."""
    data = current().entry(entry_id)
    return render_template("entry.html", entry=data, related=related_groups(data), kind_labels=KIND_LABELS,
                           related_shown=RELATED_SHOWN)


@bp.get("/conditions")
def conditions() -> str:
    """A–Z of conditions with article counts; `?region=` narrows it to one body region."""
    region = request.args.get("region", "")
    site = current_site()
    pairs = ([("region", region)] if region else []) + ([("site", site.id)] if site is not None else [])
    json_url = "/api/conditions" + (f"?{urlencode(pairs)}" if pairs else "")
    return render_template("conditions.html", az=current().conditions(region), json_url=json_url)


@bp.get("/articles/<article_id>")
def article(article_id: str) -> str:
    """One ingested article as kb read it: its sections (each with an anchor results link to) and the entries it
    names."""
    data = current().article(article_id)
    return render_template("article.html", article=data, kind_labels=KIND_LABELS)
