"""Privacy without a server: gunicorn's logger as `kb serve` configures it, and the app's own error log, never hold
query text or a client address. (tests/e2e/test_privacy.py reads the log of a real server.)"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask
from gunicorn.config import Config

from web import create_app
from web.serve import ACCESS_LOG_FORMAT, PrivateLogger, redact

SECRET = "hivtestsecret"


def test_redaction_covers_gunicorn_messages_and_tracebacks(tmp_path: Path) -> None:
    cfg = Config()
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = PrivateLogger(cfg)
    logger.warning(f"Invalid request from ip=10.1.2.3: Invalid HTTP request line: 'GET /search?q={SECRET} x HTTP/1.1'")
    try:
        raise ValueError(f"bad value in /api/search?q={SECRET} from 2001:db8::7")
    except ValueError:
        logger.exception("Error handling request %s %s", "GET", f"/api/search?q={SECRET}")
    logger.info("Listening at: http://127.0.0.1:8000 (1)")
    for handler in logger.error_log.handlers + logger.access_log.handlers:
        handler.close()
    text = (tmp_path / "error.log").read_text()
    assert SECRET not in text and "10.1.2.3" not in text and "2001:db8::7" not in text
    assert "Invalid request from ip=[address withheld]: Invalid HTTP request line: [request text withheld]" in text
    assert "Error handling request GET /api/search?[query withheld]" in text
    assert "Listening at: http://127.0.0.1:8000" in text
    assert redact("GET /search HTTP/1.1 took 3.2s, is it ok? yes") == "GET /search HTTP/1.1 took 3.2s, is it ok? yes"


def test_application_errors_are_logged_without_the_query(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app: Flask = create_app({"DATA_DIR": str(tmp_path)})  # the route below reads no index

    def boom() -> str:
        from flask import request
        raise RuntimeError(f"cannot handle {request.args.get('q')}")

    app.add_url_rule("/api/boom", "boom", boom)
    with caplog.at_level(logging.ERROR, logger="kb.web"):
        response = app.test_client().get(f"/api/boom?q={SECRET}")
    assert response.status_code == 500
    assert response.get_json() == {"ok": False, "status": 500, "error": "internal error",
                                   "errors": ["something went wrong on our side"]}
    assert "unexpected error on GET /api/boom" in caplog.text
    assert "RuntimeError" in caplog.text and "in boom" in caplog.text
    assert SECRET not in caplog.text
