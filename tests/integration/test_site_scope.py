"""One knowledge base, three sites: every route in one site's scope is free of the other sites' clinics.

The canary: a clinic (name, phone, street) that exists only in site C's article, an article on the same topics as
site A's. Every route is requested in site A's scope (by `site` parameter and by `Host`), after the same routes
were requested for the whole knowledge base and for site C (so a cache shared between scopes would show), and no
response may contain any part of the canary that the request itself did not send.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, unquote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb.knowledge import KnowledgeBase
from kb.sites import set_site
from web import create_app

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEED_A = "000_bdca583351179dba.txt"  # neuromuscular massage for back pain
SEED_B = "004_106da2731041b397.txt"  # why neuromuscular massage
CANARY_NAME = "Quillfeather Bodywork Collective"
CANARY_PHONE = "(206) 555-0147"
CANARY_DIGITS = "2065550147"
CANARY_STREET = "4417 Marrowbone Terrace"
CANARY = (CANARY_NAME, "Quillfeather", CANARY_PHONE, CANARY_DIGITS, "555-0147", CANARY_STREET, "Marrowbone")

CANARY_PAGE = f"""<!doctype html>
<html lang="en"><head><title>Neuromuscular massage for back pain and sciatica | {CANARY_NAME}</title>
<meta name="description" content="Neuromuscular massage therapy for back pain at {CANARY_NAME}."></head>
<body><header><nav><a href="/">Home</a></nav></header>
<main><article>
<h1>Neuromuscular massage for back pain and sciatica</h1>
<p>Neuromuscular massage therapy relieves back pain, neck pain and sciatica by releasing trigger points.</p>
<h2>Deep tissue massage or neuromuscular therapy?</h2>
<p>Deep tissue massage works the deeper layers of muscle; neuromuscular therapy targets trigger points that
refer pain, so it helps with chronic back pain, tension headaches and poor posture.</p>
<h2>How many sessions?</h2>
<p>Most clients with back pain need four to six sessions of neuromuscular massage. A session costs $95.</p>
<p>Call {CANARY_NAME} on {CANARY_PHONE} or visit us at {CANARY_STREET}, Seattle, WA 98101.</p>
</article></main>
<footer><address>{CANARY_NAME}<br>{CANARY_STREET}, Seattle, WA 98101<br>
<a href="tel:+12065550147">{CANARY_PHONE}</a></address></footer>
</body></html>
"""

QUERIES = ["back pain", "neuromuscular massage", "sciatica", "trigger points", "deep tissue vs neuromuscular",
           "how many sessions", "how much does it cost", "phone", "back pain phone", "clinic near me",
           "seattle", "quillfeather", "quilfeather", "marrowbone", "2065550147", "206 555 0147", "bodywork collective",
           "tension headaches", "posture", "massage", "chest pain and numb arm", "xyzzy"]
PREFIXES = ["ne", "ba", "sc", "qu", "quill", "ma", "bo", "tr", "de", "se"]


@pytest.fixture(scope="module")
def sites_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Site A: one seed article; site B: the other seed; site C: the canary's article and two samples."""
    root = tmp_path_factory.mktemp("sites")
    c = root / "site-c"
    c.mkdir()
    (c / "back-pain.html").write_text(CANARY_PAGE, encoding="utf-8")
    data = root / "kb-data"
    kb = KnowledgeBase(data)
    kb.ingest([SAMPLES / SEED_A], site="alpha")
    kb.ingest([SAMPLES / SEED_B], site="bravo")
    kb.ingest([c, SAMPLES / "harbourview-tmj-jaw-pain.html", SAMPLES / "bayside-shin-splints.html"], site="charlie")
    set_site(data, "alpha", name="Alpha Massage", hosts=("alpha.test",), origins=("https://www.alpha.test",),
             phone="+1 425 555 0100", booking="https://www.alpha.test/book", country="GB")
    set_site(data, "charlie", name="Charlie", hosts=("charlie.test",))
    return data


@pytest.fixture(scope="module")
def app(sites_dir: Path) -> Flask:
    return create_app({"DATA_DIR": str(sites_dir), "TESTING": True})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def leaks(url: str, body: str) -> list[str]:
    """The parts of the canary in a response that its own request did not send (a query is echoed back)."""
    sent = unquote_plus(url).lower()
    text = body.lower()
    return [c for c in CANARY if c.lower() not in sent and c.lower() in text]


