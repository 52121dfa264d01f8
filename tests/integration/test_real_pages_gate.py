"""The real-page query gate: every part of ../shared/corpus (real clinic pages nobody here wrote) ingested at once,
each part's queries.json run through kb.evaluate, floors asserted so nothing slips back.

The pages are other people's text and stay beside the project, never in it; set KB_REAL_CORPUS to read them from
elsewhere. The floors are what the code reaches today; GOALS are the issue's bars (hit@5 0.90, MRR 0.80, every
nothing-relevant query presenting nothing), printed beside them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.evaluate import evaluate, load_queries
from kb.knowledge import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
REAL_CORPUS = Path(os.environ.get("KB_REAL_CORPUS") or ROOT.parent / "shared" / "corpus")
PARTS = ("a", "b", "c")
# (hit@5, MRR, out-of-scope queries presenting nothing) reached per part; raise them as search improves.
FLOORS = {"a": (0.77, 0.65, 0), "b": (0.84, 0.80, 0), "c": (0.82, 0.76, 0)}
GOALS = (0.90, 0.80, "all")

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
    hit, mrr, oos = FLOORS[part]
    print(f"\npart {part}: hit@5 {s['hit_at_5']:.3f} (floor {hit}, goal {GOALS[0]}), MRR {s['mrr']:.3f} "
          f"(floor {mrr}, goal {GOALS[1]}), out-of-scope {s['out_of_scope_ok']}/{s['out_of_scope']} "
          f"(floor {oos}, goal {GOALS[2]})")
    misses = [(r["id"], r["query"], r["top"]) for r in report["queries"] if not r["ok"]]
    assert s["hit_at_5"] >= hit, misses
    assert s["mrr"] >= mrr, misses
    assert s["out_of_scope_ok"] >= oos, misses


def test_article_results_count_as_their_own_source(real_kb: KnowledgeBase) -> None:
    """An article result's sources hold the article itself, once, so kb eval counts it directly."""
    from index.params import SearchParams

    found = real_kb.current().search(SearchParams(q="massage price 60 minutes", per_page=10)).data
    articles = [r for r in found["results"] if r["kind"] == "article"]
    assert articles
    assert all(len(r["sources"]) == 1 and r["sources"][0]["article_id"] == r["id"] for r in articles)
    assert found["answer"]["fact"] == "price" and "$" in found["answer"]["quote"]["sentence"]
