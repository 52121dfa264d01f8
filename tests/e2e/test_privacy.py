"""Privacy: health searches never reach a log next to a client address, nor at all.

`kb serve` runs for real with its log captured; requests come from a second loopback address (127.0.0.2) so the
client's address is told apart from the server's own, and carry query text that must not appear anywhere.
"""

from __future__ import annotations

import logging
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from gunicorn.config import Config

from kb.local_server import free_port, kb_executable, wait_for
from web import create_app
from web.serve import ACCESS_LOG_FORMAT, PrivateLogger, redact

SECRET = "hivtestsecret"
SECRET2 = "pregnancysecret"
CLIENT_IP = "127.0.0.2"
FORWARDED_IP = "203.0.113.77"
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


def _request(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(CLIENT_IP, 0)) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _get(port: int, target: str, extra: str = "") -> int:
    head = _request(port, f"GET {target} HTTP/1.1\r\nHost: kb\r\nConnection: close\r\n{extra}\r\n".encode())
    return int(head.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def served_log(sample_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    """Run `kb serve`, make searches carrying SECRET, stop it, and hand back everything it logged."""
    data = tmp_path_factory.mktemp("privacy") / "kb-data"
    shutil.copytree(sample_data_dir, data)
    port = free_port()
    kb = kb_executable()
    log_path = data.parent / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([kb, "serve", "--data-dir", str(data), "--port", str(port), "--workers", "2"],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            forwarded = (f"X-Forwarded-For: {FORWARDED_IP}\r\nX-Real-IP: {FORWARDED_IP}\r\n"
                         f"Referer: /search?q={SECRET}\r\n")
            statuses = [
                _get(port, f"/api/search?q={SECRET}+sciatica", forwarded),
                _get(port, f"/search?q={SECRET}&kind=condition"),
                _get(port, f"/staff?q={SECRET}+phone"),
                _get(port, f"/api/suggest?q={SECRET}"),
                _get(port, f"/api/search?q={SECRET}&per_page=999"),  # a 400
                _get(port, f"/search?q={SECRET}&page=100"),  # a 404
                _get(port, f"/no-such-page?q={SECRET}"),
            ]
            # A malformed request line: gunicorn itself logs these, with the client address and the raw line.
            _request(port, f"GET /api/search?q={SECRET} {SECRET2} HTTP/1.1\r\nHost: kb\r\n\r\n".encode())
            _request(port, f"GET /search?q={SECRET}\x01 HTTP/1.1\r\nHost: kb\r\n\r\n".encode())
            time.sleep(0.5)  # let the workers flush their access lines
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    yield log_path.read_text(encoding="utf-8", errors="replace"), statuses


def test_the_server_answered_and_logged_each_request(served_log: tuple[str, list[int]]) -> None:
    log, statuses = served_log
    assert statuses == [200, 200, 200, 200, 400, 404, 404]
    assert '"GET /api/search" 200' in log and '"GET /api/suggest" 200' in log and '"GET /search" 404' in log


def test_no_query_text_in_the_log(served_log: tuple[str, list[int]]) -> None:
    log, _ = served_log
    assert SECRET not in log and SECRET2 not in log
    assert "?q=" not in log


def test_no_client_address_in_the_log(served_log: tuple[str, list[int]]) -> None:
    log, _ = served_log
    assert CLIENT_IP not in log and FORWARDED_IP not in log
    for line in log.splitlines():
        if "Listening at" not in line:  # the server's own bind address
            assert not IPV4.search(line), line
    assert "[address withheld]" in log  # gunicorn did try to log the malformed requests' address


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


def test_application_errors_are_logged_without_the_query(sample_data_dir: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    app: Flask = create_app({"DATA_DIR": str(sample_data_dir)})

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
