"""The OpenAPI 3.1 description of the JSON API."""

from __future__ import annotations

from typing import Any, cast

from index.params import DEFAULT_PER_PAGE, MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_VALUE_CHARS, RESULT_KINDS
from index.query import MAX_QUERY_CHARS
from index.schema import FACETS
from kb.model import KINDS
from web import MAX_REQUEST_BYTES
from web.serve import REQUEST_FIELDS_LIMIT, REQUEST_LINE_LIMIT

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
SOURCE = {"type": "object", "required": ["article_id", "title", "path", "url", "clinic", "section", "sentence"],
          "properties": {"article_id": _STR, "title": _STR, "path": _STR, "url": _NSTR, "clinic": _NSTR,
                         "section": _STR, "sentence": _STR}}
ERROR = {"type": "object", "required": ["ok", "status", "error", "errors"],
         "properties": {"ok": {"const": False}, "status": {"type": "integer"}, "error": _STR,
                        "errors": {"type": "array", "items": _STR}}}
RESULT = {"type": "object",
          "required": ["id", "kind", "name", "summary", "snippet", "score", "url", "facets", "sources", "source_count"],
          "properties": {"id": _STR, "kind": {"enum": list(RESULT_KINDS)}, "name": _STR, "summary": _STR,
                         "snippet": {"type": "string", "description": "HTML: escaped article text, matches in <mark>"},
                         "score": {"type": "number"},
                         "url": {"type": "string", "description": "The entry's page, or the article's page with the "
                                                                  "best section's fragment (#s2)"},
                         "section": {"type": ["string", "null"],
                                     "description": "Article results: the anchor of the best-matching section"},
                         "facets": {"type": "object", "additionalProperties": {"type": "array", "items": _STR}},
                         "sources": {"type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/Source"}},
                         "source_count": {"type": "integer"},
                         "contact": {"type": ["object", "null"],
                                     "description": "Clinic entries: names, addresses, phones (E.164), emails, hours "
                                                    "and websites, each value with the page parts it was seen in"}}}
CLINIC = {"type": "object", "required": ["id", "name", "phone"],
          "properties": {"id": _STR, "name": _STR, "phone": _NSTR, "phone_display": _NSTR, "address": _NSTR,
                         "email": _NSTR, "hours": {"type": "array", "items": _STR}}}
SEARCH = {"type": "object",
          "required": ["query", "corrected_query", "total", "page", "per_page", "results", "facets", "answer",
                       "notice"],
          "properties": {
              "query": _STR, "corrected_query": _NSTR, "total": {"type": "integer"},
              "page": {"type": "integer"}, "per_page": {"type": "integer"},
              "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
              "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {
                  "type": "object", "required": ["value", "count", "selected"],
                  "properties": {"value": _STR, "count": {"type": "integer"}, "selected": {"type": "boolean"}}}}},
              "answer": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["entry_id", "text", "sources"],
                         "properties": {
                             "entry_id": _STR, "kind": {"enum": list(RESULT_KINDS)},
                             "url": _NSTR,
                             "fact": {"type": "string", "description": "A front-desk question's topic (price, "
                                                                       "insurance, hours…; kb/data/desk_facts.yaml)"},
                             "text": {"type": "string", "description": "Facts from the articles, never composed: "
                                                                       "shown under the quote, short"},
                             "quote": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                                 "sentence": _STR, "title": _STR, "path": _STR, "url": _NSTR}}]},
                             "clinics": {"type": "array", "items": CLINIC},
                             "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}}]},
              "notice": {"oneOf": [{"type": "null"}, {"type": "object", "required": ["kind", "message"],
                         "properties": {"kind": {"enum": ["emergency", "no_results"]}, "message": _STR,
                                        "id": {"type": "string", "description": "emergency: the red flag's id"},
                                        "country": {"type": "string", "description": "emergency: whose numbers"},
                                        "calls": {"type": "array", "description": "emergency: numbers to call",
                                                  "items": {"type": "object", "required": ["label", "number", "tel"],
                                                            "properties": {"label": _STR, "number": _STR,
                                                                           "tel": _STR}}},
                                        "source": {"type": "object", "description": "emergency: the public source",
                                                   "properties": {"title": _STR, "url": _STR}},
                                        "suggestions": {"type": "array", "description": "no_results: topics covered",
                                                        "items": {"type": "object", "properties": {
                                                            "text": _STR, "id": _STR, "kind": _STR}}}}}]},
              "topics": {"type": "array", "description": "With no query and no filter: the topics most articles "
                                                        "discuss (the welcome page's); else empty",
                         "items": {"type": "object", "required": ["text", "id", "kind"],
                                   "properties": {"text": _STR, "id": _STR, "kind": _STR}}}}}
