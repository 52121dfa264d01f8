"""The search-quality gate: `kb eval` over the labelled corpus's query set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.evaluate import evaluate, load_queries
from kb.knowledge import KnowledgeBase

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUERIES = CORPUS / "queries.json"


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("kb-corpus")
    KnowledgeBase(data).ingest([CORPUS / "pages"])
    return data


def test_query_set_is_big_and_balanced() -> None:
    queries = load_queries(QUERIES)
    audiences = [q["audience"] for q in queries]
    assert len(queries) >= 60
    assert audiences.count("patient") >= 30 and audiences.count("front_desk") >= 30
    assert sum(1 for q in queries if q["nothing_relevant"]) >= 8
    pages = {p.name for p in (CORPUS / "pages").iterdir()}
    assert all(set(q["must_top5"]) <= pages for q in queries)


def test_quality_gate(corpus_dir: Path) -> None:
    report = evaluate(KnowledgeBase(corpus_dir).current(), load_queries(QUERIES))
    misses = [(r["id"], r["query"], r["top"]) for r in report["queries"] if not r["ok"]]
    summary = report["summary"]
    assert summary["hit_at_5"] >= 0.9, misses
    assert summary["out_of_scope_ok"] == summary["out_of_scope"], misses


def test_kb_eval_command(corpus_dir: Path, tmp_path: Path) -> None:
    few = tmp_path / "few.json"
    few.write_text(json.dumps({"queries": load_queries(QUERIES)[:5]}))
    result = CliRunner().invoke(main, ["eval", str(few), "--json", "--data-dir", str(corpus_dir)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    assert set(summary) == {"queries", "hit_at_5", "mrr", "out_of_scope", "out_of_scope_ok"}
    assert summary["queries"] == 5
    text = CliRunner().invoke(main, ["eval", str(few), "--data-dir", str(corpus_dir)])
    assert "hit@5" in text.output and "MRR" in text.output


def test_a_failing_query_fails_the_gate(corpus_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps({"queries": [
        {"id": "x1", "query": "sciatica", "must_top5": ["no-such-page.html"], "nothing_relevant": False},
        {"id": "x2", "query": "sciatica", "must_top5": [], "nothing_relevant": True}]}))
    summary = evaluate(KnowledgeBase(corpus_dir).current(), load_queries(bad))["summary"]
    assert (summary["hit_at_5"], summary["out_of_scope_ok"]) == (0.0, 0)
