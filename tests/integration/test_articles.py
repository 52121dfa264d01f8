"""Articles as results, front-desk answers and localised safety notices, over the bundled samples."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from index.desk_facts import asked, sentence_topics
from index.notices import emergency_notice
from index.query import parse_query
from kb.cues import load_cues
from kb.vocabulary import Vocabulary
from web import create_app


def test_article_results_link_their_best_section_and_their_page_renders_its_json(client) -> None:
    found = client.get("/api/search", query_string={"q": "neuromuscular sessions", "kind": "article"}).get_json()
    assert found["results"] and {r["kind"] for r in found["results"]} == {"article"}
    top = found["results"][0]
    assert top["url"] == f"/articles/{top['id']}#{top['section']}"
    assert [s["article_id"] for s in top["sources"]] == [top["id"]]
    data = client.get(f"/api/articles/{top['id']}").get_json()
    assert data["id"] == top["id"] and data["kind"] == "article" and data["sections"]
    soup = BeautifulSoup(client.get(f"/articles/{top['id']}").data, "html.parser")
    assert soup.select_one("h1").get_text(strip=True) == data["title"]
    assert [s["id"] for s in soup.select("section.article-section")] == [s["anchor"] for s in data["sections"]]
    assert top["section"] in {s["anchor"] for s in data["sections"]}
    assert client.get("/api/articles/a-000000000000").status_code == 404


def test_intent_words_leave_the_search_and_name_the_fact_asked_for() -> None:
    vocab, cues = Vocabulary.load(), load_cues()
    assert [g.text for g in parse_query("do you take insurance", vocab, cues).groups] == ["insurance"]
    assert parse_query("how much is a massage", vocab, cues).desk == ["price"]
    assert asked("how many sessions neuromuscular")[1].split() == ["sessions", "neuromuscular"]
    assert sentence_topics("A 60 minute massage is $89.") >= {"price", "length"}
    assert "hours" in sentence_topics("Open Monday to Friday, 9am to 5pm.")
    assert sentence_topics("Massage helps many people.") == frozenset()


def test_emergency_numbers_follow_the_clinic_country() -> None:
    us, gb, au = (emergency_notice("neck pain with fever", c) for c in ("US", "GB", "AU"))
    assert us and gb and au
    assert [c["tel"] for c in us["calls"]] == ["tel:911"]
    assert [c["tel"] for c in gb["calls"]] == ["tel:999", "tel:111"] and "999" in gb["message"]
    assert au["calls"][0]["tel"] == "tel:000" and "911" not in au["message"]
    assert emergency_notice("stiff neck with a rash", "DE")["calls"][0]["number"] == "112"  # type: ignore[index]
    assert emergency_notice("physio after his stroke", "GB") is None
    assert emergency_notice("neck pain with fever", "XX")["country"] == "US"  # type: ignore[index]


def test_an_emergency_notice_stands_alone(sample_data_dir: Path) -> None:
    client = create_app({"DATA_DIR": str(sample_data_dir), "TESTING": True, "EMERGENCY_COUNTRY": "GB"}).test_client()
    data = client.get("/api/search?q=neck+pain+with+fever").get_json()
    assert data["notice"]["kind"] == "emergency" and data["answer"] is None
    for route in ("/search", "/staff"):
        soup = BeautifulSoup(client.get(route, query_string={"q": "neck pain with fever"}).data, "html.parser")
        assert [a["href"] for a in soup.select("[data-notice=emergency] a[data-call]")] == ["tel:999", "tel:111"]
        assert not soup.select(".answer, .staff-answer, aside.facets, .staff-results")