SEARCH["required"] = [*SEARCH["required"], "topics"]
ENTRY = {"type": "object", "required": ["id", "kind", "name", "sources", "related"],
         "properties": {"id": _STR, "kind": {"enum": list(KINDS)}, "name": _STR, "summary": _STR,
                        "aliases": {"type": "array", "items": _STR},
                        "body_region": {"type": "array", "items": _STR},
                        "icd10": {"oneOf": [{"type": "null"}, {"type": "object",
                                                               "properties": {"code": _STR, "title": _STR}}]},
                        "discovered": {"type": "boolean"},
                        "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}},
                        "related": {"type": "array", "items": {"type": "object", "properties": {
                            "id": _STR, "kind": _STR, "name": _STR, "article_id": _STR, "sentence": _STR}}},
                        "contact": {"type": ["object", "null"]},
                        "cautions": {"type": "array", "description": "Clinic entries: sentences of its articles that "
                                     "warn, exclude, refer elsewhere or talk billing (never conditions it treats)",
                                     "items": {"type": "object", "required": ["sentence", "title", "path"],
                                               "properties": {"article_id": _STR, "title": _STR, "path": _STR,
                                                              "url": _NSTR, "section": _STR, "sentence": _STR,
                                                              "names": {"type": "array", "items": _STR}}}},
                        "clinics": {"type": "array", "items": CLINIC,
                                    "description": "The contacts of the clinics whose articles name this entry"}}}
CONDITIONS = {"type": "object", "required": ["region", "total", "shown", "regions", "letters"],
              "properties": {
                  "region": _NSTR, "total": {"type": "integer"}, "shown": {"type": "integer"},
                  "regions": {"type": "array", "items": {"type": "object", "required": ["value", "count", "selected"],
                              "properties": {"value": _STR, "count": {"type": "integer"},
                                             "selected": {"type": "boolean"}}}},
                  "letters": {"type": "array", "items": {"type": "object", "required": ["letter", "entries"],
                              "properties": {"letter": _STR, "entries": {"type": "array", "items": {
                                  "type": "object", "required": ["id", "name", "source_count", "body_region"],
                                  "properties": {"id": _STR, "name": _STR, "url": _STR,
                                                 "source_count": {"type": "integer"},
                                                 "body_region": {"type": "array", "items": _STR}}}}}}}}}


ARTICLE = {"type": "object", "required": ["id", "kind", "title", "url", "path", "clinic", "sections", "entries"],
           "properties": {"id": _STR, "kind": {"const": "article"}, "title": _STR, "url": _NSTR, "path": _STR,
                          "clinic": _NSTR, "page": _NSTR,
                          "sections": {"type": "array", "items": {"type": "object", "properties": {
                              "anchor": _STR, "heading": _STR, "level": {"type": "integer"},
                              "blocks": {"type": "array", "items": {"type": "object", "properties": {
                                  "kind": {"enum": ["paragraph", "item"]},
                                  "sentences": {"type": "array", "items": _STR}}}}}}},
                          "entries": {"type": "array", "items": {"type": "object", "properties": {
                              "id": _STR, "kind": _STR, "name": _STR, "url": _STR}}}}}


SITE = {"oneOf": [{"type": "null"}, {
    "type": "object", "required": ["id", "name", "phone", "phone_display", "tel", "booking", "country"],
    "description": "In a site's scope (its Host or `site`): the site and its calls to action; else null",
    "properties": {"id": _STR, "name": _STR, "phone": _NSTR, "phone_display": _NSTR, "tel": _NSTR, "booking": _NSTR,
                   "country": _NSTR}}]}
SITE_PARAM = {"name": "site", "in": "query", "required": False, "allowEmptyValue": True,  # empty: no site
              "description": "A site's id: the request sees that site's articles only, with its calls to action "
                             "(a host of the site scopes requests the same way); an unknown site is a 404",
              "schema": {"type": "string", "maxLength": 200}}
for _schema in (SEARCH, ENTRY, CONDITIONS):
    cast(dict[str, Any], _schema["properties"])["site"] = SITE
cast(dict[str, Any], ARTICLE["properties"])["site"] = {"type": ["string", "null"],
                                                       "description": "The site the article is shown for"}


def _scoped(paths: dict[str, Any], sites: list[str]) -> dict[str, Any]:
    """Every operation takes `site` (one of `sites`, those this deployment serves), and answers 404 for an unknown
    site (or a host that serves no site)."""
    param = {**SITE_PARAM, "schema": {"type": "string", "enum": sites}} if sites else SITE_PARAM
    for path in paths.values():
        op = path["get"]
        op["parameters"] = [*op.get("parameters", []), param]
        found = op["responses"].get("404")
        op["responses"]["404"] = _error((found["description"] + ", or " if found else "") + "no such site or host")
    return paths


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _by_id(operation: str, summary: str, schema: str) -> dict[str, Any]:
    """The operation of a route that returns one object by its id (an entry, an article)."""
    return {"get": {"operationId": operation, "summary": summary,
                    "parameters": [{"name": "id", "in": "path", "required": True,
                                    "schema": {"type": "string", "maxLength": 200}}],
                    "responses": _responses({"200": _ok(f"The {operation}", {"$ref": f"#/components/schemas/{schema}"}),
                                             "404": _error(f"No such {operation}"),
                                             "503": _error("No usable index")})}}


