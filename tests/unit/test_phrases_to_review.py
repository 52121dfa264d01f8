"""Unknown phrases in a list of conditions that do not read as names: never entries, kept for the clinic to review."""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.html_article import parse_html
from ingest.merge import merge
from ingest.review import MAX_TO_REVIEW, phrases_to_review
from kb.model import Extraction
from kb.vocabulary import Vocabulary

PAGE = ("<html><body><main><h1>Foot clinic</h1><p>Our podiatrists see feet of all ages every day in the clinic, and "
        "every visit starts with a careful look at how you stand and walk, what shoes you wear and what you hope to "
        "get back to doing.</p><h2>Conditions we treat</h2><ul><li>Bunions</li><li>Stiff big toe</li>"
        "<li>Whatever is slowing you down</li><li>Amazing relief in one visit</li><li>Curly toes</li></ul>"
        "</main></body></html>")


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


def test_names_become_entries_and_the_rest_are_only_to_review(vocab: Vocabulary) -> None:
    ex = extract(parse_html(PAGE, "feet.html"), vocab)
    names = {e.name for e in merge([ex], vocab) if e.kind == "condition"}
    assert {"Stiff big toe", "Curly toes"} <= names
    assert [(k, p, s) for k, p, s, _ in ex.to_review] == [
        ("condition", "Whatever is slowing you down", "Conditions we treat"),
        ("condition", "Amazing relief in one visit", "Conditions we treat")]
    assert not {p for _, p, _, _ in ex.to_review} & names
    assert Extraction.from_dict(ex.to_dict()) == ex  # kept with the version, for `kb ingest --add`


def test_the_report_is_deduplicated_bounded_and_leaves_out_what_an_entry_names(vocab: Vocabulary) -> None:
    a = extract(parse_html(PAGE, "a.html"), vocab)
    b = extract(parse_html(PAGE.replace("Whatever is slowing", "WHATEVER IS SLOWING"), "b.html"), vocab)
    b.to_review.append(("condition", "curly toes", "Conditions we treat", "curly toes"))  # an entry's name
    listed, total = phrases_to_review([a, b], merge([a, b], vocab))
    assert total == 2
    assert [(r["phrase"], r["kind"], r["path"], r["title"]) for r in listed] == [
        ("Whatever is slowing you down", "condition", "a.html", "Foot clinic"),
        ("Amazing relief in one visit", "condition", "a.html", "Foot clinic")]
    assert set(listed[0]) == {"phrase", "kind", "article_id", "path", "title", "section", "sentence"}
    many = Extraction("x", "x.html", "X", None, None, None, None,
                      to_review=[("benefit", f"phrase {n}", "S", "s") for n in range(MAX_TO_REVIEW + 5)])
    listed, total = phrases_to_review([many], [])
    assert (len(listed), total) == (MAX_TO_REVIEW, MAX_TO_REVIEW + 5)
