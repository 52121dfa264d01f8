"""Run a search on a snapshot and build the contract's search object (shared by HTML, JSON and CLI)."""

from __future__ import annotations

import math
import re
from array import array
from typing import Any

from whoosh import query as Q

from index.analysis import analyse, plain_analyzer
from index.answers import build_answer
from index.errors import NotFound
from index.notices import emergency_notice, no_results_notice
from index.params import SearchParams
from index.query import ParsedQuery, group_query, is_specific, max_edits, parse_query
from index.ranking import Ranking
from index.reader import Snapshot
from index.schema import FACETS
from index.scoring import Hits, bits_of, count, intersection, partition, phrase_hits, searched_hits, term_hits, union
from index.snippets import Stems, generic_stems, highlight, query_stems, ranked_sources
from kb.cues import Cues
from kb.vocabulary import Vocabulary

MAX_RESULT_SOURCES = 5
# A query with no vocabulary term still finds documents matching most of its words ("heel hurts first step
# out of bed"), but never fewer than two of them: one shared word is how out-of-scope queries leak in.
MIN_FREE_WORDS_FOR_PARTIAL = 2
PARTIAL_MATCH_SHARE = 40  # percent of the free words
MAX_FACET_VALUES = 25
DESK_BOOST = 4.0  # a document stating the fact a front-desk question asks for (a price, the hours)
NAMED_GROUP_WEIGHT = 1.5  # matching a vocabulary term the query names counts for more than one free word


def _filters(params: SearchParams, skip: str | None = None) -> list[tuple[str, set[str]]]:
    """The selected values per facet (OR within a facet), leaving out `skip`'s own selection."""
    return [(facet, set(values)) for facet, values in params.filters if facet != skip]


def _allowed(snap: Snapshot, filters: list[tuple[str, set[str]]]) -> int | None:
    """The documents with a selected value of every filtered facet (AND across facets, OR within), as a bit set;
    None when nothing is filtered."""
    allowed: int | None = None
    for facet, values in filters:
        bits = union([snap.facet_bits.get(facet, {}).get(v, 0) for v in values])
        allowed = bits if allowed is None else allowed & bits
    return allowed


def facet_counts(snap: Snapshot, matched: int, params: SearchParams) -> dict[str, list[dict[str, Any]]]:
    """Counts per facet value over the matches (a bit set), each facet ignoring its own selection (OR within, AND
    across): one bit count per value, from the per-value document sets read when the snapshot opened."""
    out: dict[str, list[dict[str, Any]]] = {}
    for facet in FACETS:
        others = _allowed(snap, _filters(params, skip=facet))
        base = matched if others is None else matched & others
        counts = {v: n for v, bits in snap.facet_bits.get(facet, {}).items() if base and (n := count(base & bits))}
        selected = set(params.selected(facet))
        values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))[:MAX_FACET_VALUES]
        shown = {v for v, _ in values}
        values += [(v, counts.get(v, 0)) for v in sorted(selected - shown)]
        out[facet] = [{"value": v, "count": n, "selected": v in selected} for v, n in values]
    return out


def _correction(snap: Snapshot, parsed: ParsedQuery) -> str | None:
    """The query as typed with its misspelt words corrected (intent words kept), or None when none is."""
    fixes: list[tuple[str, str]] = []
    reader = snap.searcher.reader()
    for g in parsed.groups:
        if g.misspelt and g.terms:
            fixes.append((g.text, g.terms[0].name.lower()))
            continue
        word = g.text.lower()
        if not g.terms and not g.exact and max_edits(word) and not reader.frequency("text_plain", word):
            right = _nearest_word(snap, word)
            if right:
                fixes.append((g.text, right))
    text = parsed.text
    for typed, right in fixes:
        text = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", right, text, count=1, flags=re.IGNORECASE)
    return text if fixes else None


def _nearest_word(snap: Snapshot, word: str) -> str | None:
    """The indexed word nearest `word` by edit distance, names first, or None."""
    for fieldname in ("names_plain", "text_plain"):
        found = snap.searcher.suggest(fieldname, word, limit=1, maxdist=max_edits(word), prefix=1)
        if found:
            return str(found[0])
    return None


