"""The coverage model read over cells of bit sets (index/search.py ranked_matches) orders every labelled query's
matches exactly as the model reads document by document: each document's coverage the summed weight of the groups
matching it, nothing when no document matches enough, then lead tiers and listed documents by coverage and score."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from whoosh import query as Q

from index.clinic_names import common_words
from index.params import SearchParams
from index.query import group_query, is_specific, parse_query
from index.reader import Snapshot
from index.scoring import docs_of
from index.search import (
    DESK_BOOST,
    LIST_SHARE,
    NAMED_GROUP_WEIGHT,
    PRESENT_SHARE,
    _address_matches,
    _clinic_phrases,
    _mark_unknown_words,
    group_scores,
    ranked_matches,
)
from kb.evaluate import load_queries
from kb.knowledge import KnowledgeBase

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXTRA = ["massage", "back pain", "pain", "the", "neck massage prices opening hours", "sciatia", "physio for dogs"]


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path_factory.mktemp("kb-cells"))
    kb.ingest([CORPUS / "pages"])
    return kb


def by_document(snap: Snapshot, kb: KnowledgeBase, q: str) -> list[tuple[int, float]]:
    """The coverage model as issue 16 wrote it, one document at a time."""
    parsed = parse_query(q, kb.vocab, kb.cues, _clinic_phrases(snap, kb.vocab, kb.cues))
    _mark_unknown_words(snap, parsed)
    if not parsed.groups and not parsed.desk:
        return []
    found = [group_scores(snap, group_query(g)) for g in parsed.groups]
    found += [group_scores(snap, Q.Term("desk", t, boost=DESK_BOOST)) for t in parsed.desk]
    is_named = [bool(g.terms or g.clinic) for g in parsed.groups] + [False] * len(parsed.desk)
    sets = [set(docs_of(bits)) for bits, _ in found]
    scored = [{d: total[d] for d in s} for s, (_, total) in zip(sets, found, strict=True)]
    n_docs = max(1, snap.searcher.doc_count())
    weights = [(NAMED_GROUP_WEIGHT if n else 1.0) * math.log(1 + n_docs / (1 + len(s)))
               for n, s in zip(is_named, sets, strict=True)]
    asked = len(parsed.groups) or len(sets)  # the query's words, or its front-desk topics when it is only those
    coverage: dict[int, float] = {}
    said: dict[int, float] = {}
    for i, (w, s) in enumerate(zip(weights, sets, strict=True)):
        for d in s:
            coverage[d] = coverage.get(d, 0.0) + w
            said[d] = said.get(d, 0.0) + (w if i < asked else 0.0)
    total = sum(weights[:asked])
    named = set().union(*(s for n, s in zip(is_named, sets, strict=True) if n))
    common = common_words(kb.vocab, kb.cues)
    clinic_pages = set().union(*(s for g, s in zip(parsed.groups, sets, strict=False) if g.clinic),
                               *(set(docs_of(_address_matches(snap, g, common))) for g in parsed.groups))
    need = min(2, asked)
    if not clinic_pages and not any(
            c and c >= PRESENT_SHARE * total and (d in named or sum(d in s for s in sets[:asked]) >= need)
            for d, c in said.items()):
        return []
    scores = {d: sum(s.get(d, 0.0) for s in scored) for d in coverage.keys() | clinic_pages}
    lead = []
    if any(is_named):
        for specific in (True, False):
            own = {snap.ids[t.id] for g in parsed.groups for t in g.terms
                   if t.id in snap.ids and is_specific(g, t) == specific}
            own |= {snap.ids[g.clinic.id] for g in parsed.groups if specific and g.clinic and g.clinic.id in snap.ids}
            lead.append(own & named)
    listed = {d for d, c in said.items() if c and c >= LIST_SHARE * total} | clinic_pages
    seen: set[int] = set()
    ranked = []
    for tier in [*lead, listed]:
        for d in sorted(tier - seen, key=lambda d: (-round(coverage.get(d, 0.0), 1), -scores[d], d)):
            seen.add(d)
            ranked.append((d, scores[d]))
    return ranked


def test_cells_rank_every_query_as_the_per_document_model_does(corpus_kb: KnowledgeBase) -> None:
    snap = corpus_kb.current().snap
    queries = [q["query"] for q in load_queries(CORPUS / "queries.json")] + EXTRA
    presented = 0
    for q in queries:
        vocab, cues = corpus_kb.vocab, corpus_kb.cues
        parsed = parse_query(q, vocab, cues, _clinic_phrases(snap, vocab, cues))
        _mark_unknown_words(snap, parsed)
        ranking = ranked_matches(snap, parsed, SearchParams(q=q), common_words(vocab, cues))
        expected = by_document(snap, corpus_kb, q)
        assert list(ranking) == expected, q
        assert ranking.total(None) == len(expected)
        presented += bool(expected)
    assert 0 < presented < len(queries)  # some queries present nothing, most present something