def network_ids(client: FlaskClient) -> tuple[list[str], list[str]]:
    """Every entry id and article id of the whole knowledge base (unscoped)."""
    entries: set[str] = set()
    articles: set[str] = set()
    for q in QUERIES:
        data = client.get(f"/api/search?q={quote(q)}&per_page=50").get_json()
        for r in data.get("results", []):
            (articles if r["kind"] == "article" else entries).add(r["id"])
    for kind in ("condition", "technique", "benefit", "clinic", "article"):
        data = client.get(f"/api/search?kind={kind}&per_page=50").get_json()
        for r in data["results"]:
            (articles if kind == "article" else entries).add(r["id"])
    return sorted(entries), sorted(articles)


def scoped_urls(client: FlaskClient) -> list[str]:
    """Every route, with parameters that reach every part of it: searches (with every facet value the whole
    knowledge base offers), suggestions, entries, articles, pages, the front desk, the A–Z, errors, OpenAPI."""
    entries, articles = network_ids(client)
    urls: list[str] = []
    for q in QUERIES:
        urls += [f"/api/search?q={quote(q)}", f"/search?q={quote(q)}", f"/staff?q={quote(q)}",
                 f"/api/search?q={quote(q)}&per_page=50", f"/api/search?q={quote(q)}&kind=clinic"]
    facets = client.get("/api/search?q=back+pain&per_page=50").get_json()["facets"]
    for name, values in facets.items():
        for v in values:
            urls += [f"/api/search?{name}={quote(v['value'])}", f"/search?q=massage&{name}={quote(v['value'])}"]
    urls += [f"/api/suggest?q={p}" for p in PREFIXES]
    for eid in entries:
        urls += [f"/api/entries/{eid}", f"/entries/{eid}"]
    for aid in articles:
        urls += [f"/api/articles/{aid}", f"/articles/{aid}"]
    urls += ["/", "/search", "/staff", "/conditions", "/api/conditions", "/api/openapi.json", "/healthz",
             "/api/search?page=99&q=massage", "/api/search?per_page=99", "/nowhere", "/api/nowhere",
             "/api/entries/clinic-quillfeather-bodywork-collective", "/embed.js"]
    az = client.get("/api/conditions").get_json()
    urls += [f"/api/conditions?region={quote(r['value'])}" for r in az["regions"]]
    urls += [f"/conditions?region={quote(r['value'])}" for r in az["regions"]]
    return urls


def with_site(url: str, site: str) -> str:
    return url + ("&" if "?" in url else "?") + f"site={site}"


def test_the_canary_is_in_the_network_and_in_its_own_site(client: FlaskClient):
    """The test can fail: unscoped, and in site C, the canary clinic is there."""
    for prefix in ("", "site=charlie&"):
        data = client.get(f"/api/search?{prefix}q=back+pain&per_page=50").get_data(as_text=True)
        assert CANARY_NAME in data and CANARY_DIGITS in data and CANARY_STREET in data
    assert client.get("/api/entries/clinic-quillfeather-bodywork-collective").status_code == 200
    assert CANARY_NAME in client.get("/api/search?q=back+pain", headers={"Host": "charlie.test"}).get_data(as_text=True)


def test_no_route_in_site_alpha_shows_another_sites_clinic(client: FlaskClient):
    urls = scoped_urls(client)
    assert len(urls) > 250
    for url in urls:  # fill every cache of the whole knowledge base and of site C first
        client.get(url)
        client.get(with_site(url, "charlie"))
    found = {}
    statuses: dict[int, int] = {}
    for url in urls:
        for scoped, headers in ((with_site(url, "alpha"), {}), (url, {"Host": "alpha.test"})):
            response = client.get(scoped, headers=headers)
            assert response.status_code < 500, scoped
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if bad := leaks(scoped, response.get_data(as_text=True)):
                found[scoped] = bad
    assert found == {}
    assert statuses[200] > 150 and statuses[404] > 20  # most routes answered; other sites' entries are 404s


