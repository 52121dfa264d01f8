"""/api/openapi.json is valid OpenAPI 3.1, lists every JSON route, and real responses match its schemas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from index.schema import FACETS
from web import create_app

DOC_URI = "urn:kb:openapi"


@pytest.fixture(scope="module")
def app(sample_data_dir: Path):
    """One app for the module: these tests only read."""
    return create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True})


@pytest.fixture(scope="module")
def doc(app) -> dict[str, Any]:
    with app.test_client() as client:
        response = client.get("/api/openapi.json")
        assert response.status_code == 200 and response.mimetype == "application/json"
        document: dict[str, Any] = response.get_json()
    return document


def validator(doc: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A validator for the schema at `pointer` in the document, its `$ref`s resolved within the document."""
    registry: Registry[Any] = Registry().with_resource(DOC_URI, Resource.from_contents(
        doc, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{DOC_URI}#{pointer}"}, registry=registry)


def response_validator(doc: dict[str, Any], path: str, status: int) -> Draft202012Validator:
    """A validator for the response schema the document gives `path` and `status`."""
    return validator(doc, f"/paths/{path.replace('/', '~1')}/get/responses/{status}/content/application~1json/schema")


def assert_valid(doc: dict[str, Any], path: str, response) -> None:
    body = response.get_json()
    assert response.mimetype == "application/json"
    errors = sorted(response_validator(doc, path, response.status_code).iter_errors(body), key=str)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


def test_the_document_is_valid_openapi_3_1(doc):
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_the_document_lists_every_json_route(app, doc):
    routes = {re.sub(r"<\w+>", "{id}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/") or rule.rule == "/healthz"}
    assert routes == set(doc["paths"])


def test_search_parameters_are_the_contracts(doc):
    params = [p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]]
    assert sorted(params) == sorted(["q", *FACETS, "page", "per_page", "site"])  # CONTRACT.md: every route takes `site`


@pytest.mark.parametrize("query", [
    "q=sciatica", "q=massage&page=2", "q=massage&kind=technique&clinic=Northgate+Massage+%26+Wellness",
    "q=plantar+fasciitis+phone", "q=sciatia", "q=xyzzy", "q=crushing+chest+pain", "kind=clinic", "", "per_page=50&q=a",
])
def test_search_responses_match_the_schema(client, doc, query):
    assert_valid(doc, "/api/search", client.get(f"/api/search?{query}"))


def test_every_entry_matches_the_schema(client, doc, sample_kb):
    ids = [e["id"] for e in sample_kb.entries()]
    assert len({i.split("-", 1)[0] for i in ids}) == 4  # every kind is checked
    for entry_id in ids:
        assert_valid(doc, "/api/entries/{id}", client.get(f"/api/entries/{entry_id}"))


@pytest.mark.parametrize("prefix", ["sci", "pl", "x", "", "deep t"])
def test_suggestions_match_the_schema(client, doc, prefix):
    assert_valid(doc, "/api/suggest", client.get(f"/api/suggest?q={prefix}"))


def test_health_matches_the_schema(client, doc):
    assert_valid(doc, "/healthz", client.get("/healthz"))


@pytest.mark.parametrize(("path", "url", "status"), [
    ("/api/search", "/api/search?page=0", 400),
    ("/api/search", "/api/search?kind=bogus&per_page=99", 400),
    ("/api/search", "/api/search?q=" + "a" * 201, 400),
    ("/api/search", "/api/search?q=massage&page=99", 404),
    ("/api/entries/{id}", "/api/entries/no-such-entry", 404),
    ("/api/suggest", "/api/suggest?q=" + "a" * 201, 400),
])
def test_error_bodies_match_the_schema(client, doc, path, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_valid(doc, path, response)
    assert response.get_json()["status"] == status


def test_every_error_has_one_shape_even_unknown_routes(client, doc):
    error = validator(doc, "/components/schemas/Error")
    for method, url, status in [("get", "/api/nope", 404), ("post", "/api/search", 405)]:
        response = getattr(client, method)(url)
        assert response.status_code == status
        assert list(error.iter_errors(response.get_json())) == []


def test_a_wrong_body_fails_validation(doc):
    """The check above can fail: a search object without `total` is rejected."""
    validator = response_validator(doc, "/api/search", 200)
    body = {"query": "", "corrected_query": None, "page": 1, "per_page": 10, "results": [], "facets": {},
            "answer": None, "notice": None, "topics": []}
    assert [e.message for e in validator.iter_errors(body)] == ["'total' is a required property"]
