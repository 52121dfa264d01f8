"""Search parameters: one validated shape for the web, the JSON API and the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from index.query import MAX_QUERY_CHARS, normalise_query
from index.schema import FACETS
from kb.model import KINDS

MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
MAX_PAGE = 100  # deeper pages are crawlers, not people
MAX_FILTER_VALUES = 20
MAX_VALUE_CHARS = 120
RESULT_KINDS = (*KINDS, "article")  # what a result may be: an entry of a kind, or an ingested article


class ParamError(ValueError):
    """A request parameter is invalid; carries every problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SearchParams:
    """A validated search request."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (facet, values), facets in FACETS order
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values selected for one facet."""
        return dict(self.filters).get(facet, ())


def _int(raw: str | None, name: str, default: int, low: int, high: int, errors: list[str]) -> int:
    if raw is None or raw == "":
        return default
    try:
        if not (raw.isascii() and raw.removeprefix("-").isdigit()):  # int() also takes "+5", "1_0", " 3 ", "٣"
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        errors.append(f"{name} must be a whole number, got {raw[:20]!r}")
        return default
    if not low <= value <= high:
        errors.append(f"{name} must be between {low} and {high}, got {value}")
    return value


def parse_params(get_one: Mapping[str, str], get_all: Mapping[str, Sequence[str]]) -> SearchParams:
    """Validate raw request parameters (one value and every value per name); ParamError lists what is wrong."""
    errors: list[str] = []
    q = get_one.get("q", "") or ""
    if len(q) > MAX_QUERY_CHARS:
        errors.append(f"q must be at most {MAX_QUERY_CHARS} characters, got {len(q)}")
    filters = []
    for facet in FACETS:
        raw = get_all.get(facet, ())
        values = tuple(dict.fromkeys(v.strip() for v in raw if v and v.strip()))
        # The limits count values as sent (repeats and blanks too), as the OpenAPI document's maxItems and maxLength do.
        if len(raw) > MAX_FILTER_VALUES:
            errors.append(f"at most {MAX_FILTER_VALUES} values of {facet}")
        if any(len(v) > MAX_VALUE_CHARS for v in raw):
            errors.append(f"{facet} values must be at most {MAX_VALUE_CHARS} characters")
        if facet == "kind" and (bad := [v for v in raw if v not in RESULT_KINDS]):  # blank or padded too, as documented
            errors.append(f"kind must be one of {', '.join(RESULT_KINDS)}; got {', '.join(bad)[:80]}")
        if values:
            filters.append((facet, values))
    page = _int(get_one.get("page"), "page", 1, 1, MAX_PAGE, errors)
    per_page = _int(get_one.get("per_page"), "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, errors)
    if errors:
        raise ParamError(errors)
    return SearchParams(q=normalise_query(q), filters=tuple(filters), page=page, per_page=per_page)