def test_an_entry_of_several_sites_shows_only_the_sites_sources(client: FlaskClient):
    """Back pain is discussed by sites A and C: in A, its sources, clinics and counts are A's alone."""
    everywhere = client.get("/api/entries/condition-back-pain").get_json()
    alpha = client.get("/api/entries/condition-back-pain?site=alpha").get_json()
    assert len(everywhere["sources"]) > len(alpha["sources"]) == 1
    assert [s["path"] for s in alpha["sources"]] == [SEED_A]
    assert {c["name"] for c in alpha["clinics"]} <= {s["clinic"] for s in alpha["sources"]}
    assert client.get("/api/entries/clinic-quillfeather-bodywork-collective?site=alpha").get_json() == {
        "ok": False, "status": 404, "error": "no entry with id 'clinic-quillfeather-bodywork-collective'",
        "errors": ["no entry with id 'clinic-quillfeather-bodywork-collective'"]}


def test_totals_facets_and_suggestions_count_the_sites_articles_only(client: FlaskClient):
    everywhere = client.get("/api/search?q=neuromuscular").get_json()
    alpha = client.get("/api/search?q=neuromuscular&site=alpha").get_json()
    assert alpha["total"] < everywhere["total"]
    clinics = {v["value"] for v in alpha["facets"]["clinic"]}
    assert CANARY_NAME not in clinics and clinics
    kinds = {v["value"]: v["count"] for v in alpha["facets"]["kind"]}
    assert sum(kinds.values()) == alpha["total"]
    assert not [s for s in client.get("/api/suggest?q=quill&site=alpha").get_json()["suggestions"]]
    assert client.get("/api/suggest?q=quill").get_json()["suggestions"]


def test_the_answer_card_offers_the_sites_phone_and_booking_link(client: FlaskClient):
    data = client.get("/api/search?q=back+pain&site=alpha").get_json()
    assert data["site"] == {"id": "alpha", "name": "Alpha Massage", "phone": "+14255550100",
                            "phone_display": "(425) 555-0100", "tel": "tel:+14255550100",
                            "booking": "https://www.alpha.test/book", "country": "GB"}
    assert data["answer"] is not None
    page = client.get("/search?q=back+pain&site=alpha").get_data(as_text=True)
    card = re.search(r'<section class="answer".*?</section>', page, re.S)
    assert card and 'href="tel:+14255550100"' in card.group(0) and 'href="https://www.alpha.test/book"' in card.group(0)
    entry = client.get("/entries/condition-back-pain?site=alpha").get_data(as_text=True)
    assert 'data-cta-call' in entry and 'href="https://www.alpha.test/book"' in entry
    staff = client.get("/staff?q=back+pain+phone&site=alpha").get_data(as_text=True)
    assert 'href="tel:+14255550100"' in staff
    assert client.get("/api/search?q=back+pain").get_json()["site"] is None
    assert "data-cta" not in client.get("/search?q=back+pain").get_data(as_text=True)


def test_the_emergency_notice_uses_the_sites_country(client: FlaskClient):
    alpha = client.get("/api/search?q=chest+pain+and+numb+arm&site=alpha").get_json()["notice"]
    network = client.get("/api/search?q=chest+pain+and+numb+arm").get_json()["notice"]
    assert (alpha["country"], alpha["calls"][0]["number"]) == ("GB", "999")
    assert (network["country"], network["calls"][0]["number"]) == ("US", "911")
    page = client.get("/?site=alpha").get_data(as_text=True)
    assert 'href="tel:999"' in page


def test_links_on_a_sites_pages_stay_in_the_site(client: FlaskClient):
    page = client.get("/search?q=back+pain&site=alpha").get_data(as_text=True)
    links = re.findall(r'href="(/[^"]*)"', page)
    inside = [u for u in links if not u.startswith("/static/")]
    assert inside and all("site=alpha" in u for u in inside), [u for u in inside if "site=alpha" not in u]
    assert '<input type="hidden" name="site" value="alpha">' in page
    data = client.get("/api/search?q=back+pain&site=alpha").get_json()
    assert all(r["url"].split("#")[0].endswith("?site=alpha") for r in data["results"])


def test_a_site_without_settings_is_served_by_its_content(client: FlaskClient):
    """Site B has articles but no settings: its scope works, without calls to action."""
    data = client.get("/api/search?q=neuromuscular&site=bravo").get_json()
    assert data["total"] > 0 and data["site"]["phone"] is None
    assert all(s["path"] == SEED_B for r in data["results"] for s in r["sources"])


