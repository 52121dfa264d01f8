"""The page helpers, pure: the pager, query strings that toggle a facet, the front desk's card and its copy text,
and which links may be shown. No index: inline search objects only."""

from __future__ import annotations

from index.params import SearchParams
from web.pages import copy_text, http_url, pager, staff_card
from web.searching import query_string


def test_pager_numbers_with_gaps():
    params = SearchParams(q="x", page=6)
    p = pager(params, 200, "/search")
    assert p is not None
    assert [("…" if link["gap"] else link["number"]) if "gap" in link else link["number"] for link in p["links"]] == [
        1, "…", 4, 5, 6, 7, 8, "…", 20]
    assert p["prev"] == "/search?q=x&page=5" and p["next"] == "/search?q=x&page=7"
    assert pager(SearchParams(q="x"), 10, "/search") is None
    first = pager(SearchParams(q="x", page=1), 40, "/search")
    assert first is not None and [link["number"] for link in first["links"]] == [1, 2, 3, 4]


def test_query_string_toggles_and_pages():
    params = SearchParams(q="knee pain", filters=(("kind", ("condition",)), ("clinic", ("A & B",))), page=3,
                          per_page=20)
    assert query_string(params) == "q=knee+pain&kind=condition&clinic=A+%26+B&page=3&per_page=20"
    assert query_string(params, toggle=("kind", "condition")) == "q=knee+pain&clinic=A+%26+B&per_page=20"
    assert query_string(params, toggle=("kind", "technique")) == (
        "q=knee+pain&kind=condition&kind=technique&clinic=A+%26+B&per_page=20")
    assert query_string(params, page=1) == "q=knee+pain&kind=condition&clinic=A+%26+B&per_page=20"
    assert query_string(params, clear=True) == "q=knee+pain&per_page=20"


SOURCE = {"article_id": "a1", "title": "Plantar fasciitis and heel pain", "path": "heel.md", "url": "https://example.com/heel",
          "clinic": "Cedar Ridge", "section": "Intro", "sentence": "We treat plantar fasciitis every week."}
CLINIC = {"id": "clinic-cedar-ridge", "name": "Cedar Ridge", "phone": "+15035550142", "phone_display": "(503) 555-0142",
          "address": "1 Main St, Portland, OR 97206", "email": "hi@example.com", "hours": []}


CONTACT = {**SOURCE, "article_id": "a3", "title": "Book with us", "path": "contact.md", "url": None}
OTHER = {**SOURCE, "article_id": "a2", "title": "Runner's knee", "sentence": "Runners also get plantar fasciitis."}


def test_staff_card_names_the_topic_of_a_contact_question():
    """The card shows the answer's topic and its quote from the clinic's own article (chosen in index/answers.py)."""
    result = {"query": "plantar fasciitis phone", "corrected_query": None,
              "answer": {"entry_id": "clinic-cedar-ridge", "kind": "clinic",
                         "text": "Cedar Ridge — phone (503) 555-0142.", "quote": SOURCE, "clinics": [CLINIC],
                         "topic": {"id": "condition-plantar-fasciitis", "name": "Plantar fasciitis",
                                   "kind": "condition"},
                         "sources": [CONTACT, SOURCE, SOURCE]},
              "results": [{"id": "condition-plantar-fasciitis", "kind": "condition", "name": "Plantar fasciitis",
                           "sources": [{**SOURCE, "clinic": "Elsewhere"}, OTHER, SOURCE]}]}
    card = staff_card(result)
    assert card is not None
    assert (card["kind"], card["title"], card["quote"]) == ("clinic", "Cedar Ridge", SOURCE)
    assert card["topic"] == {"id": "condition-plantar-fasciitis", "name": "Plantar fasciitis", "kind": "condition"}
    assert card["copy_text"] == (
        "Cedar Ridge — phone (503) 555-0142.\n"
        "Email: hi@example.com\n"
        "Plantar fasciitis, in Cedar Ridge's articles: “We treat plantar fasciitis every week.” "
        "(Plantar fasciitis and heel pain, https://example.com/heel)\n"
        "Sources:\n"
        "- Plantar fasciitis and heel pain (Cedar Ridge): https://example.com/heel\n"
        "- Book with us (Cedar Ridge): contact.md")
    result["answer"] = {**result["answer"], "topic": None, "quote": None}  # "cedar ridge phone": no topic
    card = staff_card(result)
    assert card is not None and card["topic"] is None and card["quote"] is None


def test_copy_text_of_a_topic_answer_quotes_its_source():
    answer = {"entry_id": "condition-x", "kind": "condition", "text": "X: named in 1 article.",
              "quote": {**SOURCE, "url": None}, "clinics": [], "sources": [{**SOURCE, "url": None}]}
    assert copy_text(answer, [], None, answer["quote"]) == (
        "X: named in 1 article.\n“We treat plantar fasciitis every week.” (Plantar fasciitis and heel pain, heel.md)\n"
        "Sources:\n- Plantar fasciitis and heel pain (Cedar Ridge): heel.md")
    assert staff_card({"answer": None, "results": []}) is None


def test_http_url_only_lets_web_links_through():
    assert http_url("https://example.com/a") == "https://example.com/a"
    assert http_url("HTTP://example.com") == "HTTP://example.com"
    assert [http_url(u) for u in ("javascript:alert(1)", " javascript:x", "data:text/html,x", None, "", "/x")] == [
        None] * 6
