"""JSON API: search, entries, suggestions, the A–Z, health and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from index.params import ParamError
from index.query import MAX_QUERY_CHARS
from index.store import StoreError
from web import current
from web.errors import public_reason
from web.openapi import openapi_document
from web.scope import served_sites
from web.searching import params_from

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search() -> Response:
    """The contract's search object (its JSON made once per index version and query, shared with /search)."""
    return Response(current().search(params_from(request.args)).json, mimetype="application/json")


@bp.get("/api/entries/<entry_id>")
def entry(entry_id: str) -> Response:
    """One entry: every field, every source, related entries and the contacts of its clinics."""
    return jsonify(current().entry(entry_id))


@bp.get("/api/articles/<article_id>")
def article(article_id: str) -> Response:
    """One ingested article: title, url, path, clinic, its sections as kb read them and the entries it names."""
    return jsonify(current().article(article_id))


@bp.get("/api/suggest")
def suggest() -> Response:
    """Prefix suggestions over entry names and aliases."""
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError([f"q must be at most {MAX_QUERY_CHARS} characters, got {len(q)}"])
    return jsonify(current().suggest(q))


@bp.get("/api/conditions")
def conditions() -> Response:
    """The A–Z of conditions (the object /conditions renders); `region` narrows it to one body region."""
    return jsonify(current().conditions(request.args.get("region", "")))


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """OpenAPI 3.1 description of this API (in a site's scope, `site` takes that site alone)."""
    return jsonify(openapi_document(served_sites()))


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """ok with the entry count and index version, or 503 in the error shape with the reason."""
    try:
        version = current()
    except StoreError as exc:
        reason = public_reason(exc)
        return jsonify({"ok": False, "status": 503, "error": "the knowledge base is not available",
                        "errors": [reason], "reason": reason, "entries": 0, "index_version": None}), 503
    return jsonify({"status": "ok", "entries": version.entry_count, "index_version": version.index_version}), 200