def _leaves(query: Q.Query) -> list[Q.Query]:
    """The terms and phrases an Or of Ors is made of, nested boosts multiplied in (a leaf that stands twice is
    listed twice: Whoosh's search scores it twice)."""
    if isinstance(query, Q.Or):
        boost = float(getattr(query, "boost", 1.0))
        return [leaf.with_boost(getattr(leaf, "boost", 1.0) * boost) for sub in query.subqueries
                for leaf in _leaves(sub)]
    return [] if query is Q.NullQuery else [query]


def leaf_scores(snap: Snapshot, leaf: Q.Query) -> Hits:
    """Every document one term or phrase query matches, with its score, read from the term's postings (per
    version: a word or a name recurs in query after query)."""
    def compute() -> Hits:
        boost = float(getattr(leaf, "boost", 1.0))
        if type(leaf) in (Q.Term, Q.Phrase) and boost != 1.0:  # Whoosh multiplies the unboosted score
            return leaf_scores(snap, leaf.with_boost(1.0)).scaled(boost)
        hits = None
        if type(leaf) is Q.Term:
            hits = term_hits(snap.searcher, snap.field_lengths, leaf)
        elif type(leaf) is Q.Phrase:
            hits = phrase_hits(snap.searcher, lambda term: leaf_scores(snap, term), leaf)
        return hits if hits is not None else searched_hits(snap.searcher, leaf)
    return snap.scores.get_or_compute(leaf, compute, lambda hits: hits.weight)


def group_scores(snap: Snapshot, query: Q.Query) -> tuple[int, array]:
    """The documents one group's query matches (a bit set) and every document's score for it (0.0 where it does
    not match): the sum of the scores of the terms and phrases that match it, as Whoosh scores an Or."""
    def compute() -> tuple[int, array]:
        bits, total = 0, array("d", bytes(8 * snap.searcher.doc_count_all()))
        for leaf in _leaves(query):
            hits = leaf_scores(snap, leaf)
            bits |= hits.bits
            for d, score in zip(hits.ids, hits.scores, strict=True):
                total[d] += score
        return bits, total
    return snap.scores.get_or_compute(("group", query), compute, lambda found: 8 * len(found[1]) + 256)


