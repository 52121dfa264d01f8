"""The Flask app: patient search, staff lookup, entry pages and the JSON API, from one `create_app` factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

from index.notices import country_numbers
from kb.config import resolve_data_dir, resolve_emergency_country
from kb.knowledge import KnowledgeBase, Version
from kb.model import display_phone
from web.links import article_url, entry_url

MAX_REQUEST_BYTES = 16 * 1024  # every route is GET; a body is never needed


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then KB_-prefixed environment variables, then `config` (tests)."""
    app = Flask(__name__)
    app.config.update(DATA_DIR=str(resolve_data_dir()), MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
                      JSON_SORT_KEYS=False, CLINIC_NAME="Clinic knowledge base",
                      EMERGENCY_COUNTRY=resolve_emergency_country(), HOSTS="")
    app.config.from_prefixed_env("KB")
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.add_template_filter(display_phone, "phone")
    app.extensions["kb"] = KnowledgeBase(Path(app.config["DATA_DIR"]), entry_url=entry_url, article_url=article_url,
                                         emergency_country=str(app.config["EMERGENCY_COUNTRY"] or ""))

    from web import api, embed, errors, headers, pages, scope

    country = str(app.config["EMERGENCY_COUNTRY"] or "")

    @app.context_processor
    def emergency() -> dict[str, str]:
        """The emergency number of the clinic's country (the site's, in a site's scope), for every page's footer."""
        site = scope.current_site()
        return {"emergency_number": str(country_numbers((site and site.country) or country)[1]["emergency"])}

    scope.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(embed.bp)
    errors.init_app(app)
    headers.init_app(app)
    return app


def knowledge_base() -> KnowledgeBase:
    """The app's knowledge base (one per process, its index opened on first use)."""
    kb: KnowledgeBase = current_app.extensions["kb"]
    return kb


def current() -> Version:
    """The index version this request reads, in the request's site's scope: taken once per request and kept on
    `g`, so a page never mixes two versions when a new one is published mid-request (StoreError when there is
    none)."""
    if "kb_version" not in g:
        g.kb_version = knowledge_base().current(g.get("kb_site"))
    version: Version = g.kb_version
    return version
