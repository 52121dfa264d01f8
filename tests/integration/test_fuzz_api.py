"""Property-based tests over the HTTP API: every route and parameter, random and hostile values, never a 500.

Hypothesis runs derandomized and without an example database, so CI is deterministic. JSON routes must answer
errors in the contract's shape; HTML routes with an HTML page. (Malformed raw requests to the real gunicorn server
are sent by tests/e2e/test_http.py.)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.params import MAX_PAGE, MAX_PER_PAGE
from index.query import MAX_QUERY_CHARS
from kb.model import KINDS
from web import create_app

SEARCH_KEYS = {"query", "corrected_query", "total", "page", "per_page", "results", "facets", "answer", "notice",
               "topics", "site"}
ERROR_KEYS = {"ok", "status", "error", "errors"}
PARAMS = ["q", "kind", "condition", "technique", "benefit", "body_region", "clinic", "page", "per_page"]
SEARCH_ROUTES = ["/api/search", "/search", "/staff", "/"]
OTHER_ROUTES = ["/api/suggest", "/healthz", "/api/openapi.json", "/conditions", "/api/entries/", "/entries/"]
# Whoosh query syntax and friends: kb builds queries itself, so none of this may mean anything.
SYNTAX = ['"', "*", "?", "AND(", "OR", "NOT", "field:", "name:sciatica", "id:*", "kind:clinic", "(((", ")", "~2",
          "^5", "[a TO z]", "{x TO y}", "\\", "'", "sciatica~", "sci*", '"jaw pain"~3', "+", "-", "&&", "||", "<", ">",
          "/", "%", "%%", "%00", "\x00", "\u202e", "\u200b", "İ", "ß", "ﬁ", "🙂", "e\u0301", "\ud800".encode(
              "utf-8", "surrogatepass").decode("latin-1"), "<script>alert(1)</script>", "javascript:alert(1)",
          "' OR 1=1 --", "${7*7}", "{{7*7}}", "../../etc/passwd", "a" * 200, "*" * 200, "sciatica " * 22]
WORDS = ["sciatica", "jaw", "pain", "massage", "deep", "tissue", "phone", "headache", "sessions", "neck", "sleep",
         "plantar", "fasciitis", "tmj", "sciatia", "knee", "how", "many", "vs", "swedish", "clinic", "hours"]
FACET_VALUES = ["sciatica", "back", "neck", "jaw", "deep tissue massage", "better sleep", "condition", "technique"]
STATUS_OK = {200, 304}
STATUS_CLIENT = {400, 404, 405, 413}
FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def app(sample_data_dir: Path) -> Flask:
    return create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def check(response: Any, path: str, slowest: list[float] | None = None) -> None:
    """The response is not a 500, and is in the contract's shape for its route."""
    status = response.status_code
    assert status in STATUS_OK | STATUS_CLIENT, (status, path, response.get_data(as_text=True)[:300])
    json_route = path.startswith("/api/") or path == "/healthz"
    if json_route:
        assert response.mimetype == "application/json", path
        body = response.get_json()
        if status >= 400:
            assert set(body) == ERROR_KEYS, body
            assert body["ok"] is False and body["status"] == status
            assert body["errors"] and all(isinstance(e, str) for e in body["errors"])
        elif path == "/api/search":
            assert set(body) == SEARCH_KEYS
    elif status != 304:
        assert response.mimetype == "text/html", path


def raw_value() -> st.SearchStrategy[str]:
    """A percent-encoded parameter value: text, Whoosh syntax, overlong strings, or arbitrary (invalid UTF-8) bytes."""
    text = st.one_of(
        st.text(max_size=60),
        st.sampled_from(SYNTAX),
        st.lists(st.sampled_from([*SYNTAX, "sciatica", "jaw", "massage", "phone"]), max_size=8).map(" ".join),
        st.text(min_size=MAX_QUERY_CHARS - 2, max_size=MAX_QUERY_CHARS + 3),
        st.text(alphabet="*?\"()[]{}:^~\\+-!&| ", max_size=40),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from(["0", "-1", "1", str(MAX_PAGE), str(MAX_PAGE + 1), str(MAX_PER_PAGE), "51", "1e3", "0x10",
                         " 3 ", "٣", "+5", "", "NaN", "inf", "10" * 40]),
    )
    encoded = text.map(lambda t: quote(t.encode("utf-8", "surrogatepass"), safe=""))
    return st.one_of(encoded, encoded, encoded, st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe="")))


def query_string() -> st.SearchStrategy[str]:
    """Any parameters at all, known names or not, each value anything."""
    names = st.one_of(st.sampled_from(PARAMS), st.sampled_from(PARAMS), st.text(min_size=1, max_size=8).map(
        lambda t: quote(t.encode("utf-8", "surrogatepass"), safe="")))
    pairs = st.lists(st.tuples(names, raw_value()), max_size=8)
    return pairs.map(lambda ps: "&".join(f"{n}={v}" for n, v in ps))


