"""JSON API: search, entries, suggestions, health and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from index.params import ParamError
from index.query import MAX_QUERY_CHARS
from web import knowledge_base
from web.openapi import openapi_document
from web.searching import params_from

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> Response:
    """The contract's search object; the body is cached per index version and query string."""
    kb = knowledge_base()
    # Search traffic repeats: a repeated query costs a dictionary look-up, not a search and a serialisation (and a
    # query another worker answered, a look-up in the version's shared cache).
    body = kb.snapshot().cached(("api-search", request.query_string),
                                lambda: kb.search_json(params_from(request.args)) + b"\n")
    return Response(body, mimetype="application/json")


@bp.get("/api/entries/<entry_id>")
def entry(entry_id: str) -> Response:
    """One entry: every field, every source, related entries."""
    return jsonify(knowledge_base().entry(entry_id))


@bp.get("/api/suggest")
def suggest() -> Response:
    """Prefix suggestions over entry names and aliases."""
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError([f"q must be at most {MAX_QUERY_CHARS} characters, got {len(q)}"])
    return jsonify(knowledge_base().suggest(q))


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """ok with the entry count and index version, or 503 with the reason."""
    status, body = knowledge_base().health()
    return jsonify(body), status
