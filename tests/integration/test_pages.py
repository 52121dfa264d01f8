"""The HTML pages over the samples through Flask's test client, checked with BeautifulSoup selectors; headers.
(The page helpers alone, and a hostile article's pages, are in tests/unit.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from index.params import SearchParams
from web import create_app
from web.searching import query_string

PAGES = ["/", "/search?q=sciatica", "/search?q=massage&kind=technique", "/entries/condition-sciatica",
         "/entries/clinic-cedar-ridge-physical-therapy", "/conditions", "/conditions?region=foot", "/staff",
         "/staff?q=plantar+fasciitis+phone", "/search?q=xyzzy", "/entries/no-such-entry"]


@pytest.fixture(scope="module")
def app(sample_data_dir: Path):
    """One app for the module: these tests only read, and opening the knowledge base takes a second."""
    return create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True})


def headers(client, url: str):
    with client.get(url) as response:
        return response.headers


def page(client, url: str, status: int = 200) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select(selector)
    assert len(found) == 1, f"{selector}: {len(found)} matches"
    return found[0]


def text(node: Tag) -> str:
    return " ".join(node.get_text(" ").split())


def api(client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, url
    data: dict[str, Any] = response.get_json()
    return data


# --- every page -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_landmarks_one_h1_and_the_education_note(client, url):
    soup = page(client, url, 404 if "no-such" in url else 200)
    assert soup.html["lang"] == "en"
    assert one(soup, "a.skip")["href"] == "#main"
    one(soup, "header.site nav[aria-label=Main]")
    assert one(soup, "main")["id"] == "main"
    assert "For education, not a diagnosis." in text(one(soup, "footer.site"))
    assert len(soup.select("h1")) == 1
    assert one(soup, "meta[name=viewport]")["content"] == "width=device-width, initial-scale=1"


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_no_inline_script_or_style_for_the_csp(client, url):
    soup = page(client, url, 404 if "no-such" in url else 200)
    scripts = soup.select("script")
    assert all(s.get("src", "").startswith("/static/") and not s.string for s in scripts)
    assert soup.select("style") == []
    assert soup.select("[style]") == []
    handlers = [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")]
    assert handlers == []


@pytest.mark.parametrize("url", [url for url in PAGES if not url.startswith(("/entries/condition", "/entries/clinic",
                                                                            "/conditions"))])
def test_every_form_control_has_a_label(client, url):
    """Every page with a form (entry pages and the A–Z have none)."""
    soup = page(client, url, 404 if "no-such" in url else 200)
    controls = soup.select("input:not([type=hidden]), select, textarea")
    assert controls
    for control in controls:
        assert soup.select(f"label[for={control['id']}]"), control


def test_nav_marks_the_current_page(client):
    assert text(one(page(client, "/conditions"), "nav[aria-label=Main] [aria-current=page]")) == "Conditions A–Z"
    assert text(one(page(client, "/staff"), "nav[aria-label=Main] [aria-current=page]")) == "Front desk"


# --- search -----------------------------------------------------------------------------------------------------


def test_home_page_has_the_search_box_topics_and_no_results(client):
    soup = page(client, "/")
    form = one(soup, "form[role=search]")
    assert form["action"] == "/search" and form["method"] == "get"
    box = one(form, "input#q")
    assert (box["name"], box["type"], box["maxlength"]) == ("q", "search", "200")
    assert one(form, "label[for=q]")
    assert soup.select("#suggestions[role=listbox][hidden]")
    assert soup.select(".popular .chips a")
    assert all(a["href"].startswith("/search?q=") for a in soup.select(".popular .chips a"))
    assert soup.select(".result") == []
    assert one(soup, "script")["src"] == "/static/suggest.js"


def test_search_page_shows_what_its_json_twin_holds(client):
    soup = page(client, "/search?q=sciatica")
    twin = one(soup, ".json-twin a")["href"]
    assert twin == "/api/search?q=sciatica"
    assert one(soup, "link[rel=alternate][type='application/json']")["href"] == twin
    data = api(client, twin)
    assert text(one(soup, "#results-title")) == f"{data['total']} results for “sciatica”"
    cards = soup.select("ol.result-list > li.result")
    assert [one(c, "h3 a")["href"] for c in cards] == [r["url"] for r in data["results"]]
    assert [text(one(c, "h3 a")) for c in cards] == [r["name"] for r in data["results"]]
    assert [text(one(c, ".badge")) for c in cards] == [r["kind"].capitalize() for r in data["results"]]
    assert [str(one(c, ".snippet").decode_contents()) for c in cards] == [r["snippet"] for r in data["results"]]
    first = cards[0]
    assert first.select(".snippet mark")
    source = data["results"][0]["sources"][0]
    assert text(one(first, ".cite cite")) == source["title"]
    assert text(one(first, ".cite .clinic")) == source["clinic"]


def test_search_page_answer_card_quotes_and_calls(client):
    soup = page(client, "/search?q=sciatica")
    data = api(client, "/api/search?q=sciatica")
    card = one(soup, "section.answer")
    assert text(one(card, "[data-answer-text]")) == data["answer"]["text"]
    assert text(one(card, "[data-answer-quote] blockquote")) == data["answer"]["quote"]["sentence"]
    tel = [a["href"] for a in card.select("a.tel")]
    assert tel == [f"tel:{c['phone']}" for c in data["answer"]["clinics"] if c["phone"]]
    assert one(card, ".more a")["href"] == f"/entries/{data['answer']['entry_id']}"


def test_facets_list_counts_and_toggle_links(client):
    soup = page(client, "/search?q=massage")
    data = api(client, "/api/search?q=massage")
    facets = {s["aria-labelledby"].removeprefix("facet-"): s for s in soup.select("aside#filters section.facet")}
    assert list(facets) == [f for f, values in data["facets"].items() if values]
    clinic = data["facets"]["clinic"][0]
    link = facets["clinic"].select("a.toggle")[0]
    assert link["data-value"] == clinic["value"] and link["data-count"] == str(clinic["count"])
    assert link.get("aria-current") is None
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["massage"], "clinic": [clinic["value"]]}
    shown_and_more = [a["data-value"] for a in facets["condition"].select("a.toggle")]
    assert shown_and_more == [v["value"] for v in data["facets"]["condition"]]
    assert len(facets["condition"].select("details a.toggle")) == max(0, len(shown_and_more) - 6)


def test_a_selected_facet_is_marked_and_its_link_removes_it(client):
    data = api(client, "/api/search?q=massage")
    value = data["facets"]["clinic"][0]["value"]
    url = "/search?" + query_string(SearchParams(q="massage", filters=(("clinic", (value,)),)))
    soup = page(client, url)
    selected = one(soup, "a.toggle[aria-current=true]")
    assert selected["data-value"] == value
    assert parse_qs(urlsplit(selected["href"]).query) == {"q": ["massage"]}
    chip = one(soup, "a[data-remove-filter]")
    assert text(chip) == f"Clinic: {value} (remove filter) ×"
    assert chip["href"] == selected["href"]
    assert text(one(soup, "#results-title")).startswith(f"{data['facets']['clinic'][0]['count']} result")


def test_pagination_links_and_numbering(client):
    total = api(client, "/api/search?q=massage")["total"]
    assert total > 20
    soup = page(client, "/search?q=massage&page=2")
    assert one(soup, "ol.result-list")["start"] == "11"
    nav = one(soup, "nav.pager")
    assert one(nav, "a[rel=prev]")["href"] == "/search?q=massage"
    assert one(nav, "a[rel=next]")["href"] == "/search?q=massage&page=3"
    assert text(one(nav, "a[aria-current=page]")) == "Page 2"
    assert soup.select("section.answer") == []  # the answer card is for page 1


def test_did_you_mean_links_the_corrected_search(client):
    soup = page(client, "/search?q=sciatia")
    link = one(soup, ".did-you-mean a")
    assert (text(link), link["href"]) == ("sciatica", "/search?q=sciatica")


def test_no_results_says_so_and_offers_topics(client):
    soup = page(client, "/search?q=xyzzy")
    notice = one(soup, "section.notice-no_results")
    assert "xyzzy" in text(notice)
    assert notice.select(".chips a[href^='/entries/']")
    assert "Tips" in text(one(soup, ".empty"))
    assert text(one(soup, "#results-title")) == "0 results for “xyzzy”"


def test_filters_that_match_nothing_offer_to_clear_them(client):
    soup = page(client, "/search?q=sciatica&clinic=No+Such+Clinic")
    empty = one(soup, ".empty")
    assert "No entry matches all of these filters" in text(empty)
    assert one(empty, "a[href='/search?q=sciatica']")


def test_emergency_notice_is_an_alert(client):
    soup = page(client, "/search?q=crushing+chest+pain")
    assert one(soup, "section.notice-emergency")["role"] == "alert"


# --- entry pages ----------------------------------------------------------------------------------------------


def test_condition_page_has_everything(client):
    soup = page(client, "/entries/condition-sciatica")
    data = api(client, "/api/entries/condition-sciatica")
    assert text(one(soup, "h1")) == "Sciatica"
    assert text(one(soup, "[data-icd10]")) == "M54.3"
    assert "For education, not a diagnosis." in text(one(soup, "aside.education"))
    sources = soup.select("#sources li.source")
    assert len(sources) == len(data["sources"])
    for li, source in zip(sources, data["sources"], strict=True):
        assert text(one(li, ".source-title cite")) == source["title"]
        assert text(one(li, "blockquote")) == source["sentence"]
        links = [a["href"] for a in li.select("a")]
        # The title opens kb's page of the article; "Read the article" the clinic's own page, when it has one.
        assert links == [f"/articles/{source['article_id']}"] + ([source["url"]] if source["url"] else [])
    clinic_ids = {r["id"] for r in data["related"] if r["kind"] == "clinic"}
    rows = soup.select("section.clinics .clinic-line")
    assert {one(r, "a.clinic-name")["href"] for r in rows} == {f"/entries/{i}" for i in clinic_ids}
    assert all(one(r, "a.tel")["href"].startswith("tel:+") for r in rows)
    related = {a["href"] for a in soup.select("section.related a")}
    assert related == {f"/entries/{r['id']}" for r in data["related"] if r["kind"] != "clinic"}
    assert one(soup, ".json-twin a")["href"] == "/api/entries/condition-sciatica"


def test_clinic_page_has_click_to_call_and_address(client):
    soup = page(client, "/entries/clinic-cedar-ridge-physical-therapy")
    contact = one(soup, "section.contact")
    phones = [(a["href"], text(a)) for a in contact.select("a.tel")]
    assert phones[0] == ("tel:+15035550142", "(503) 555-0142")
    assert "4410 SE Division Street, Suite 3, Portland, OR 97206" in text(contact)


def test_missing_entry_is_a_helpful_404_page(client):
    soup = page(client, "/entries/no-such-entry", 404)
    assert text(one(soup, "h1")) == "We couldn't find that page"
    assert "no entry with id 'no-such-entry'" in text(one(soup, ".error-details"))
    one(soup, "form[role=search] input[name=q]")


def test_unknown_path_is_a_404_page(client):
    page(client, "/no/such/page", 404)


# --- conditions A–Z ------------------------------------------------------------------------------------------


def test_conditions_a_to_z_lists_every_condition_once_with_its_article_count(client, sample_kb):
    soup = page(client, "/conditions")
    conditions = {e["id"]: e for e in sample_kb.entries(("condition",))}
    rows = soup.select(".az li")
    assert sorted(one(r, "a")["href"] for r in rows) == sorted(f"/entries/{i}" for i in conditions)
    for row in rows:
        entry = conditions[one(row, "a")["href"].removeprefix("/entries/")]
        assert one(row, ".count").contents[0].strip() == str(len(entry["sources"]))
    letters = [s["id"].removeprefix("letter-") for s in soup.select("section.letter")]
    assert letters == sorted(letters)
    assert [a["href"] for a in soup.select("nav.letters a")] == [f"#letter-{x}" for x in letters]
    assert one(soup, ".regions a[aria-current=page]")["href"] == "/conditions"


def test_conditions_by_body_region(client, sample_kb):
    soup = page(client, "/conditions?region=foot")
    foot = sorted(f"/entries/{e['id']}" for e in sample_kb.entries(("condition",)) if "foot" in e["body_region"])
    assert foot and sorted(a["href"] for a in soup.select(".az li a")) == foot
    assert one(soup, ".regions a[aria-current=page]")["href"] == "/conditions?region=foot"
    assert text(one(soup, "h1")) == "Conditions: foot"
    page(client, "/conditions?region=spleen", 404)


# --- front desk (without JavaScript) -------------------------------------------------------------------------


def test_staff_page_focuses_the_box_and_answers_without_javascript(client):
    soup = page(client, "/staff?q=plantar+fasciitis+phone")
    box = one(soup, "input#staff-q")
    assert box.has_attr("autofocus") and box["value"] == "plantar fasciitis phone"
    card = one(soup, "[data-staff-answer]")
    assert one(card, "a.tel")["href"] == "tel:+15035550142"
    assert text(one(card, ".address")) == "4410 SE Division Street, Suite 3, Portland, OR 97206"
    assert one(card, ".topic a")["href"] == "/entries/condition-plantar-fasciitis"
    copy = one(card, "button[data-copy]")
    assert copy.has_attr("hidden")  # shown by staff.js; it needs the clipboard
    assert "(503) 555-0142" in copy["data-copy-text"] and "“" in copy["data-copy-text"]
    data = api(client, "/api/search?q=plantar+fasciitis+phone")
    assert [a["href"] for a in soup.select("[data-staff-results] a[data-nav]")] == [r["url"] for r in data["results"]]
    assert one(soup, "script")["src"] == "/static/staff.js"
    assert [text(k) for k in soup.select("#staff-help kbd")] == ["/", "↓", "↑", "Enter", "c", "Esc"]


def test_staff_page_without_a_question_explains_itself(client):
    soup = page(client, "/staff")
    assert soup.select("[data-staff-answer]") == [] and soup.select("[data-staff-results]") == []
    assert one(soup, ".staff-empty a[href='/staff?q=back+pain+phone']")


# --- errors, headers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "message"), [
    ("/search?page=0", "page must be between 1 and 100, got 0"),
    ("/search?q=x&per_page=abc", "per_page must be a whole number, got 'abc'"),
    ("/search?kind=bogus", "kind must be one of condition, benefit, technique, clinic, article; got bogus"),
    ("/staff?q=" + "a" * 201, "q must be at most 200 characters, got 201"),
])
def test_bad_parameters_get_a_400_page_that_says_why(client, url, message):
    soup = page(client, url, 400)
    assert text(one(soup, "h1")) == "That search could not be run"
    assert [text(li) for li in soup.select(".error-details li")] == [message]


@pytest.mark.parametrize(("url", "status", "error", "errors"), [
    ("/api/search?page=0", 400, "invalid parameters", ["page must be between 1 and 100, got 0"]),
    ("/api/search?page=99&q=massage", 404, "page 99 is past the last page (11)",
     ["page 99 is past the last page (11)"]),
    ("/api/entries/no-such-entry", 404, "no entry with id 'no-such-entry'", ["no entry with id 'no-such-entry'"]),
])
def test_api_errors_have_one_shape(client, url, status, error, errors):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json() == {"ok": False, "status": status, "error": error, "errors": errors}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_page_past_the_last_is_a_404_page(client):
    page(client, "/search?q=massage&page=99", 404)


@pytest.mark.parametrize("url", ["/", "/search?q=sciatica", "/entries/condition-sciatica", "/staff", "/conditions",
                                 "/api/search?q=sciatica", "/api/openapi.json", "/static/app.css", "/nope"])
def test_security_headers_everywhere(client, url):
    h = headers(client, url)
    csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";"))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'" and csp["base-uri"] == "'none'"
    assert "unsafe" not in h["Content-Security-Policy"]
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in h["Permissions-Policy"]


@pytest.mark.parametrize("url", ["/api/search?q=sciatica", "/api/entries/condition-sciatica", "/api/suggest?q=sci",
                                 "/api/openapi.json"])
def test_api_gets_allow_cors_and_are_cacheable_with_etags(client, url):
    response = client.get(url)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    etag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.options(url).headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/", "/search?q=sciatica", "/staff?q=sciatica", "/entries/condition-sciatica"])
def test_pages_are_private_and_not_cors(client, url):
    h = headers(client, url)
    assert h["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in h