def _responses(own: dict[str, Any], *, cached: bool = True) -> dict[str, Any]:
    """An operation's own responses, then those any request can get from the app or from gunicorn."""
    html = {"text/html": {"schema": {"type": "string", "description": "gunicorn's error page"}}}
    return {
        **own,
        # web/headers.py gives successful JSON answers but /healthz's an ETag, and answers If-None-Match with 304.
        **({"304": {"description": "Not modified: If-None-Match named the current ETag"}} if cached else {}),
        # web/errors.py refuses bodies before any view runs; no operation takes one.
        "413": _error(f"A request body over {MAX_REQUEST_BYTES} bytes"),
        # gunicorn (web/serve.py) refuses these before the app sees the request, with an HTML page.
        "414": {"description": f"A request line over {REQUEST_LINE_LIMIT} bytes (e.g. many long non-ASCII facet "
                               "values, percent-encoded), refused by the WSGI server", "content": html},
        "431": {"description": f"More than {REQUEST_FIELDS_LIMIT} header fields, or one too long, refused by the WSGI "
                               "server", "content": html},
    }


def openapi_document(sites: list[str] | None = None) -> dict[str, Any]:
    """The API description (OpenAPI 3.1); `sites` are the values `site` takes here."""
    facet_params = [{"name": f, "in": "query", "required": False, "style": "form", "explode": True,
                     "description": f"Filter by {f} (repeatable: OR within {f}, AND across facets); repeats"
                                    f"{'' if f == 'kind' else ' and blanks'} count towards maxItems, then are ignored",
                     "schema": {"type": "array", "maxItems": MAX_FILTER_VALUES,
                                "items": {"enum": list(RESULT_KINDS)} if f == "kind" else {
                                    "type": "string", "maxLength": MAX_VALUE_CHARS}}}
                    for f in FACETS]
    search_params = [
        {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}},
        *facet_params,
        # An empty value means the default (index/params.py), as `allowEmptyValue` says.
        {"name": "page", "in": "query", "required": False, "allowEmptyValue": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "per_page", "in": "query", "required": False, "allowEmptyValue": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE}},
    ]
    return {
        "openapi": "3.1.0",
        "info": {"title": "kb: clinic knowledge-base search API", "version": "1.0.0",
                 "description": "Search conditions, techniques, benefits and clinics extracted from clinic "
                                "articles; every result cites its source sentences. Each operation lists every "
                                "status it can answer; a request that is not well-formed HTTP/1.1 gets the WSGI "
                                "server's HTML error page (400, 417 or 501) before any operation runs."},
        "paths": _scoped({
            "/api/search": {"get": {"operationId": "search", "summary": "Search entries",
                                    "parameters": search_params,
                                    "responses": _responses({
                                        "200": _ok("Search results", {"$ref": "#/components/schemas/Search"}),
                                        "400": _error("Invalid parameters"),
                                        "404": _error("Page past the last page"),
                                        "503": _error("No usable index")})}},
            "/api/entries/{id}": _by_id("entry", "One entry with every source", "Entry"),
            "/api/articles/{id}": _by_id("article", "One ingested article as kb read it", "Article"),
            "/api/suggest": {"get": {"operationId": "suggest", "summary": "Prefix suggestions",
                                     "parameters": [{"name": "q", "in": "query", "required": False,
                                                     "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS}}],
                                     "responses": _responses({
                                         "200": _ok("Suggestions", {
                                             "type": "object", "required": ["query", "suggestions"],
                                             "properties": {"query": _STR, "suggestions": {"type": "array", "items": {
                                                 "type": "object", "required": ["text", "id", "kind"],
                                                 "properties": {"text": _STR, "id": _STR, "kind": _STR}}}}}),
                                         "400": _error("Invalid parameters"),
                                         "503": _error("No usable index")})}},
            "/api/conditions": {"get": {"operationId": "conditions", "summary": "Conditions A–Z (the /conditions page)",
                                        "parameters": [{"name": "region", "in": "query", "required": False,
                                                        "schema": {"type": "string", "maxLength": 200}}],
                                        "responses": _responses({
                                            "200": _ok("The A–Z", {"$ref": "#/components/schemas/Conditions"}),
                                            "404": _error("No condition has this body region"),
                                            "503": _error("No usable index")})}},
            "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                          "responses": _responses({
                                              "200": _ok("OpenAPI document", {"type": "object"})})}},
            "/healthz": {"get": {"operationId": "health", "summary": "Service health",
                                 "responses": _responses({
                                     "200": _ok("Healthy", {
                                         "type": "object", "required": ["status", "entries", "index_version"],
                                         "properties": {"status": {"const": "ok"}, "entries": {"type": "integer"},
                                                        "index_version": _STR}}),
                                     "503": _error("No usable index (the error shape, plus `reason`)")},
                                     cached=False)}},
        }, sites or []),
        "components": {"schemas": {"Source": SOURCE, "Error": ERROR, "Result": RESULT, "Search": SEARCH,
                                   "Entry": ENTRY, "Conditions": CONDITIONS, "Article": ARTICLE}},
    }
