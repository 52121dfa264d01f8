"""Search behaviour on the bundled samples: the issue's patient and receptionist queries, facets, notices."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from index.errors import NotFound
from index.params import ParamError, SearchParams, parse_params
from kb.knowledge import KnowledgeBase, Version

SEEDS = {"000_bdca583351179dba.txt", "004_106da2731041b397.txt"}


def search(kb: Version, q: str, **filters: list[str]) -> dict[str, Any]:
    return kb.search(parse_params({"q": q}, filters)).data


def ids(result: dict[str, Any]) -> list[str]:
    return [r["id"] for r in result["results"]]


@pytest.mark.parametrize(("query", "first"), [
    ("sciatica", "condition-sciatica"),
    ("sciatia massage help", "condition-sciatica"),
    ("jaw clicking", "condition-tmj-disorder"),
    ("plantar fascitis heel pain", "condition-plantar-fasciitis"),
    ("deep tisue", "technique-deep-tissue-massage"),
    ("difference deep tissue swedish", "technique-deep-tissue-massage"),
    ("how many sessions neuromuscular", "technique-neuromuscular-massage-therapy"),
    ("everett phone", "clinic-everett-spine-rehab"),
    ("TMJ", "condition-tmj-disorder"),
    ("NMT", "technique-neuromuscular-massage-therapy"),
])
def test_the_right_entry_comes_first(sample_kb: Version, query: str, first: str) -> None:
    assert search(sample_kb, query)["results"][0]["id"] == first


def test_sciatica_cites_both_seed_articles(sample_kb: Version) -> None:
    top = search(sample_kb, "sciatica")["results"][0]
    assert {s["path"] for s in top["sources"]} >= SEEDS
    assert top["source_count"] == len(sample_kb.entry("condition-sciatica")["sources"])


def test_misspellings_are_corrected_and_said(sample_kb: Version) -> None:
    assert search(sample_kb, "plantar fascitis heel pain")["corrected_query"] == "plantar fasciitis heel pain"
    assert search(sample_kb, "deep tisue")["corrected_query"] == "deep tissue"
    assert search(sample_kb, "deep tissue")["corrected_query"] is None


def test_acronyms_do_not_match_near_words(sample_kb: Version) -> None:
    ids = [r["id"] for r in search(sample_kb, "TMJ")["results"]]
    assert "condition-tmj-disorder" in ids
    assert search(sample_kb, "TMX")["total"] == 0


def test_snippets_quote_the_best_sentence_escaped_with_marks(sample_kb: Version) -> None:
    top = search(sample_kb, "how many sessions neuromuscular")["results"][0]
    assert top["snippet"].startswith("<mark>Sessions</mark> are performed")
    assert top["sources"][0]["sentence"].startswith("Sessions are performed")
    assert re.sub(r"</?mark>", "", top["snippet"]) == top["sources"][0]["sentence"].replace("&", "&amp;")


def test_answer_card_quotes_the_articles_only(sample_kb: Version) -> None:
    answer = search(sample_kb, "sciatica")["answer"]
    assert answer["entry_id"] == "condition-sciatica"
    assert "Neuromuscular massage therapy" in answer["text"]
    # The clinics to call stand beside the quote (tap to call), not inside a generated paragraph.
    assert {(c["name"], c["phone_display"]) for c in answer["clinics"]} >= {
        ("Medical Fitness and Wellness Group", "(770) 623-4078"), ("Everett Spine & Rehab", "(425) 347-8614")}
    entry = sample_kb.entry("condition-sciatica")
    assert answer["quote"]["sentence"] in {p["sentence"] for p in entry["passages"]}
    assert {s["path"] for s in answer["sources"]} <= {s["path"] for s in entry["sources"]}


def test_clinic_contact_answer(sample_kb: Version) -> None:
    answer = search(sample_kb, "everett phone")["answer"]
    assert answer["entry_id"] == "clinic-everett-spine-rehab"
    assert answer["text"] == ("Everett Spine & Rehab — phone (425) 347-8614 — address 927 128th St SW Ste B, "
                              "Everett, WA 98204.")


def test_red_flags_get_emergency_guidance_above_results(sample_kb: Version) -> None:
    notice = search(sample_kb, "sudden chest pain and back pain")["notice"]
    assert notice["kind"] == "emergency" and "911" in notice["message"]
    assert search(sample_kb, "back pain with loss of bladder control")["notice"]["kind"] == "emergency"
    assert search(sample_kb, "back pain massage")["notice"] is None


@pytest.mark.parametrize("query", ["dental implants", "lasik", "botox", "teeth whitening", "hair transplant"])
def test_out_of_scope_queries_return_nothing_with_suggestions(sample_kb: Version, query: str) -> None:
    result = search(sample_kb, query)
    assert (result["total"], result["results"], result["answer"]) == (0, [], None)
    assert result["notice"]["kind"] == "no_results"
    assert result["notice"]["suggestions"]


@pytest.mark.parametrize("query", ["massage for my labrador", "physio for horses or dogs",
                                   "sciatica treatment for my parrot"])
def test_a_query_sharing_only_a_common_word_presents_nothing(sample_kb: Version, query: str) -> None:
    """The articles say nothing of the query's topic; the word they share with it is no answer."""
    result = search(sample_kb, query)
    assert (result["total"], result["results"], result["answer"], result["notice"]["kind"]) == (
        0, [], None, "no_results")


