"""Security, CORS and cache headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

from web.scope import current_site

# No inline script or style anywhere: pages load /static/*.js and /static/app.css only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"
API_MAX_AGE = 60
STATIC_MAX_AGE = 3600
EMBED_PATHS = ("/embed.js", "/static/embed.css")


def is_json_route(path: str) -> bool:
    """The JSON API and the health check (CORS, public caching)."""
    return path.startswith("/api/") or path == "/healthz"


def allowed_origin() -> str | None:
    """The JSON routes' Access-Control-Allow-Origin: any origin for the whole knowledge base; in a site's scope
    only that site's own origins (its pages embed the search), so no other page can call the API as that site."""
    site = current_site()
    if site is None:
        return "*"
    origin = request.headers.get("Origin", "")
    return origin if origin in site.origins else None


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
                allowed = allowed_origin()
                if allowed is not None:
                    h["Access-Control-Allow-Origin"] = allowed
                    h["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                    h["Access-Control-Max-Age"] = "86400"
                if current_site() is not None:
                    h.add("Vary", "Origin")
            if request.path == "/healthz" or response.status_code >= 400:
                h["Cache-Control"] = "no-store"
            else:
                h["Cache-Control"] = f"public, max-age={API_MAX_AGE}"
                response.add_etag()
                response.make_conditional(request)
        elif request.path in EMBED_PATHS:
            h.setdefault("Cross-Origin-Resource-Policy", "cross-origin")  # loaded by clinics' pages (web/embed.py)
            h["Access-Control-Allow-Origin"] = "*"  # public files: readable with crossorigin/SRI, and by checkers
            if request.path.startswith("/static/"):
                h["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        else:
            h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            if request.path.startswith("/static/"):
                h["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
            else:
                # Pages show health searches: keep them out of shared caches.
                h.setdefault("Cache-Control", "private, no-cache")
        return response