def ranked_matches(snap: Snapshot, parsed: ParsedQuery, params: SearchParams) -> Ranking:
    """Matches before facet filters, in tiers, each ranked by score: the entries the query names, then documents
    matching every part of the query, then every named term, then any named term; with no named term, then the
    documents matching most of the free words. Sets are bit sets; a page sorts only what it shows (index/ranking.py)."""
    if not parsed.groups and not parsed.desk:
        if not params.filters:
            return Ranking()
        return Ranking.of_list(snap.tables.by_support)
    scored = [group_scores(snap, group_query(g)) for g in parsed.groups]
    is_named = [bool(g.terms) for g in parsed.groups]
    for topic in parsed.desk:  # a front-desk question also matches the documents that state such a fact
        scored.append(group_scores(snap, Q.Term("desk", topic, boost=DESK_BOOST)))
        is_named.append(False)
    sets = [bits for bits, _ in scored]
    named = [s for n, s in zip(is_named, sets, strict=True) if n]
    free = [s for n, s in zip(is_named, sets, strict=True) if not n]
    tiers: list[int] = []
    if named:
        # The entries the query names, those it names fully ("sciatia") before those it names by a generic word
        # ("massage" for Massage therapy).
        for specific in (True, False):
            own = bits_of(snap.ids[t.id] for g in parsed.groups for t in g.terms
                          if t.id in snap.ids and is_specific(g, t) == specific)
            tiers.append(own & union(named))
    tiers.append(intersection(sets) if sets else 0)
    if named:
        tiers.append(intersection(named))
        tiers.append(union(named))
    elif len(free) >= MIN_FREE_WORDS_FOR_PARTIAL:
        need = max(MIN_FREE_WORDS_FOR_PARTIAL, -(-len(free) * PARTIAL_MATCH_SHARE // 100))
        tiers.append(union([bits for held, bits in partition(union(free), free).items() if len(held) >= need]))
    matched = union(tiers)
    if not matched:
        return Ranking()
    # A document's score for the whole query is the sum of its groups' scores (as Whoosh scores an Or).
    # After the entries the query names, documents (entries and articles alike) by how much of the query they
    # match, then by score: a page matching four of five words beats one matching a named term alone.
    n_docs = max(1, snap.searcher.doc_count())
    weights = [(NAMED_GROUP_WEIGHT if n else 1.0) * math.log(1 + n_docs / (1 + count(s)))
               for n, s in zip(is_named, sets, strict=True)]
    coverage: dict[float, int] = {}  # coverage to the documents with it
    for held, bits in partition(matched, sets).items():
        key = round(sum(weights[i] for i in held), 1)
        coverage[key] = coverage.get(key, 0) | bits
    lead = tiers[:2] if named else []
    seen = 0
    buckets: list[int] = []
    for tier in [*lead, matched]:
        for key in sorted(coverage, reverse=True):
            if bucket := tier & coverage[key] & ~seen:
                buckets.append(bucket)
        seen |= tier
    return Ranking(matched, buckets, [total for _, total in scored])


def _mark_unknown_words(snap: Snapshot, parsed: ParsedQuery) -> None:
    """Flag free words the index has never seen: only those get typo-tolerant (fuzzy) variants."""
    reader = snap.searcher.reader()
    for g in parsed.groups:
        if not g.terms:
            g.known = any(reader.frequency("text_plain", w) for w in analyse(plain_analyzer(), g.text))


def search(snap: Snapshot, params: SearchParams, vocab: Vocabulary, cues: Cues,
           country: str | None = None) -> dict[str, Any]:
    """The contract's search object for `params` (without entry URLs: the web layer names those); NotFound past
    the last page. An emergency notice names `country`'s numbers and stands alone: no answer card beside it."""
    parsed = parse_query(params.q, vocab, cues)
    _mark_unknown_words(snap, parsed)
    ranked = ranked_matches(snap, parsed, params)
    allowed = _allowed(snap, _filters(params))
    total = ranked.total(allowed)
    pages = max(1, -(-total // params.per_page))
    if params.page > pages:
        raise NotFound(f"page {params.page} is past the last page ({pages})")
    corrected = _correction(snap, parsed) if parsed.groups else None
    stems = query_stems(parsed, corrected, generic_stems(vocab))
    start = (params.page - 1) * params.per_page
    shown: set[str] = set()  # snippets so far: each result quotes its own best sentence, not one list for all
    results = []
    for d, score in ranked.page(allowed, start, start + params.per_page):
        results.append(_result(snap, d, score, stems, shown))
        shown.add(results[-1]["sources"][0]["sentence"] if results[-1]["sources"] else "")
    if corrected and corrected.lower() == params.q.lower():
        corrected = None
    # "Nothing covers this" only when the query itself matched nothing, not when the filters emptied the page.
    emergency = emergency_notice(params.q, country)
    notice = emergency or (no_results_notice(params.q, snap) if params.q and not ranked else None)
    return {
        "query": params.q,
        "corrected_query": corrected,
        "total": total,
        "page": params.page,
        "per_page": params.per_page,
        "results": results,
        "facets": facet_counts(snap, ranked.matched, params),
        "answer": (build_answer(_answer_query(parsed, corrected, vocab, cues), results, snap)
                   if results and not emergency else None),
        "notice": notice,
    }


def _answer_query(parsed: ParsedQuery, corrected: str | None, vocab: Vocabulary, cues: Cues) -> ParsedQuery:
    """The query the answer card reads: as typed, or as corrected when only the correction names a term."""
    if parsed.terms or not corrected:
        return parsed
    fixed = parse_query(corrected, vocab, cues)
    fixed.contact = fixed.contact or parsed.contact
    return fixed


def _result(snap: Snapshot, docnum: int, score: float, stems: Stems, avoid: set[str]) -> dict[str, Any]:
    view = snap.view_at(docnum)
    entry = view.head
    sources = ranked_sources(view, stems, snap.postings_at(docnum), MAX_RESULT_SOURCES, avoid)
    anchors = [s.pop("anchor", None) for s in sources]  # an article's best section, for its deep link
    quoted = sources[0]["sentence"] if sources else entry.get("summary", "")
    result = {
        "id": entry["id"],
        "kind": entry["kind"],
        "name": entry["name"],
        "summary": entry.get("summary", ""),
        "snippet": highlight(quoted, stems.all),
        "score": round(score, 4),
        "facets": {f: list(v) for f, v in snap.facets[docnum].items() if f != "kind"},
        "sources": sources,
        "source_count": view.source_count,
        "contact": entry.get("contact"),
    }
    if entry["kind"] == "article":
        result["section"] = anchors[0] if anchors else None
    return result