def test_partial_matches_fall_back_to_the_best_pages(sample_kb: Version) -> None:
    """'pinched nerve leg pain' names two terms; the pages that match most of it follow the entries it names."""
    result = search(sample_kb, "pinched nerve leg pain")
    assert ids(result)[:2] == ["condition-pinched-nerve", "condition-leg-pain"]
    assert result["total"] >= 10 and any(r["kind"] == "article" for r in result["results"])


def test_a_front_desk_answer_quotes_the_answer_not_the_question(sample_kb: Version) -> None:
    answer = search(sample_kb, "do you take insurance")["answer"]
    assert answer["fact"] == "insurance"
    assert not answer["quote"]["sentence"].endswith("?")
    assert "insurers" in answer["quote"]["sentence"]


def test_an_hours_answer_quotes_only_the_hours_of_a_footer_line(sample_kb: Version) -> None:
    """A footer line "Clinic · hours · Read more articles on our blog" is quoted for its hours segment only."""
    answer = search(sample_kb, "what are your hours")["answer"]
    assert answer["fact"] == "hours"
    assert answer["quote"]["sentence"] == "Monday–Thursday 7 am – 7 pm, Friday 7 am – 4 pm"


def test_a_front_desk_fact_about_another_topic_is_no_answer(sample_kb: Version) -> None:
    """The samples state a session count only for scoliosis care: a back-pain entry that also names neuromuscular
    massage must not quote it for neuromuscular massage; the answer is about the technique asked for."""
    answer = search(sample_kb, "how many sessions neuromuscular")["answer"]
    assert answer["entry_id"] == "technique-neuromuscular-massage-therapy"
    assert "scoliosis" not in answer["quote"]["sentence"].lower()
    assert "neuromuscular" in answer["quote"]["sentence"].lower()


def test_a_front_desk_question_no_page_states_still_finds_its_topic(tmp_path: Path) -> None:
    """One clinic's neuromuscular article states no session count: "how many sessions neuromuscular" still finds
    the article (the question is about its words; a stated fact only ranks first)."""
    kb = KnowledgeBase(tmp_path / "kb")
    kb.ingest([Path(__file__).parents[2] / "samples" / "004_106da2731041b397.txt"])
    result = search(kb.current(), "how many sessions neuromuscular")
    assert ids(result)[0] == "technique-neuromuscular-massage-therapy"
    assert "neuromuscular" in result["answer"]["quote"]["sentence"].lower()


def facet(result: dict[str, Any], name: str) -> dict[str, tuple[int, bool]]:
    return {v["value"]: (v["count"], v["selected"]) for v in result["facets"][name]}


