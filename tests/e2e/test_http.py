"""End to end: `kb serve` (gunicorn) on a free loopback port, queried over real HTTP, well-formed and not."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

SEEDS = {"000_bdca583351179dba.txt", "004_106da2731041b397.txt"}


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_api_search_over_http(live_server: str) -> None:
    status, headers, body = get(live_server + "/api/search?q=sciatica")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert list(data) == ["query", "corrected_query", "total", "page", "per_page", "results", "facets", "answer",
                          "notice", "topics", "site"]
    top = data["results"][0]
    assert (top["id"], top["kind"], top["name"]) == ("condition-sciatica", "condition", "Sciatica")
    assert {s["path"] for s in top["sources"]} >= SEEDS


def test_search_page_shows_sciatica_citing_both_seeds(live_server: str) -> None:
    status, _, body = get(live_server + "/search?q=sciatica")
    page = BeautifulSoup(body, "lxml")
    assert status == 200
    first = page.select_one(".result")
    assert first is not None and first.select_one("h3").get_text(strip=True) == "Sciatica"
    status, _, body = get(live_server + "/entries/condition-sciatica")
    text = BeautifulSoup(body, "lxml").get_text(" ")
    assert "The Benefits of Neuromuscular Massage Therapy for Back Pain" in text
    assert "Why Would You Need a Neuromuscular Massage?" in text


def test_errors_and_health_over_http(live_server: str) -> None:
    status, _, body = get(live_server + "/api/search?per_page=0")
    assert status == 400 and json.loads(body)["ok"] is False
    status, _, body = get(live_server + "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"


def _raw(base: str, payload: bytes) -> bytes:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_malformed_raw_requests_to_the_real_server_never_500(live_server: str) -> None:
    payloads = [
        b"GET /api/search?q=%ff%fe%00jaw HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /api/entries/%c0%af..%c0%af HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /search?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # over gunicorn's request line limit
        b"GET /api/search?q=jaw HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\n\r\nabc",
        b"POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"GET /api/search?q=jaw pain HTTP/1.1\r\nHost: x\r\n\r\n",
        b"BREW /api/search HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    for payload in payloads:
        head = _raw(live_server, payload).split(b"\r\n", 1)[0]
        assert head.startswith(b"HTTP/1.1 ") and not head.startswith(b"HTTP/1.1 5"), (payload[:60], head)
