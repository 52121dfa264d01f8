"""One error shape for JSON routes, a friendly page for HTML routes, and never a 500 for what a client sends."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.errors import NotFound
from index.params import ParamError
from index.store import StoreError
from web import knowledge_base

log = logging.getLogger("kb.web")


def wants_json() -> bool:
    """JSON routes answer errors in JSON; pages answer with a page."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, error: str, errors: list[str] | None = None) -> tuple[Response | str, int]:
    """The contract's error body for JSON routes, the error page for HTML routes."""
    if wants_json():
        body: dict[str, Any] = {"ok": False, "status": status, "error": error, "errors": errors or [error]}
        return jsonify(body), status
    return render_template("error.html", status=status, error=error, errors=errors or []), status


def public_reason(exc: StoreError) -> str:
    """The reason, without where the data directory is on disk (HTTP clients get it; operators know where)."""
    text = str(exc)
    root = knowledge_base().root
    for path in sorted({str(root.resolve()), str(root.absolute())}, key=len, reverse=True):  # longest first
        text = text.replace(path, "DATA_DIR")
    return text


def redacted_traceback(exc: BaseException) -> str:
    """Where an exception happened and its type, without its message (which may quote the query)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"Traceback (message withheld):\n{frames}{type(exc).__module__}.{type(exc).__qualname__}"


def init_app(app: Flask) -> None:
    """Register the error handlers, and refuse request bodies over MAX_CONTENT_LENGTH before any view runs."""

    @app.before_request
    def limit_body() -> None:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            abort(413, f"request bodies are limited to {limit} bytes; every route takes GET parameters")

    @app.errorhandler(ParamError)
    def param_error(exc: ParamError):
        return error_response(400, "invalid parameters", exc.errors)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error_response(404, str(exc), [str(exc)])

    @app.errorhandler(StoreError)
    def store_error(exc: StoreError):
        return error_response(503, "the knowledge base is not available", [public_reason(exc)])

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body, status = error_response(exc.code or 500, (exc.name or "error").lower(), [exc.description or ""])
        allow = dict(exc.get_headers()).get("Allow")  # a 405 says which methods the route takes
        return body, status, ({"Allow": allow} if allow else {})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # Log the path and where it failed only: query strings hold health searches and stay out of logs, and an
        # exception's message may quote them.
        log.error("unexpected error on %s %s\n%s", request.method, request.path, redacted_traceback(exc))
        return error_response(500, "internal error", ["something went wrong on our side"])