def test_facets_or_within_and_across_with_shopper_counts(sample_kb: Version) -> None:
    base = search(sample_kb, "massage")
    kinds = facet(base, "kind")
    only = search(sample_kb, "massage", kind=["condition"])
    assert only["total"] == kinds["condition"][0]
    assert {r["kind"] for r in only["results"]} == {"condition"}
    # A facet's own selection leaves its other values' counts as they were.
    assert {k: c for k, (c, _) in facet(only, "kind").items()} == {k: c for k, (c, _) in kinds.items()}
    assert facet(only, "kind")["condition"] == (kinds["condition"][0], True)
    both = search(sample_kb, "massage", kind=["condition", "technique"])
    assert both["total"] == kinds["condition"][0] + kinds["technique"][0]
    region = next(iter(facet(only, "body_region")))
    narrowed = search(sample_kb, "massage", kind=["condition"], body_region=[region])
    assert narrowed["total"] == facet(only, "body_region")[region][0]
    assert all(region in r["facets"]["body_region"] for r in narrowed["results"])


def test_filters_alone_browse_by_support(sample_kb: Version) -> None:
    result = search(sample_kb, "", kind=["clinic"])
    assert result["total"] == len(list(sample_kb.entries(("clinic",))))
    counts = [r["source_count"] for r in result["results"]]
    assert counts == sorted(counts, reverse=True)


def test_suggestions_rank_by_supporting_articles(sample_kb: Version) -> None:
    suggestions = sample_kb.suggest("sci")["suggestions"]
    assert suggestions[0] == {"text": "Sciatica", "id": "condition-sciatica", "kind": "condition"}
    assert sample_kb.suggest("s")["suggestions"] == []
    texts = [s["text"] for s in sample_kb.suggest("deep")["suggestions"]]
    assert texts[0] == "Deep tissue massage"


def test_pages_and_bad_parameters(sample_kb: Version) -> None:
    page2 = sample_kb.search(SearchParams(q="massage", page=2, per_page=5)).data
    page1 = sample_kb.search(SearchParams(q="massage", page=1, per_page=5)).data
    assert {r["id"] for r in page1["results"]}.isdisjoint(r["id"] for r in page2["results"])
    with pytest.raises(NotFound, match="page 99 is past the last page"):
        sample_kb.search(SearchParams(q="massage", page=99))
    with pytest.raises(ParamError) as bad:
        parse_params({"q": "x" * 201, "per_page": "0", "page": "abc"}, {"kind": ["nope"]})
    assert len(bad.value.errors) == 4


def test_contact_question_naming_a_topic(sample_kb: Version) -> None:
    answer = search(sample_kb, "do you treat plantar fasciitis and what's your number")["answer"]
    assert answer["entry_id"] == "clinic-cedar-ridge-physical-therapy"
    assert answer["topic"] == {"id": "condition-plantar-fasciitis", "name": "Plantar fasciitis", "kind": "condition"}
    assert answer["text"].startswith("Cedar Ridge Physical Therapy — phone (503) 555-0142 — address 4410 SE Division")
    assert answer["quote"]["path"] == "cedar-ridge-plantar-fasciitis.md"
    assert search(sample_kb, "plantar fasciitus phone")["corrected_query"] == "plantar fasciitis phone"


def test_filters_that_empty_the_page_are_not_out_of_scope(sample_kb: Version) -> None:
    result = search(sample_kb, "sciatica", clinic=["No Such Clinic"])
    assert (result["total"], result["notice"]) == (0, None)


def test_a_definition_question_quotes_a_defining_sentence(sample_kb: Version) -> None:
    found = search(sample_kb, "what is neuromuscular therapy")
    top = found["results"][0]
    assert top["id"] == "technique-neuromuscular-massage-therapy"
    quoted = found["answer"]["quote"]["sentence"]
    assert quoted == top["sources"][0]["sentence"]
    assert quoted.startswith(("Neuromuscular massage (also called", "This specialized type of"))
    assert "For more information" not in quoted


def test_no_two_results_on_a_page_share_a_snippet(sample_kb: Version) -> None:
    for q in ("sciatica", "pinched nerve leg pain", "neuromuscular massage"):
        snippets = [r["sources"][0]["sentence"] for r in search(sample_kb, q)["results"] if r["sources"]]
        assert len(snippets) == len(set(snippets)), q


def test_a_bare_list_item_is_no_quote_when_a_sentence_matches(sample_kb: Version) -> None:
    found = search(sample_kb, "pinched nerve leg pain")
    assert found["results"][0]["id"] == "condition-pinched-nerve"
    quoted = found["answer"]["quote"]["sentence"]
    assert quoted != "Sciatica and pinched nerves" and quoted.endswith(".")
    assert "nerves" in quoted
