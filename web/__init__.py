"""The Flask app: patient search, staff lookup, entry pages and the JSON API, from one `create_app` factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from ingest.contacts import display_phone
from kb.config import resolve_data_dir
from kb.knowledge import KnowledgeBase

MAX_REQUEST_BYTES = 16 * 1024  # every route is GET; a body is never needed


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then KB_-prefixed environment variables, then `config` (tests)."""
    app = Flask(__name__)
    app.config.update(DATA_DIR=str(resolve_data_dir()), MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
                      JSON_SORT_KEYS=False, CLINIC_NAME="Clinic knowledge base",
                      SHARED_CACHE_DIR=None)
    app.config.from_prefixed_env("KB")
    if config:
        app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.add_template_filter(display_phone, "phone")
    # `kb serve`'s workers share search results through files in a folder of the server's (index/shared_cache.py).
    shared = app.config["SHARED_CACHE_DIR"]
    app.extensions["kb"] = KnowledgeBase(Path(app.config["DATA_DIR"]), shared_cache=Path(shared) if shared else None)

    from web import api, errors, headers, pages

    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.init_app(app)
    headers.init_app(app)
    return app


def knowledge_base() -> KnowledgeBase:
    """The app's knowledge base (one per process, opened on first use)."""
    from flask import current_app

    kb: KnowledgeBase = current_app.extensions["kb"]
    return kb