def _enc(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def search_string() -> st.SearchStrategy[str]:
    """Mostly plausible searches (real words mixed with syntax, valid pages, real facet values), some hostile."""
    words = st.lists(st.sampled_from([*WORDS, *WORDS, *SYNTAX]), min_size=1, max_size=6).map(" ".join)
    number = st.one_of(*[st.integers(1, 3).map(str)] * 3, st.integers(1, MAX_PER_PAGE).map(str), raw_value())
    facet = st.lists(st.one_of(*[st.sampled_from(FACET_VALUES)] * 3, st.text(max_size=20)).map(_enc), max_size=2)
    parts = st.fixed_dictionaries({"q": st.one_of(words.map(_enc), words.map(_enc), raw_value())}, optional={
        "page": number.map(lambda v: [v]), "per_page": number.map(lambda v: [v]),
        "kind": st.lists(st.one_of(*[st.sampled_from(KINDS)] * 4, st.text(max_size=10)).map(_enc), max_size=2),
        **{name: facet for name in ("condition", "technique", "benefit", "body_region", "clinic")}})

    def render(d: dict[str, Any]) -> str:
        return "&".join(f"{k}={v}" for k, vs in d.items() for v in ([vs] if isinstance(vs, str) else vs))

    return parts.map(render)


@given(route=st.sampled_from(SEARCH_ROUTES), qs=st.one_of(search_string(), search_string(), query_string()))
@FUZZ
def test_search_routes_never_500(client: FlaskClient, route: str, qs: str) -> None:
    started = time.monotonic()
    response = client.get(f"{route}?{qs}")
    check(response, route)
    assert time.monotonic() - started < 10, f"slow: {route}?{qs}"


@given(route=st.sampled_from(OTHER_ROUTES), tail=raw_value(), qs=query_string())
@FUZZ
def test_other_routes_never_500(client: FlaskClient, route: str, tail: str, qs: str) -> None:
    path = route + tail if route.endswith("/") else route
    response = client.get(f"{path}?{qs}")
    check(response, urlsplit(path).path)


@given(method=st.sampled_from(["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
       route=st.sampled_from(SEARCH_ROUTES + OTHER_ROUTES), body=st.binary(max_size=64),
       size=st.sampled_from([0, 100, 16 * 1024, 16 * 1024 + 1, 200_000]))
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
def test_other_methods_and_bodies_never_500(client: FlaskClient, method: str, route: str, body: bytes,
                                            size: int) -> None:
    data = (body * (size // max(len(body), 1) + 1))[:size] if body else b"x" * size
    response = client.open(route, method=method, data=data, content_type="application/json")
    assert response.status_code in STATUS_OK | STATUS_CLIENT | {204}, (method, route, size, response.status_code)
    if method != "HEAD" and response.status_code >= 400 and (route.startswith("/api/") or route == "/healthz"):
        assert set(response.get_json()) == ERROR_KEYS


@pytest.mark.parametrize("value", SYNTAX)
def test_every_whoosh_syntax_string_searches_or_fails_cleanly(client: FlaskClient, value: str) -> None:
    for route in ("/api/search", "/search", "/api/suggest"):
        response = client.get(route, query_string={"q": value})
        check(response, route)
        if len(value) <= MAX_QUERY_CHARS:
            assert response.status_code == 200, (route, value)


def test_limits_are_enforced_with_the_error_shape(client: FlaskClient) -> None:
    cases = {
        f"/api/search?q={'a' * (MAX_QUERY_CHARS + 1)}": 400,
        f"/api/search?q=jaw&per_page={MAX_PER_PAGE + 1}": 400,
        "/api/search?q=jaw&per_page=0": 400,
        f"/api/search?q=jaw&page={MAX_PAGE + 1}": 400,
        f"/api/search?q=jaw&page={MAX_PAGE}": 404,  # past the last page of results
        "/api/search?q=jaw&kind=nope": 400,
        "/api/search?q=jaw&" + "&".join(f"condition=c{i}" for i in range(21)): 400,
        f"/api/search?q=jaw&clinic={'c' * 121}": 400,
        f"/api/suggest?q={'a' * (MAX_QUERY_CHARS + 1)}": 400,
    }
    for url, status in cases.items():
        response = client.get(url)
        assert response.status_code == status, url
        check(response, urlsplit(url).path)
    big = client.get("/api/search?q=jaw", data=b"x" * (16 * 1024 + 1))
    assert big.status_code == 413
    check(big, "/api/search")
