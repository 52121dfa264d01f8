"""Scores read straight from postings (and from the term file written at build time) equal Whoosh's own search, on
a small Whoosh index on disk; bit sets and the page-at-a-time ranking agree with a plain sort of every match."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.query import spans

from index.analysis import stemming_analyzer
from index.ranking import Ranking
from index.scoring import (
    Hits,
    bits_of,
    docs_of,
    fuzzy_hits,
    near_hits,
    partition,
    phrase_hits,
    searched_hits,
    term_hits,
    union,
)
from index.term_file import open_term_scores, write_term_scores
from index.typos import nearest_word, words_within

TEXTS = [
    "Deep tissue massage eases a stiff neck and the lower back.",
    "Back pain: massage, stretching and heat. Massage again for back pain.",
    "Swedish massage relaxes; deep breathing helps the back back home.",
    "Nothing here about the subject at all.",
    "Lower back pain and neck pain, lower back pain again, deep tissue work.",
    "Pain in the neck after work; a massag of the neck, the back and then the lower back helps.",
    "Backs hurt: a neck massages well.",
] * 60  # 300 documents: posting lists span several blocks of 128


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path: Path = tmp_path_factory.mktemp("scoring")
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=stemming_analyzer(), phrase=True),
                    title=TEXT(analyzer=stemming_analyzer(), phrase=False), tag=KEYWORD(scorable=True))
    ix = whoosh_index.create_in(str(path), schema)
    writer = ix.writer()
    for i, text in enumerate(TEXTS):
        writer.add_document(id=str(i), body=text, title=text.split(".")[0], tag="even" if i % 2 else "odd")
    writer.commit()
    opened = ix.searcher()
    yield opened
    opened.close()


def lengths_of(searcher: Any) -> Any:
    reader = searcher.reader()
    return lambda name: array("i", ((reader.doc_field_length(d, name, 1) or 1) for d in range(reader.doc_count_all())))


def same(a: Hits, b: Hits) -> bool:
    return list(a.ids) == list(b.ids) and list(a.scores) == list(b.scores) and a.bits == b.bits


@pytest.mark.parametrize("leaf", [Q.Term("body", "massag"), Q.Term("body", "back", boost=2.5),
                                  Q.Term("title", "pain", boost=1.5), Q.Term("tag", "even", boost=4.0),
                                  Q.Term("body", "absent")])
def test_a_terms_scores_from_its_postings_are_whooshs_to_the_bit(searcher: Any, leaf: Q.Term) -> None:
    fast = term_hits(searcher, lengths_of(searcher), leaf)
    assert fast is not None
    assert same(fast, searched_hits(searcher, leaf))


@pytest.mark.parametrize("leaf", [Q.Phrase("body", ["deep", "tissu", "massag"]),
                                  Q.Phrase("body", ["lower", "back", "pain"], boost=0.5),
                                  Q.Phrase("body", ["back", "back"]), Q.Phrase("body", ["neck", "deep"]),
                                  Q.Phrase("body", ["absent", "word"])])
def test_a_phrases_matches_and_scores_are_whooshs(searcher: Any, leaf: Q.Phrase) -> None:
    lengths = lengths_of(searcher)

    def term(t: Q.Term) -> Hits:
        found = term_hits(searcher, lengths, t)
        assert found is not None
        return found

    fast = phrase_hits(searcher, term, leaf)
    assert fast is not None
    assert same(fast, searched_hits(searcher, leaf))


def terms_of(searcher: Any) -> Any:
    lengths = lengths_of(searcher)

    def term(t: Q.Term) -> Hits:
        if t.boost != 1.0:
            return term(Q.Term(t.fieldname, t.text)).scaled(t.boost)
        found = term_hits(searcher, lengths, t)
        assert found is not None
        return found
    return term


@pytest.mark.parametrize("words, slop, ordered", [(["neck", "massag"], 3, False), (["back", "pain"], 3, False),
                                                  (["lower", "back", "pain"], 3, False), (["back", "neck"], 1, True),
                                                  (["back", "back"], 2, False), (["neck", "absent"], 3, False)])
def test_words_close_together_match_and_score_as_whooshs_span_query(searcher: Any, words: list[str], slop: int,
                                                                     ordered: bool) -> None:
    leaf = spans.SpanNear2([Q.Term("body", w) for w in words], slop=slop, ordered=ordered).with_boost(0.5)
    fast = near_hits(searcher, terms_of(searcher), leaf)
    assert fast is not None
    assert same(fast, searched_hits(searcher, leaf))


def test_phrases_and_near_words_read_from_stored_positions_are_the_same(searcher: Any, tmp_path: Path) -> None:
    write_term_scores(tmp_path, searcher, min_docs=100)
    stored = open_term_scores(tmp_path)
    assert stored is not None
    for leaf in [Q.Phrase("body", ["lower", "back", "pain"]), Q.Phrase("body", ["back", "back"])]:
        fast = phrase_hits(searcher, terms_of(searcher), leaf, stored.positions)
        assert fast is not None and same(fast, searched_hits(searcher, leaf))
    near = spans.SpanNear2([Q.Term("body", w) for w in ("neck", "massag")], slop=3, ordered=False)
    fast = near_hits(searcher, terms_of(searcher), near, stored.positions)
    assert fast is not None and same(fast, searched_hits(searcher, near))
    stored.close()


@pytest.mark.parametrize("text, edits", [("masage", 1), ("neks", 1), ("bakc", 2), ("zzzzz", 1)])
def test_a_fuzzy_terms_matches_and_scores_are_whooshs(searcher: Any, text: str, edits: int) -> None:
    leaf = Q.FuzzyTerm("body", text, boost=0.25, maxdist=edits, prefixlength=1)
    fast = fuzzy_hits(searcher, terms_of(searcher), leaf)
    expanded = list(searcher.reader().terms_within("body", text, edits, prefix=1))
    assert (fast is None) == (len(expanded) > 2)  # more than two words: Whoosh adds them in its own order
    assert fast is None or same(fast, searched_hits(searcher, leaf))


def test_the_term_file_holds_whooshs_scores_of_every_frequent_term(searcher: Any, tmp_path: Path) -> None:
    assert write_term_scores(tmp_path, searcher, min_docs=100) > 0
    stored = open_term_scores(tmp_path)
    assert stored is not None
    reader, lengths = searcher.reader(), lengths_of(searcher)
    for fieldname, btext in reader.all_terms():
        text = btext.decode("utf-8")
        found = stored.hits(fieldname, text)
        frequent = fieldname in ("body", "title", "tag") and reader.doc_frequency(fieldname, btext) >= 100
        assert (found is not None) == frequent, (fieldname, text)
        if found is not None:
            expected = term_hits(searcher, lengths, Q.Term(fieldname, text))
            assert expected is not None and same(found, expected)
            docs = list(expected.ids)[::7]
            positions = stored.positions(fieldname, text, docs)
            if fieldname == "body":  # the field with positions
                postings = reader.postings(fieldname, btext)
                whooshs = {}
                while postings.is_active():
                    whooshs[postings.id()] = postings.value_as("positions")
                    postings.next()
                assert positions == {d: whooshs[d] for d in docs}
            else:
                assert positions is None
    stored.close()
    assert open_term_scores(tmp_path / "absent") is None


def test_bit_sets_hold_the_documents_they_were_made_of() -> None:
    docs = [0, 3, 64, 65, 1000, 4097]
    assert docs_of(bits_of(docs)) == docs
    assert docs_of(0) == [] and bits_of([]) == 0
    parts = partition(bits_of(range(6)), [bits_of([0, 1, 2]), bits_of([2, 3])])
    assert {k: docs_of(v) for k, v in parts.items()} == {(0,): [0, 1], (0, 1): [2], (1,): [3], (): [4, 5]}


def test_a_page_read_bucket_by_bucket_is_the_slice_of_the_whole_order() -> None:
    n = 500
    scores = array("d", ((d * 7919) % 101 / 10 for d in range(n)))  # ties included
    buckets = [bits_of(range(0, n, 3)), bits_of(d for d in range(n) if d % 3 == 1), bits_of(range(2, n, 3))]
    ranking = Ranking(union(buckets), buckets, [scores])
    whole = [(d, scores[d]) for b in buckets for d in sorted(docs_of(b), key=lambda d: (-scores[d], d))]
    assert list(ranking) == whole and len(ranking) == n
    pages = [p for start in range(0, n, 10) for p in ranking.page(None, start, start + 10)]
    assert pages == whole
    allowed = bits_of(range(0, n, 2))
    kept = [(d, s) for d, s in whole if d % 2 == 0]
    assert ranking.total(allowed) == len(kept)
    assert ranking.page(allowed, 20, 30) == kept[20:30]


@pytest.mark.parametrize("word, edits", [("masage", 1), ("nek", 1), ("bakc", 2), ("stretchng", 2), ("zzzzz", 1)])
def test_typed_words_find_what_whoosh_finds(searcher: Any, word: str, edits: int) -> None:
    reader = searcher.reader()
    assert sorted(words_within(reader, "body", word, edits, 1)) == sorted(reader.terms_within("body", word, edits,
                                                                                               prefix=1))
    found = searcher.suggest("body", word, limit=1, maxdist=edits, prefix=1)
    assert nearest_word(searcher, "body", word, edits, prefix=1) == (found[0] if found else None)
