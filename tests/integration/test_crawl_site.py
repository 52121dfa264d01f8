"""`kb ingest http://…` against a small clinic site served on 127.0.0.1: what is fetched, in which order, how far
apart, what is skipped and why; a second run answers from 304s; a third sees a change and a page gone; a
WordPress site merged beside it with --add. Every assertion about requests reads the server's own log."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from clinic_site import ABOUT, ARTICLES, Route, clinic_site
from crawl_server import Request, Site, page

from kb.cli import main
from kb.knowledge import KnowledgeBase, Version
from kb.vocabulary import Vocabulary

pytestmark = pytest.mark.integration

ROBOTS_DELAY = 0.6  # the clinic site's Crawl-delay, above kb's 0.5 s floor


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with clinic_site() as served:
        yield served


def ingest(data: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["ingest", *args, "--json", "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@functools.cache
def vocabulary() -> Vocabulary:
    return Vocabulary.load()


def opened(data: Path) -> Version:
    return KnowledgeBase(data, vocab=vocabulary()).current()


def sources(data: Path) -> dict[str, str | None]:
    """Every article of the live version as path → url."""
    found: dict[str, str | None] = {}
    for entry in opened(data).entries():
        found.update({s["path"]: s["url"] for s in entry["sources"]})
    return found


def entries(data: Path) -> list[dict[str, Any]]:
    return sorted(opened(data).entries(), key=lambda e: e["id"])


@pytest.fixture(scope="module")
def first_run(site: Site, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], list[Request]]:
    """The site crawled once into a fresh data directory: (data dir, --json report, the server's log). The
    tests below run on in the same data directory, in file order, as a nightly job would."""
    data = tmp_path_factory.mktemp("crawl") / "kb-data"
    site.clear()
    report = ingest(data, site.url + "/")
    return data, report, list(site.log)


def test_every_article_page_is_ingested_with_its_url_and_every_other_url_has_a_reason(
        site: Site, first_run: tuple[Path, dict[str, Any], list[Request]]) -> None:
    data, report, _log = first_run
    url = site.url
    # Every article page, reached by a link or only by a sitemap, with its URL as the source.
    assert sources(data) == {url + p: url + p for p in ARTICLES}
    assert report["articles"] == len(ARTICLES)
    assert {s["path"]: s["reason"] for s in report["skipped"]} == {
        f"{url}/private/hidden/": "disallowed by robots.txt (not fetched)",
        f"{url}/private/notes/": "disallowed by robots.txt (not fetched)",
        f"http://localhost:{site.port}/offsite-in-sitemap/": "off-site link (not followed)",
        f"http://localhost:{site.port}/elsewhere/": "off-site link (not followed)",
        "https://www.example.com/": "off-site link (not followed)",
        f"{url}/brochure.pdf": "not HTML (a .pdf file, by its name; not fetched)",
        f"{url}/old-massage/": f"redirects to {url}/services/massage/: read already",
        f"{url}/missing/": "HTTP 404",
        f"{url}/massage-copy/": f"duplicate of {url}/services/massage/ (same canonical URL)",
    }
    clinic = next(e for e in opened(data).entries(("clinic",)))
    assert "+16045550142" in [p["value"] for p in clinic["contact"]["phones"]]
    assert f"{url}/contact/" in {s["url"] for s in clinic["sources"]}


def test_robots_first_nothing_disallowed_or_off_site_and_requests_spaced(
        site: Site, first_run: tuple[Path, dict[str, Any], list[Request]]) -> None:
    log = first_run[2]
    assert log[0].path == "/robots.txt"  # read before anything else
    assert not [r for r in log if r.path.startswith("/private/") or r.path == "/brochure.pdf"]
    assert {r.host for r in log} == {f"127.0.0.1:{site.port}"}  # never localhost, never another host
    assert {"/sitemap_index.xml", "/sitemaps/pages.xml", "/sitemaps/extra.xml.gz", "/sitemaps/more.txt"} <= {
        r.path for r in log}
    gaps = [b.at - a.at for a, b in zip(log, log[1:], strict=False)]
    assert min(gaps) >= ROBOTS_DELAY - 0.01, gaps  # Crawl-delay honoured, one request at a time
    assert all(r.headers["User-Agent"].startswith("kb/") for r in log)
    assert not [r for r in log if "If-None-Match" in r.headers or "If-Modified-Since" in r.headers]
    assert sorted(r.path for r in log if r.path in ARTICLES) == sorted(ARTICLES)  # each page fetched once


def test_the_second_run_asks_conditionally_and_keeps_the_same_entries(
        site: Site, first_run: tuple[Path, dict[str, Any], list[Request]]) -> None:
    data = first_run[0]
    before = entries(data)
    site.clear()
    again = ingest(data, site.url + "/")
    assert again["articles"] == len(ARTICLES)
    assert site.log[0].path == "/robots.txt"
    page_requests = [r for r in site.log if r.path in ARTICLES]
    assert sorted(r.path for r in page_requests) == sorted(ARTICLES)
    assert [(r.headers.get("If-None-Match"), r.status) for r in page_requests] == [
        (site.routes[r.path].etag, 304) for r in page_requests]  # type: ignore[union-attr]
    assert entries(data) == before


def test_a_changed_page_is_read_again_and_a_gone_page_leaves(
        site: Site, first_run: tuple[Path, dict[str, Any], list[Request]]) -> None:
    data, url = first_run[0], site.url
    site.routes["/about/"] = Route(page("About our therapists", *ABOUT, "We now also offer cupping therapy."),
                                   etag='"about-2"')
    site.routes["/conditions/headaches/"] = Route("<h1>Gone</h1>", status=410)
    site.clear()
    report = ingest(data, url + "/")
    assert sources(data) == {url + p: url + p for p in ARTICLES if p != "/conditions/headaches/"}
    assert {s["path"]: s["reason"] for s in report["skipped"]}[f"{url}/conditions/headaches/"] == (
        "HTTP 410 (gone: dropped from the knowledge base)")
    about = next(r for r in site.log if r.path == "/about/")
    assert (about.headers["If-None-Match"], about.status) == ('"about-1"', 200)
    assert "Cupping therapy" in {e["name"] for e in entries(data)}


WP_PAGES = [
    {"id": 1, "link": "{base}/", "modified_gmt": "2026-01-02T10:00:00",
     "title": {"rendered": "Cedar Physio &#038; Massage"},
     "content": {"rendered": "<p>Cedar Physio offers physical therapy and massage therapy for back pain, sciatica "
                             "and frozen shoulder. Our physiotherapists build a plan of therapeutic exercise with "
                             "you and check your progress at every visit, so that the pain relief lasts.</p>"
                             '<p>Read <a href="{base}/knee-pain/">about knee pain</a>.</p>'}},
    {"id": 2, "link": "{base}/contact-us/", "modified_gmt": "2026-01-03T10:00:00",
     "title": {"rendered": "Contact Cedar Physio"},
     "content": {"rendered": "<p>Call Cedar Physio on (250) 555-0199 to book physical therapy or a massage. The "
                             "front desk answers from eight to six on weekdays, and we reply to email the same "
                             "day. Our clinic is at 40 Cedar Lane in Victoria.</p>"}},
]
WP_POSTS = [
    {"id": 3, "link": "{base}/knee-pain/", "modified_gmt": "2026-01-04T10:00:00",
     "title": {"rendered": "Knee pain after running"},
     "content": {"rendered": "<p>Knee osteoarthritis and runner's knee are the two most common causes of knee pain "
                             "we see. Strengthening the hips and thighs with therapeutic exercise takes load off "
                             "the joint, and massage therapy of the thigh muscles eases stiffness and pain.</p>"}},
]


def wordpress_site() -> Site:
    """A WordPress-shaped site: pages over two API pages (X-WP-TotalPages), posts on one; its HTML is never
    needed."""
    site = Site()

    def api(items: list[dict[str, Any]], per_page: int) -> Any:
        def handle(request: Any) -> None:
            number = int(request.path.split("page=")[-1].split("&")[0])
            chunk = items[(number - 1) * per_page:number * per_page]
            body = json.dumps(chunk).replace("{base}", site.url).encode()
            request.send_response(200 if chunk else 400)
            request.send_header("Content-Type", "application/json")
            request.send_header("X-WP-TotalPages", str(-(-len(items) // per_page)))
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        return handle

    site.routes.update({"/wp-json/wp/v2/pages": api(WP_PAGES, 1), "/wp-json/wp/v2/posts": api(WP_POSTS, 10)})
    return site


def test_a_wordpress_site_is_read_from_its_api_and_added_beside_another(
        site: Site, first_run: tuple[Path, dict[str, Any], list[Request]]) -> None:
    data = first_run[0]
    clinic_pages = sources(data)
    with wordpress_site() as wp:
        ingest(data, "--add", wp.url)
        assert [r.path.split("?")[0] for r in wp.log] == [
            "/robots.txt", "/sitemap.xml", "/wp-json/wp/v2/pages", "/wp-json/wp/v2/pages", "/wp-json/wp/v2/posts"]
        assert "page=2" in wp.log[3].path
        both = sources(data)
        assert {p for p in both if p.startswith(wp.url)} == {wp.url + "/", wp.url + "/contact-us/",
                                                             wp.url + "/knee-pain/"}
        assert {p: u for p, u in both.items() if p.startswith(site.url)} == clinic_pages
        clinics = opened(data).entries(("clinic",))
        assert any("+12505550199" in [p["value"] for p in c["contact"]["phones"]] for c in clinics)

        wp.clear()
        report = ingest(data, "--add", wp.url + "/")  # unchanged: every item reused by its modified date
        assert sources(data) == both
        assert report["articles"] == len(both)
