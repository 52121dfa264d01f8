"""No script injection: `<script>`, event attributes and `javascript:` links in articles and in queries come out inert
in every page, snippet and JSON field. Articles with such content are really ingested; pages are checked as a browser
would parse them (BeautifulSoup over the rendered HTML)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from web import create_app

FILLER = ("Deep tissue massage helps sciatica and low back pain for many patients, and our therapists explain each "
          "step before they begin so you always know what to expect during the session. ")
HTML_ARTICLE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sciatica <script>alert('title')</script> relief</title>
<link rel="canonical" href="javascript:alert('canonical')">
<meta property="og:url" content="javascript:alert('og')">
<meta property="og:site_name" content="Harbour <img src=x onerror=alert('site')> Clinic">
<script type="application/ld+json">{{"@type": "MedicalClinic", "name": "Evil <script>alert('ld')</script> Clinic",
 "telephone": "(425) 555-0100", "url": "javascript:alert('ldurl')", "email": "x@example.com",
 "address": "1 <b onclick=alert('addr')>Main</b> St, Everett, WA"}}</script>
</head><body><main><article>
<h1 onmouseover="alert('h1')">Sciatica &lt;script&gt;alert('heading')&lt;/script&gt; relief</h1>
<p>{FILLER}Patients sometimes paste &lt;script&gt;alert('text')&lt;/script&gt; and
&lt;img src=x onerror=alert('img')&gt; into forms. <a href="javascript:alert('link')">Click here</a>
<img src="x" onerror="alert('attr')"><iframe src="javascript:alert('iframe')"></iframe>
&quot;&gt;&lt;svg onload=alert('svg')&gt; sciatica massage.</p>
<p>Call <a href="tel:javascript:alert('tel')">(425) 555-0100</a> or write to
<a href="mailto:&quot;&gt;&lt;script&gt;alert('mail')&lt;/script&gt;">us</a>. {FILLER}</p>
</article></main></body></html>"""
MARKDOWN_ARTICLE = f"""---
title: "Neck pain <script>alert('md')</script>"
url: "javascript:alert('mdurl')"
clinic: "<svg onload=alert('mdclinic')>"
---
# Neck pain and deep tissue massage

{FILLER}<script>alert('raw')</script> <img src=x onerror=alert('mdimg')>

- [a link](javascript:alert('mdlink')) about neck pain
- "><script>alert('quote')</script> neck pain and sciatica

{FILLER}
"""
TEXT_ARTICLE = (f"Shin splints <script>alert('txt')</script>\n\n{FILLER}\n\n"
                f"<img src=x onerror=alert('txtimg')> shin splints and massage. {FILLER}\n")
QUERIES = ["<script>alert('q')</script>", "\"><img src=x onerror=alert('q')>", "javascript:alert('q')",
           "sciatica <script>alert('q')</script>", "'><svg onload=alert('q')>", "sciatica\" onmouseover=\"alert('q')"]
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc")
DANGEROUS_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    articles = tmp_path_factory.mktemp("xss-articles")
    (articles / "xss-sciatica.html").write_text(HTML_ARTICLE)
    (articles / "xss-neck.md").write_text(MARKDOWN_ARTICLE)
    (articles / "xss-shins.txt").write_text(TEXT_ARTICLE)
    data = tmp_path_factory.mktemp("xss-kb")
    report = KnowledgeBase(data).ingest([articles])
    assert report.manifest["articles"] == 3, report.manifest["skipped"]
    return create_app({"DATA_DIR": str(data), "TESTING": True})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def entry_ids(app: Flask) -> list[str]:
    kb: KnowledgeBase = app.extensions["kb"]
    return sorted(kb.current().snap.ids)


def assert_inert(html: str, where: str) -> None:
    """No script of the page's own but the static files, no event handler, no script URL, no frames or objects."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        if element.name == "script":
            assert str(element.get("src", "")).startswith("/static/") and not element.string, (where, str(element))
        assert element.name not in ("iframe", "object", "embed", "frame", "base"), (where, element.name)
        for attr, value in element.attrs.items():
            assert not attr.lower().startswith("on"), (where, str(element)[:200])
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower() in URL_ATTRS:
                assert not DANGEROUS_SCHEMES.match(re.sub(r"[\s\x00-\x1f]", "", text)), (where, attr, text)
            if attr.lower() == "http-equiv":
                assert text.lower() != "refresh", where


def test_the_hostile_text_is_really_in_the_index(client: FlaskClient, entry_ids: list[str]) -> None:
    """The payloads survive ingest as text (escaping is the output's job), so the page tests below mean something."""
    entries = [client.get(f"/api/entries/{eid}").get_json() for eid in entry_ids]
    sentences = " ".join(s["sentence"] for e in entries for s in e["sources"])
    assert "<svg onload=alert('svg')>" in sentences and "<img src=x onerror=alert('txtimg')>" in sentences
    titles = {s["title"] for e in entries for s in e["sources"]}
    assert "Neck pain <script>alert('md')</script>" in titles
    assert all(s["url"] is None for e in entries for s in e["sources"])  # javascript: canonical/og/front matter URLs


@pytest.mark.parametrize("url", ["/", "/search?q=sciatica", "/search?q=neck+pain", "/search?q=shin+splints",
                                 "/staff?q=sciatica", "/staff?q=harbour+clinic+phone", "/conditions",
                                 "/search?q=sciatica&kind=clinic", "/search?kind=clinic"])
def test_pages_over_hostile_articles_are_inert(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), url)


