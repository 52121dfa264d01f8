"""Security, CORS and cache headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

# No inline script or style anywhere: pages load /static/*.js and /static/app.css only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
API_MAX_AGE = 60
STATIC_MAX_AGE = 3600


def is_json_route(path: str) -> bool:
    """The JSON API and the health check (CORS, public caching)."""
    return path.startswith("/api/") or path == "/healthz"


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
        h.setdefault("Permissions-Policy", PERMISSIONS)
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if is_json_route(request.path):
            h.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
            if request.method in ("GET", "HEAD", "OPTIONS"):
                h["Access-Control-Allow-Origin"] = "*"
                h["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                h["Access-Control-Max-Age"] = "86400"
            if request.path == "/healthz" or response.status_code >= 400:
                h["Cache-Control"] = "no-store"
            else:
                h["Cache-Control"] = f"public, max-age={API_MAX_AGE}"
                response.add_etag()
                response.make_conditional(request)
        else:
            h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            if request.path.startswith("/static/"):
                h["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
            else:
                # Pages show health searches: keep them out of shared caches.
                h.setdefault("Cache-Control", "private, no-cache")
        return response
