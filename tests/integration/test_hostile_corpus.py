"""Hostile and broken input: every file is parsed or skipped with a reason, and the ingest carries on.

The corpus (tests/hostile) is written into a temporary folder at test time: binary, empty and 50 MB files, markup
nested 100,000 deep, invalid UTF-8 and wrong charsets, a YAML bomb, a FIFO, a device, dangling and looping links.
Tests run as root in CI, where chmod 000 does not stop a read; the FIFO, the device link and the dangling and looping
links are the unreadable files that mean something there. Single hostile files, charsets and links are checked one
by one in tests/unit/test_hostile_files.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import Expect, write_corpus

from index.params import parse_params
from kb.cli import main
from kb.knowledge import KnowledgeBase
from kb.pipeline import IngestReport


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expect]]:
    root = tmp_path_factory.mktemp("hostile") / "articles"
    return root, write_corpus(root)


@pytest.fixture(scope="module")
def ingested(corpus: tuple[Path, dict[str, Expect]], tmp_path_factory: pytest.TempPathFactory) -> tuple[
        KnowledgeBase, IngestReport, float]:
    kb = KnowledgeBase(tmp_path_factory.mktemp("hostile-kb"))
    started = time.monotonic()
    report = kb.ingest([corpus[0]])
    return kb, report, time.monotonic() - started


def test_every_hostile_file_is_parsed_or_skipped_with_its_reason(
        corpus: tuple[Path, dict[str, Expect]], ingested: tuple[KnowledgeBase, IngestReport, float]) -> None:
    _root, expect = corpus
    _kb, report, _seconds = ingested
    parsed = {e.path for e in report.result.extractions}
    skipped = {s.path: s.reason for s in report.result.skipped}
    problems = []
    for rel, want in sorted(expect.items()):
        if want.outcome == "parsed" and rel not in parsed:
            problems.append(f"{rel}: expected parsed, got {skipped.get(rel, 'nothing')}")
        elif want.outcome == "skipped" and (rel not in skipped or want.reason not in skipped[rel]):
            problems.append(f"{rel}: expected skipped ({want.reason!r}), got {skipped.get(rel, 'parsed')}")
        elif want.outcome == "either" and rel not in parsed and not skipped.get(rel):
            problems.append(f"{rel}: neither parsed nor skipped with a reason")
    assert problems == []
    assert all(reason.strip() for reason in skipped.values())
    assert "ok/back-to-root" in skipped  # the folder link loop was noticed, not followed forever


def test_hostile_ingest_publishes_a_searchable_version_quickly(
        ingested: tuple[KnowledgeBase, IngestReport, float]) -> None:
    kb, report, seconds = ingested
    version = kb.current()
    assert report.manifest["index_version"] == version.index_version
    result = version.search(parse_params({"q": "sciatica"}, {})).data
    assert result["total"] >= 1
    assert seconds < 30, f"the hostile corpus took {seconds:.1f}s to ingest"


def test_wrong_declared_charsets_still_give_the_right_text(ingested: tuple[KnowledgeBase, IngestReport, float]) -> None:
    _kb, report, _seconds = ingested
    titles = {e.path: e.title for e in report.result.extractions}
    for rel in ("declares-utf16.html", "declares-base64.html", "declares-bogus.html", "declares-latin1-is-utf8.html"):
        assert titles[rel] == "Café sciatica", rel


def test_cli_ingest_of_the_hostile_corpus_exits_0_and_lists_every_skip(tmp_path: Path) -> None:
    root = tmp_path / "articles"
    expect = {rel: want for rel, want in write_corpus(root, huge_mb=6).items()}
    result = CliRunner().invoke(main, ["ingest", str(root), "--json", "--data-dir", str(tmp_path / "kb")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    reasons = {s["path"]: s["reason"] for s in out["skipped"]}
    assert {rel for rel, want in expect.items() if want.outcome == "skipped"} <= set(reasons)
    assert out["articles"] >= sum(want.outcome == "parsed" for want in expect.values())
    strict = CliRunner().invoke(main, ["ingest", str(root), "--strict", "--data-dir", str(tmp_path / "kb2")])
    assert strict.exit_code == 1
    assert "Traceback" not in strict.output
