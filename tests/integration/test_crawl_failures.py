"""Websites that fail: a name that does not resolve, a refused connection, a TLS error, a 500 on every page,
a redirect loop, a slow server, an endless calendar, a gzip bomb, a page of 50 MB. Each ends in a reason, never a
hang or a traceback, and a failed ingest leaves the live version serving. Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from crawl_server import Route, Site, endless, gzip_bomb, page, redirect, slow, trickle

from kb.cli import main
from kb.local_server import free_port

pytestmark = pytest.mark.integration

ARTICLE = ("Our massage therapists treat back pain, neck pain and sciatica with deep tissue massage and "
           "therapeutic exercise. Every plan starts with an assessment, and most patients feel less pain within "
           "a few visits; we explain each step and give you stretches to do at home between sessions.",)


def run(data: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["ingest", *args, "--json", "--data-dir", str(data)])


def reasons(result: Result) -> dict[str, str]:
    report: dict[str, Any] = json.loads(result.stdout)
    return {s["path"]: s["reason"] for s in report["skipped"]}


@pytest.fixture()
def live(tmp_path: Path) -> Path:
    """A data directory with a live version (one article file), to check a failed crawl leaves it serving."""
    data = tmp_path / "kb-data"
    article = tmp_path / "massage.html"
    article.write_text(page("Massage for back pain", *ARTICLE), encoding="utf-8")
    assert run(data, str(article)).exit_code == 0
    return data


def assert_failed_and_kept(result: Result, data: Path, before: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert (data / "CURRENT").read_text() == before


def test_a_name_that_does_not_resolve(live: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def no_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "clinic.invalid":  # answered here: no resolver is ever asked
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    before = (live / "CURRENT").read_text()
    result = run(live, "http://clinic.invalid/")
    assert_failed_and_kept(result, live, before)
    assert reasons(result) == {
        "http://clinic.invalid/": "the site's name could not be found (DNS: Name or service not known)"}


def test_a_refused_connection_and_a_tls_error(live: Path) -> None:
    before = (live / "CURRENT").read_text()
    port = free_port()
    result = run(live, f"http://127.0.0.1:{port}/")
    assert_failed_and_kept(result, live, before)
    assert reasons(result) == {f"http://127.0.0.1:{port}/": "connection refused (nothing answers at that address "
                                                            "and port)"}
    with Site({"/": Route(page("Home", *ARTICLE))}) as plain:  # speaks HTTP, not TLS
        result = run(live, f"https://127.0.0.1:{plain.port}/")
    assert_failed_and_kept(result, live, before)
    assert list(reasons(result).values())[0].startswith("TLS error")


def test_a_server_that_fails_every_request(live: Path) -> None:
    before = (live / "CURRENT").read_text()
    broken = Route("<h1>Internal Server Error</h1>", status=500)
    with Site({"/robots.txt": Route("", status=404), "/": broken, "/sitemap.xml": broken}) as site:
        result = run(live, site.url)
    assert_failed_and_kept(result, live, before)
    assert reasons(result) == {site.url + "/sitemap.xml": "sitemap: HTTP 500", site.url + "/": "HTTP 500"}
    with Site({"/robots.txt": broken}) as closed:
        result = run(live, closed.url)
    assert_failed_and_kept(result, live, before)
    assert "robots.txt answered HTTP 500" in reasons(result)[closed.url + "/"]
    assert closed.paths() == ["/robots.txt"]  # RFC 9309: a failing robots.txt closes the site


def hostile_site() -> Site:
    links = ("/loop-a", "/slow", "/trickle", "/bomb", "/big", "/big-undeclared", "/leaflet", "/calendar?month=1",
             "/far-away")

    def calendar(request: Any) -> None:
        month = int(request.path.split("=")[-1])
        body = page(f"Calendar {month}", *ARTICLE, links=(f"/calendar?month={month + 1}",)).encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    site = Site()
    site.routes.update({
        "/": Route(page("Massage for back pain", *ARTICLE, links=links)),
        "/loop-a": redirect("/loop-b"), "/loop-b": redirect("/loop-a"),
        "/far-away": redirect(f"http://localhost:{site.port}/"),
        "/slow": slow(3), "/trickle": trickle(0.3, 20),
        "/bomb": Route(gzip_bomb(100), gzip=False, headers={"Content-Encoding": "gzip"}),
        "/big": endless(50 * 1048576, declare=True), "/big-undeclared": endless(50 * 1048576),
        "/leaflet": Route(b"%PDF-1.4 ...", content_type="application/pdf"),
        "/calendar": calendar,
    })
    return site


def test_hostile_pages_end_in_reasons(tmp_path: Path) -> None:
    with hostile_site() as site:
        result = run(tmp_path / "kb-data", site.url, "--timeout", "1", "--max-pages", "12")
        paths = site.paths()
        hosts = {r.host for r in site.log}
    assert result.exit_code == 0, result.output
    u = site.url
    assert reasons(result) == {
        f"{u}/loop-a": "redirect loop (/loop-a → /loop-b → /loop-a)",
        f"{u}/far-away": f"redirects to http://localhost:{site.port}/: another site (http://localhost:{site.port}); "
                         f"kb keeps to {u}",
        f"{u}/slow": "no answer within 1 s (the server is too slow or does not answer)",
        f"{u}/trickle": "the page was still arriving at the time limit of one request",
        f"{u}/bomb": "too big (over the 5 MB limit decompressed (a compression bomb?))",
        f"{u}/big": "too big (50.0 MB, over the 5 MB limit)",
        f"{u}/big-undeclared": "too big (over the 5 MB limit as sent)",
        f"{u}/leaflet": "not HTML (application/pdf)",
        f"{u}/calendar?month=4": "not fetched: --max-pages 12 reached",
    }
    assert "/calendar?month=4" not in paths
    assert hosts == {f"127.0.0.1:{site.port}"}


def test_the_time_limit_ends_an_endless_site(tmp_path: Path) -> None:
    with hostile_site() as site:
        site.routes["/"] = Route(page("Massage for back pain", *ARTICLE, links=("/calendar?month=1",)))
        result = run(tmp_path / "kb-data", site.url, "--time-limit", "3")
    assert result.exit_code == 0, result.output
    assert list(reasons(result).values()) == ["not fetched: the time limit (3 s) was reached"]
