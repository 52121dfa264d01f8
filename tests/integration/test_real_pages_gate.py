"""The real-page query gate: every part of ../shared/corpus (real clinic pages nobody here wrote) ingested at once,
each part's queries.json run through kb.evaluate, floors asserted so nothing slips back.

The pages are other people's text and stay beside the project, never in it; set KB_REAL_CORPUS to read them from
elsewhere. The floors sit a little below what the code reaches (measured: a 1.000/0.898, b 0.906/0.885,
c 1.000/0.914); every part meets the issue's bars (hit@5 0.90, MRR 0.80), and every nothing-relevant query
presents nothing (kb.evaluate.presents_nothing: no result, no answer card).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.params import SearchParams
from kb.evaluate import evaluate, load_queries, presents_nothing
from kb.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
REAL_CORPUS = Path(os.environ.get("KB_REAL_CORPUS") or ROOT.parent / "shared" / "corpus")
PARTS = ("a", "b", "c")
# (hit@5, MRR) per part: a little below what is reached; raise them as search improves.
FLOORS = {"a": (0.96, 0.88), "b": (0.90, 0.86), "c": (0.95, 0.89)}
GOALS = (0.90, 0.80)

pytestmark = pytest.mark.skipif(not all((REAL_CORPUS / p / "queries.json").is_file() for p in PARTS),
                                reason=f"the real-page corpus is not at {REAL_CORPUS} (set KB_REAL_CORPUS)")


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path_factory.mktemp("kb-real"))
    kb.ingest([REAL_CORPUS / p / "pages" for p in PARTS])
    return kb


@pytest.mark.parametrize("part", PARTS)
def test_real_page_queries_meet_their_floors(real_kb: KnowledgeBase, part: str) -> None:
    report = evaluate(real_kb.current(), load_queries(REAL_CORPUS / part / "queries.json"))
    s = report["summary"]
    hit, mrr = FLOORS[part]
    print(f"\npart {part}: hit@5 {s['hit_at_5']:.3f} (floor {hit}, goal {GOALS[0]}), MRR {s['mrr']:.3f} "
          f"(floor {mrr}, goal {GOALS[1]}), out-of-scope {s['out_of_scope_ok']}/{s['out_of_scope']}")
    misses = [(r["id"], r["query"], r["top"]) for r in report["queries"] if not r["ok"]]
    assert s["hit_at_5"] >= max(hit, GOALS[0]), misses
    assert s["mrr"] >= max(mrr, GOALS[1]), misses
    assert s["out_of_scope_ok"] == s["out_of_scope"], misses


def test_nothing_relevant_queries_present_nothing(real_kb: KnowledgeBase) -> None:
    """A query whose topic only page furniture names, or that shares one common word with the articles, shows no
    result and no answer card: the notice says the articles do not cover it."""
    queries = [q for p in PARTS for q in load_queries(REAL_CORPUS / p / "queries.json") if q["nothing_relevant"]]
    assert queries
    for q in queries:
        found = real_kb.current().search(SearchParams(q=q["query"])).data
        assert presents_nothing(found), (q["id"], q["query"], [r["id"] for r in found["results"]])
        assert found["notice"] and found["notice"]["kind"] in ("no_results", "emergency"), q["query"]


def test_article_results_count_as_their_own_source(real_kb: KnowledgeBase) -> None:
    """An article result's sources hold the article itself, once, so kb eval counts it directly."""
    found = real_kb.current().search(SearchParams(q="massage price 60 minutes", per_page=10)).data
    articles = [r for r in found["results"] if r["kind"] == "article"]
    assert articles
    assert all(len(r["sources"]) == 1 and r["sources"][0]["article_id"] == r["id"] for r in articles)
    assert found["answer"]["fact"] == "price" and "$" in found["answer"]["quote"]["sentence"]
