"""Security, CORS and cache headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
API_MAX_AGE = 60


def init_app(app: Flask) -> None:
    """Add the headers after each request."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        # Health searches live in URLs: never send them to another site as a referrer.
        h.setdefault("Referrer-Policy", "no-referrer")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith("/api/") or request.path == "/healthz":
            if request.method in ("GET", "HEAD", "OPTIONS"):
                h["Access-Control-Allow-Origin"] = "*"
                h["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            if request.path == "/healthz" or response.status_code >= 500:
                h["Cache-Control"] = "no-store"
            elif response.status_code < 400:
                h["Cache-Control"] = f"public, max-age={API_MAX_AGE}"
                response.add_etag()
                response.make_conditional(request)
        elif request.path.startswith("/static/"):
            h.setdefault("Cache-Control", "public, max-age=3600")
        else:
            # Pages show health searches: keep them out of shared caches.
            h.setdefault("Cache-Control", "private, no-cache")
        return response
