"""`GET /embed.js`: the script a clinic's own page includes with one tag to embed kb's search (web/static/embed.js,
with web/static/embed.css)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Response, request

bp = Blueprint("embed", __name__)

EMBED_MAX_AGE = 3600
SCRIPT = Path(__file__).resolve().parent / "static" / "embed.js"


@cache
def _script() -> bytes:
    return SCRIPT.read_bytes()


@bp.get("/embed.js")
def embed_js() -> Response:
    """The embed script: static, the same for every site (the tag's `data-site` names the site)."""
    response = Response(_script(), mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={EMBED_MAX_AGE}"
    response.add_etag()
    response.make_conditional(request)
    return response