def test_every_entry_page_is_inert(client: FlaskClient, entry_ids: list[str]) -> None:
    assert len(entry_ids) >= 4
    shown = []
    for eid in entry_ids:
        response = client.get(f"/entries/{eid}")
        assert response.status_code == 200, eid
        html = response.get_data(as_text=True)
        assert_inert(html, eid)
        shown.append(BeautifulSoup(html, "lxml").get_text(" "))
    assert any("<svg onload=alert('svg')>" in text for text in shown)  # shown as text, not run


@pytest.mark.parametrize("query", QUERIES)
def test_queries_are_inert_in_every_page_that_shows_them(client: FlaskClient, query: str) -> None:
    q = quote(query)
    for url in (f"/search?q={q}", f"/staff?q={q}", f"/?q={q}", f"/search?q={q}&condition={q}",
                f"/search?q={q}&kind={q}", f"/entries/{q}", f"/search?q={q}&page=99",
                f"/search?q={quote(query * 40)}", f"/conditions?region={q}"):
        response = client.get(url)
        assert response.status_code < 500, url
        html = response.get_data(as_text=True)
        assert_inert(html, url)
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html, url


@pytest.mark.parametrize("query", ["sciatica", "neck pain", "shin splints", "harbour clinic", *QUERIES])
def test_json_snippets_hold_only_mark_elements(client: FlaskClient, query: str) -> None:
    body = client.get("/api/search", query_string={"q": query}).get_json()
    if query not in QUERIES:
        assert body["results"], query  # the articles' topics are found, so their snippets are checked
    for result in body["results"]:
        fragment = BeautifulSoup(result["snippet"], "html.parser")
        assert {t.name for t in fragment.find_all(True)} <= {"mark"}, result["snippet"]
        assert all(not t.attrs for t in fragment.find_all(True))
        assert result["url"].startswith(("/entries/", "/articles/"))
        for source in result["sources"]:
            assert source["url"] is None or source["url"].startswith(("http://", "https://"))


def test_error_pages_and_suggestions_are_inert(client: FlaskClient) -> None:
    for url in ["/entries/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/search?kind=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                "/search?per_page=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "/no/such/%3Csvg%20onload%3Dalert(1)%3E"]:
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert_inert(response.get_data(as_text=True), url)
    suggest = client.get("/api/suggest", query_string={"q": "<script>"})
    assert suggest.status_code == 200 and suggest.mimetype == "application/json"
    assert "nosniff" in suggest.headers["X-Content-Type-Options"]


HOSTILE_FRONT_MATTER = """---
title: "Sciatica <script>alert('title')</script> relief"
clinic: "Evil <img src=x onerror=alert(1)> Clinic"
---
# Sciatica relief

Massage can ease sciatica <script>alert("body")</script> and low back pain for many patients.

Deep tissue massage helps sciatica "><svg onload=alert(2)> in our experience.

Call Evil Clinic at (503) 555-0199 or visit 1 Main Street, Portland, OR 97206.

""" + " ".join(["Our therapists explain each step of the treatment plan and check in with you about pressure."] * 4)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    root = tmp_path_factory.mktemp("hostile")
    (root / "src").mkdir()
    (root / "src" / "evil.md").write_text(HOSTILE_FRONT_MATTER, encoding="utf-8")
    KnowledgeBase(root / "data").ingest([root / "src"])
    return create_app({"DATA_DIR": str(root / "data"), "TESTING": True}).test_client()


@pytest.mark.parametrize("url", ["/search?q=sciatica", "/staff?q=sciatica", "/staff?q=evil+clinic+phone",
                                 "/entries/condition-sciatica", "/entries/technique-deep-tissue-massage",
                                 "/conditions", "/search?q=evil"])
def test_a_hostile_front_matter_article_renders_as_text(hostile_client: FlaskClient, url: str) -> None:
    response = hostile_client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [s.get("src") for s in soup.select("script")] in (["/static/suggest.js"], ["/static/staff.js"], [])
    assert soup.select("img, svg:not(.logo), iframe, object") == []
    assert [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")] == []
    if url != "/conditions":  # the A–Z shows no article text
        body = " ".join(soup.get_text(" ").split())
        assert "<script>alert('title')</script>" in body or "<img src=x onerror=alert(1)>" in body
