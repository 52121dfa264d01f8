"""The views file gives back each document's stored view and passage postings by document number."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.entry_view import EntryView, encode_view
from index.passages import encode_postings
from index.view_file import ViewWriter, open_views


def _document(i: int) -> dict[str, object]:
    entry = {"id": f"e{i}", "kind": "condition", "name": f"Name {i}", "summary": "",
             "sources": [{"article_id": f"a{i}", "title": "T"}],
             "passages": [{"sentence": f"Sentence {i} about necks.", "article_id": f"a{i}", "context": "prose"}]}
    return {"id": f"e{i}", "view": encode_view(entry), "passage_stems": encode_postings([f"Sentence {i} about necks."])}


def test_views_come_back_by_document_number(tmp_path: Path) -> None:
    writer = ViewWriter(tmp_path)
    documents = [_document(i) for i in range(5)]
    assert [writer.add(d) for d in documents] == [{"id": f"e{i}"} for i in range(5)]
    writer.finish(5)
    views = open_views(tmp_path)
    assert views is not None and len(views) == 5
    for i, d in enumerate(documents):
        view, stems = views.at(i)
        assert view == d["view"] and stems == d["passage_stems"]
        assert EntryView(view).head["name"] == f"Name {i}"
    with pytest.raises(KeyError):
        views.at(5)
    views.close()
    assert open_views(tmp_path / "absent") is None


def test_a_count_that_differs_from_the_index_is_refused(tmp_path: Path) -> None:
    writer = ViewWriter(tmp_path)
    writer.add(_document(0))
    with pytest.raises(ValueError, match="1 views for 2 documents"):
        writer.finish(2)


def test_documents_of_an_older_mapping_keep_everything_in_whoosh(tmp_path: Path) -> None:
    writer = ViewWriter(tmp_path)
    older = {"id": "e0", "payload": "{}"}
    assert writer.add(older) is older
    writer.finish(1)
    assert open_views(tmp_path) is None
    mixed = ViewWriter(tmp_path)
    mixed.add(older)
    with pytest.raises(ValueError, match="with a view after one without"):
        mixed.add(_document(1))
    mixed.cancel()
