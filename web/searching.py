"""Search parameters from a request's query string, and query strings from parameters (facet toggles, pages)."""

from __future__ import annotations

from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from index.params import DEFAULT_PER_PAGE, SearchParams, parse_params
from index.schema import FACETS
from web.scope import current_site


def params_from(args: MultiDict[str, str]) -> SearchParams:
    """Validated search parameters from a request's query string (ParamError → 400)."""
    return parse_params({k: args.get(k, "") for k in ("q", "page", "per_page")},
                        {f: args.getlist(f) for f in FACETS})


def query_string(params: SearchParams, *, toggle: tuple[str, str] | None = None, page: int | None = None,
                 clear: bool = False) -> str:
    """The query string for `params` with a facet value toggled, another page, or (`clear`) no filters.

    Toggling or clearing a filter goes back to page 1: the old page number may not exist any more.
    """
    pairs: list[tuple[str, str]] = [("q", params.q)] if params.q else []
    filters = {} if clear else {f: list(v) for f, v in params.filters}
    if toggle:
        facet, value = toggle
        values = filters.setdefault(facet, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
    for facet in FACETS:
        pairs += [(facet, v) for v in filters.get(facet, [])]
    if page is None:
        page = 1 if toggle or clear else params.page
    if page != 1:
        pairs.append(("page", str(page)))
    if params.per_page != DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(params.per_page)))
    site = current_site()
    if site is not None:
        pairs.append(("site", site.id))  # links stay in the request's site
    return urlencode(pairs)
