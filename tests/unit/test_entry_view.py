"""The stored form of an entry: a head, and sources and passages read one at a time or all together."""

from __future__ import annotations

import copy
import json
import pickle

from index.entry_view import NO_SOURCE, EntryView, encode_view

ENTRY = {
    "id": "condition-tmj", "kind": "condition", "name": "Temporomandibular joint dysfunction", "summary": "Jaw pain.",
    "sources": [
        {"article_id": "a1", "title": "Mâchoire, “jaw” & you", "clinic": "Clinique Été", "sentence": "TMJ… ça."},
        {"article_id": "a2", "title": "Jaw clicking", "clinic": None, "sentence": "Clicking, popping."},
    ],
    "passages": [
        {"article_id": "a2", "section": "Intro", "sentence": "Jaw clicking is common.", "context": "prose"},
        {"article_id": "zz", "section": "Other", "sentence": "An article not among the sources.", "context": "list"},
        {"article_id": "a1", "section": "Été", "sentence": "La mâchoire — “TMJ”.", "context": "heading"},
    ],
    "related": [{"id": "clinic-ete", "kind": "clinic", "name": "Clinique Été"}],
    "contact": None,
}


def test_parts_read_alone_equal_the_entry_after_a_pickle_round_trip() -> None:
    view = EntryView(pickle.loads(pickle.dumps(encode_view(ENTRY))))  # as Whoosh stores a STORED field
    assert view.head["name"] == ENTRY["name"] and "sources" not in view.head and "passages" not in view.head
    assert view.source_count == 2
    assert [view.source(i) for i in range(2)] == ENTRY["sources"]
    assert [view.passage(i) for i in range(3)] == ENTRY["passages"]
    assert list(view.passage_source) == [1, NO_SOURCE, 0]
    assert [view.context(i) for i in range(3)] == ["prose", "list", "heading"]
    assert view.clinic_articles == {"Clinique Été": 1}
    assert json.dumps(view.entry()) == json.dumps(ENTRY)  # the same keys in the same order


def test_an_entry_without_sources_or_passages() -> None:
    view = EntryView.of_entry({"id": "benefit-x", "kind": "benefit", "name": "X", "sources": [], "passages": []})
    assert view.source_count == 0 and view.sources() == [] and view.entry()["passages"] == []


def test_a_heads_related_entries_are_decoded_only_when_read() -> None:
    stored = pickle.loads(pickle.dumps(encode_view(ENTRY)))
    assert "related" not in json.loads(stored["head"])
    view = EntryView(stored)
    assert view.head["name"] == ENTRY["name"] and view.head.get("contact") is None
    assert dict.__contains__(view.head, "related") is False  # not decoded yet
    assert view.head.get("related") == ENTRY["related"]
    assert list(EntryView(stored).head) == [k for k in ENTRY if k not in ("sources", "passages")]  # the entry's order
    for read in (lambda h: h["related"], lambda h: "related" in h, lambda h: dict(h)["related"],
                 lambda h: json.loads(json.dumps(h))["related"], lambda h: {**h}["related"],
                 lambda h: copy.deepcopy(h)["related"], lambda h: pickle.loads(pickle.dumps(h))["related"]):
        assert read(EntryView(stored).head) in (ENTRY["related"], True)
    assert EntryView(stored).head == {k: v for k, v in ENTRY.items() if k not in ("sources", "passages")}
    assert json.dumps(EntryView(stored).entry()) == json.dumps(ENTRY)
