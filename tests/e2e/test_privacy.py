"""Privacy: health searches never reach a log next to a client address, nor at all.

`kb serve` runs for real with its log captured (a server of this module's own, from tests/e2e/conftest.py); requests
come from a second loopback address (127.0.0.2) so the client's address is told apart from the server's own, and
carry query text that must not appear anywhere. How the logger redacts is checked without a server in
tests/unit/test_privacy_logging.py.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from typing import Any

import pytest

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
def served_log(kb_server: Callable[..., Any]) -> tuple[str, list[int]]:
    """A `kb serve` of this module's own: make searches carrying SECRET, stop it, and hand back everything it
    logged."""
    server = kb_server("privacy", workers=2)
    port = server.port
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
    server.stop()  # the workers finish and flush their access lines; the log is complete
    return server.log(), statuses


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
