"""End to end: `kb serve` (gunicorn) on a free loopback port, queried over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.e2e
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
                          "notice", "topics"]
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