def test_unknown_sites_and_a_host_naming_another_site_are_404s(client: FlaskClient):
    for url, headers in (("/api/search?q=x&site=nobody", {}), ("/api/search?q=x&site=Bad%20Id", {}),
                         ("/api/search?q=x&site=charlie", {"Host": "alpha.test"})):
        response = client.get(url, headers=headers)
        assert response.status_code == 404
        assert response.get_json()["ok"] is False and response.get_json()["status"] == 404
    assert client.get("/search?q=x&site=nobody").status_code == 404
    assert "<h1" in client.get("/conditions?site=nobody").get_data(as_text=True)


def test_hosts_setting_makes_other_hosts_404(sites_dir: Path):
    client = create_app({"DATA_DIR": str(sites_dir), "TESTING": True, "HOSTS": "kb.test"}).test_client()
    assert client.get("/api/search?q=x", headers={"Host": "kb.test"}).status_code == 200
    assert client.get("/api/search?q=x", headers={"Host": "alpha.test"}).get_json()["site"]["id"] == "alpha"
    unknown = client.get("/api/search?q=x", headers={"Host": "evil.test"})
    assert unknown.status_code == 404 and unknown.get_json()["errors"] == ["no site is served on host 'evil.test'"]


def test_cors_allows_only_the_sites_origins(client: FlaskClient):
    ok = client.get("/api/search?q=x&site=alpha", headers={"Origin": "https://www.alpha.test"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://www.alpha.test"
    assert "Origin" in ok.headers.get("Vary", "")
    other = client.get("/api/search?q=x&site=alpha", headers={"Origin": "https://evil.test"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in client.get("/api/search?q=x&site=charlie",
                                                           headers={"Origin": "https://www.alpha.test"}).headers
    assert client.get("/api/search?q=x").headers["Access-Control-Allow-Origin"] == "*"  # the whole network: open
    assert client.get("/search?q=x&site=alpha").headers["X-Frame-Options"] == "DENY"


def test_site_settings_take_effect_on_the_next_request(sites_dir: Path, client: FlaskClient):
    before = client.get("/api/search?q=sciatica&site=alpha").get_json()["site"]["phone"]
    set_site(sites_dir, "alpha", phone="+1 425 555 0111")
    try:
        assert client.get("/api/search?q=sciatica&site=alpha").get_json()["site"]["phone"] == "+14255550111"
    finally:
        set_site(sites_dir, "alpha", phone=before)


def test_an_invalid_sites_file_is_a_503_with_the_reason(tmp_path: Path, sites_dir: Path):
    data = tmp_path / "kb"
    data.mkdir()
    (data / "sites.json").write_text(json.dumps({"sites": {"x": {"country": "ZZ"}}}), encoding="utf-8")
    client = create_app({"DATA_DIR": str(data), "TESTING": True}).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert "sites.json is invalid: site 'x': country 'ZZ'" in response.get_json()["errors"][0]


def test_ingest_for_one_site_leaves_the_others_alone(tmp_path: Path):
    """--site replaces that site's articles only; --add adds to it; a file path shared by two sites is two
    articles; without --site the whole knowledge base is replaced (as before sites)."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "page.txt").write_text((SAMPLES / SEED_A).read_text(encoding="utf-8"), encoding="utf-8")
    (b / "page.txt").write_text((SAMPLES / SEED_B).read_text(encoding="utf-8"), encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "kb")
    kb.ingest([a], site="one")
    kb.ingest([b], site="two")
    assert {k: v["articles"] for k, v in kb.current().snap.manifest["sites"].items()} == {"one": 1, "two": 1}
    kb.ingest([SAMPLES / "bayside-shin-splints.html"], site="one", add=True)
    assert {k: v["articles"] for k, v in kb.current().snap.manifest["sites"].items()} == {"one": 2, "two": 1}
    kb.ingest([SAMPLES / "bayside-shin-splints.html"], site="one")
    assert {k: v["articles"] for k, v in kb.current().snap.manifest["sites"].items()} == {"one": 1, "two": 1}
    kb.ingest([a])
    assert {k: v["articles"] for k, v in kb.current().snap.manifest["sites"].items()} == {"default": 1}
