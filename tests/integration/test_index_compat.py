"""An index version written before entries were stored as views (with passage postings and names, now in a file of
their own) and before the per-version tables file answers the same: the entry as one JSON payload is read and viewed
in memory, and the tables are made from the stored fields."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import index.build
from index.documents import to_document
from index.params import parse_params
from index.tables import TABLES, write_tables
from kb import pipeline
from kb.knowledge import KnowledgeBase
from kb.model import Entry

NEWER_FIELDS = ("view", "passage_stems", "names")
QUERIES = ["sciatica", "jaw clicking", "massage for lower back pain", "sciatia massage help", "everett phone"]


def _older_document(entry: Entry, regions: dict[str, list[str]]) -> dict[str, Any]:
    older = {k: v for k, v in to_document(entry, regions).items() if k not in NEWER_FIELDS}
    return {**older, "payload": json.dumps(entry.to_dict(), ensure_ascii=False)}


def _no_tables(path: Path, entries: list[Entry]) -> None:
    """Versions written before the tables file had none."""


@pytest.fixture()
def older_and_newer(sample_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The samples index rebuilt from its own extractions with today's documents and with the older ones."""
    out = []
    for name, mapping, tables in (("newer", to_document, write_tables), ("older", _older_document, _no_tables)):
        data = tmp_path / name
        shutil.copytree(sample_data_dir, data)
        monkeypatch.setattr(index.build, "to_document", mapping)
        monkeypatch.setattr(index.build, "write_tables", tables)
        kb = KnowledgeBase(data)
        with kb.data.lock():
            pipeline.publish(kb.data, index.build.load_extractions(kb.data.current_path()), kb.vocab, [])
        out.append(data)
    return out[0], out[1]


def test_older_versions_give_the_same_results_and_suggestions(older_and_newer: tuple[Path, Path]) -> None:
    newer, older = (KnowledgeBase(p).current() for p in older_and_newer)
    fields = [set(older.snap.searcher.stored_fields(0)), set(newer.snap.searcher.stored_fields(0))]
    assert not fields[0] & set(NEWER_FIELDS) and "names" in fields[1]  # the two really differ
    assert older.snap.views is None and newer.snap.views is not None  # today's views live in views.bin
    assert [(v.snap.path / TABLES).is_file() for v in (older, newer)] == [False, True]
    for q in QUERIES + [""]:
        params = parse_params({"q": q}, {"kind": ["condition"]} if not q else {})
        assert older.search(params).json == newer.search(params).json, q
    for prefix in ("sc", "mass", "jaw"):
        assert older.suggest(prefix) == newer.suggest(prefix)
    for entry_id in ("condition-sciatica", "technique-massage-therapy"):
        assert json.dumps(older.entry(entry_id)) == json.dumps(newer.entry(entry_id))
