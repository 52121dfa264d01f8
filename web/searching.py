"""The one function behind /search, /staff and /api/search: request arguments in, search object out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from index.params import SearchParams, parse_params
from index.schema import FACETS
from web import knowledge_base


def params_from(args: MultiDict[str, str]) -> SearchParams:
    """Validated search parameters from a request's query string (ParamError → 400)."""
    return parse_params({k: args.get(k, "") for k in ("q", "page", "per_page")},
                        {f: args.getlist(f) for f in FACETS})


def search_from(args: MultiDict[str, str]) -> tuple[SearchParams, dict[str, Any]]:
    """The params and the contract's search object for a request's query string."""
    params = params_from(args)
    return params, knowledge_base().search(params)


def query_string(params: SearchParams, **changes: Any) -> str:
    """The query string for `params` with changes (a facet toggle, another page)."""
    pairs: list[tuple[str, str]] = [("q", params.q)] if params.q else []
    filters = {f: list(v) for f, v in params.filters}
    toggle = changes.pop("toggle", None)
    if toggle:
        facet, value = toggle
        values = filters.setdefault(facet, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
    for facet in FACETS:
        pairs += [(facet, v) for v in filters.get(facet, [])]
    page = changes.get("page", 1 if toggle else params.page)
    if page != 1:
        pairs.append(("page", str(page)))
    if params.per_page != 10:
        pairs.append(("per_page", str(params.per_page)))
    return urlencode(pairs)
