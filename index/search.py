"""Run a search on a snapshot and build the contract's search object (shared by HTML, JSON and CLI)."""

from __future__ import annotations

import math
import re
from array import array
from functools import cache
from typing import Any

from whoosh import query as Q
from whoosh.query import spans

from index.analysis import analyse, plain_analyzer, stemming_analyzer
from index.answers import build_answer
from index.clinic_names import ClinicName, clinic_phrases, common_words
from index.errors import NotFound
from index.notices import emergency_notice, no_results_notice
from index.params import SearchParams
from index.query import Group, ParsedQuery, group_query, is_specific, max_edits, parse_query, query_phrases, synonyms_of
from index.ranking import Ranking
from index.reader import Snapshot
from index.schema import FACETS
from index.scoring import (
    Hits,
    bits_of,
    count,
    fuzzy_hits,
    near_hits,
    partition,
    phrase_hits,
    searched_hits,
    term_hits,
    union,
)
from index.snippets import Stems, generic_stems, highlight, query_stems, ranked_sources
from index.typos import nearest_word
from kb.cues import Cues
from kb.vocabulary import Vocabulary

MAX_RESULT_SOURCES = 5
# Shares of the query's weight (its groups, each weighted by how rare its matches are). The best document must
# match PRESENT_SHARE of it, or the query presents nothing: "physio for horses or dogs" shares one common word
# with the articles. A document matching LIST_SHARE of it is listed: partial matches fall back to the best pages.
PRESENT_SHARE = 0.55
LIST_SHARE = 0.25
MIN_PLACE_LETTERS = 4  # a word of a clinic's address that names it in a query ("Leeds", "Hackney")
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
    stemmer = stemming_analyzer()
    for g in parsed.groups:
        if g.misspelt and g.terms:
            fixes.append((g.text, g.terms[0].name.lower()))
            continue
        word = g.text.lower()
        if not g.terms and not g.exact and max_edits(word) and not reader.frequency("text_plain", word):
            right = _nearest_word(snap, word)
            # "bruises" for "bruise" is the same word to the stemmed search: nothing to correct
            if right and analyse(stemmer, right) != analyse(stemmer, word):
                fixes.append((g.text, right))
    text = parsed.text
    for typed, right in fixes:
        text = re.sub(rf"(?<!\w){re.escape(typed)}(?!\w)", right, text, count=1, flags=re.IGNORECASE)
    return text if fixes else None


def _nearest_word(snap: Snapshot, word: str) -> str | None:
    """The indexed word nearest `word` by edit distance, names first, or None."""
    for fieldname in ("names_plain", "text_plain"):
        found = nearest_word(snap.searcher, fieldname, word, max_edits(word), prefix=1)
        if found:
            return found
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
        term = lambda t: leaf_scores(snap, t)  # noqa: E731
        stored = snap.term_scores.positions if snap.term_scores else None
        hits = None
        if type(leaf) is Q.Term:
            hits = snap.term_scores.hits(leaf.fieldname, leaf.text) if snap.term_scores else None
            if hits is None:
                hits = term_hits(snap.searcher, snap.field_lengths, leaf)
        elif type(leaf) is Q.Phrase:
            hits = phrase_hits(snap.searcher, term, leaf, stored)
        elif type(leaf) is Q.FuzzyTerm:
            hits = fuzzy_hits(snap.searcher, term, leaf)
        elif type(leaf) is spans.SpanNear2:
            hits = near_hits(snap.searcher, term, leaf, stored)
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


Cells = dict[tuple[int, ...], int]  # which of the query's groups (their indexes) to the documents matching just those


def _coverage(weights: list[float], cells: Cells) -> dict[tuple[int, ...], float]:
    """Per cell of the matches, the weight of the query's groups its documents match."""
    out: dict[tuple[int, ...], float] = {}
    for held in cells:
        c = 0.0
        for i in held:  # added in the groups' order, one by one: the same sum for every document of the cell
            c += weights[i]
        out[held] = c
    return out


def _presentable(said: dict[tuple[int, ...], float], is_named: list[bool], total: float, asked: int) -> bool:
    """Whether some document matches more than PRESENT_SHARE of what the query asks (its first `asked` groups), and
    a vocabulary term it names or two of its words: a page that only says "spinal canal" is no answer to "root
    canal"."""
    need = min(2, asked)
    for held, c in said.items():
        words = [i for i in held if i < asked]
        if words and c >= PRESENT_SHARE * total and (any(is_named[i] for i in words) or len(words) >= need):
            return True
    return False


def _address_matches(snap: Snapshot, group: Group, common: frozenset[str]) -> int:
    """The clinic entries (a bit set) whose contact facts (address, town) hold a free word of the query that is
    no vocabulary word and no word of what clinics are called (`common`: "therapy", "massage")."""
    if group.terms or group.clinic:
        return 0
    found = 0
    for word in analyse(plain_analyzer(), group.text):
        if len(word) >= MIN_PLACE_LETTERS and not word.isdigit() and word not in common:
            found |= leaf_scores(snap, Q.Term("contact", word)).bits
    return found & snap.facet_bits.get("kind", {}).get("clinic", 0)


def ranked_matches(snap: Snapshot, parsed: ParsedQuery, params: SearchParams,
                   common: frozenset[str] = frozenset()) -> Ranking:
    """Matches before facet filters: the entries the query names, then every document matching enough of the
    query, by how much of it (each group weighted by how rare its matches are) and then by score. Nothing at all
    when no document matches enough of the query: a query whose only matches share a common word with it (or
    whose topic only page furniture named, which is not indexed) presents nothing. Sets are bit sets, split into
    cells by which groups match them (a few groups, so a few cells); a page sorts only what it shows
    (index/ranking.py)."""
    if not parsed.groups and not parsed.desk:
        if not params.filters:
            return Ranking()
        return Ranking.of_list(snap.tables.by_support)
    scored = [group_scores(snap, group_query(g)) for g in parsed.groups]
    is_named = [bool(g.terms or g.clinic) for g in parsed.groups]
    for topic in parsed.desk:  # a front-desk question also matches the documents that state such a fact
        scored.append(group_scores(snap, Q.Term("desk", topic, boost=DESK_BOOST)))
        is_named.append(False)
    sets = [bits for bits, _ in scored]
    # A group's weight: how rare its matches are (a word nothing matches weighs most: the query is about it).
    n_docs = max(1, snap.searcher.doc_count())
    weights = [(NAMED_GROUP_WEIGHT if n else 1.0) * math.log(1 + n_docs / (1 + count(s)))
               for n, s in zip(is_named, sets, strict=True)]
    # What the query must cover is its words: a front-desk topic ("how many sessions") is what it asks about them,
    # so it ranks the pages stating such a fact first, but a page need not state one to be presented (unless the
    # question is only that: "opening hours").
    asked = len(parsed.groups) or len(sets)
    total = sum(weights[:asked])
    # The pages of a clinic the query names answer it whatever else it says ("Brightwater emergency number"), and
    # so do the clinics whose address holds a word of it ("Hackney osteopath opening times").
    clinic_pages = union([s for g, s in zip(parsed.groups, sets[: len(parsed.groups)], strict=True) if g.clinic]
                         + [_address_matches(snap, g, common) for g in parsed.groups])
    cells = partition(union(sets) | clinic_pages, sets)
    coverage = _coverage(weights, cells)
    said = _coverage([w if i < asked else 0.0 for i, w in enumerate(weights)], cells)
    if not clinic_pages and not _presentable(said, is_named, total, asked):
        return Ranking()
    lead: list[int] = []
    if any(is_named):
        named = union([s for n, s in zip(is_named, sets, strict=True) if n])
        # The entries the query names, those it names fully ("sciatia") before those it names by a generic word
        # ("massage" for Massage therapy).
        for specific in (True, False):
            own = [snap.ids[t.id] for g in parsed.groups for t in g.terms
                   if t.id in snap.ids and is_specific(g, t) == specific]
            own += [snap.ids[g.clinic.id] for g in parsed.groups if specific and g.clinic and g.clinic.id in snap.ids]
            lead.append(bits_of(own) & named)
    listed = union([bits for held, bits in cells.items() if said[held] and said[held] >= LIST_SHARE * total])
    listed |= clinic_pages
    by_coverage: dict[float, int] = {}  # coverage (as ranked: to one decimal) to the documents with it
    for held, bits in cells.items():
        key = round(coverage[held], 1)
        by_coverage[key] = by_coverage.get(key, 0) | bits
    seen = 0
    buckets: list[int] = []
    for tier in [*lead, listed]:
        for key in sorted(by_coverage, reverse=True):
            if bucket := tier & by_coverage[key] & ~seen:
                buckets.append(bucket)
        seen |= tier
    return Ranking(seen, buckets, [found for _, found in scored])


@cache
def _phrase_keys(vocab: Vocabulary) -> frozenset[tuple[str, ...]]:
    return frozenset(query_phrases(vocab))


def _clinic_phrases(snap: Snapshot, vocab: Vocabulary, cues: Cues) -> dict[tuple[str, ...], ClinicName]:
    """The phrases naming this version's clinics (computed once per version and kept with it: any query of this
    version reads them)."""
    def compute() -> dict[tuple[str, ...], ClinicName]:
        clinics = [(r.name, r.id) for r in snap.tables.rows.values() if r.kind == "clinic"]
        return clinic_phrases(clinics, vocab, cues, _phrase_keys(vocab))
    found: dict[tuple[str, ...], ClinicName] = snap.derive("clinic-phrases", compute)
    return found


def _mark_unknown_words(snap: Snapshot, parsed: ParsedQuery) -> None:
    """Flag free words the index has never seen: only those get typo-tolerant (fuzzy) variants."""
    reader = snap.searcher.reader()
    for g in parsed.groups:
        if not g.terms:
            # As typed, or by its stem ("arm" is known from "arms").
            g.known = (any(reader.frequency("text_plain", w) for w in analyse(plain_analyzer(), g.text))
                       or any(reader.frequency("evidence", w) for w in analyse(stemming_analyzer(), g.text))
                       or bool(synonyms_of(g.text)))


def search(snap: Snapshot, params: SearchParams, vocab: Vocabulary, cues: Cues,
           country: str | None = None) -> dict[str, Any]:
    """The contract's search object for `params` (without entry URLs: the web layer names those); NotFound past
    the last page. An emergency notice names `country`'s numbers and stands alone: no answer card beside it."""
    parsed = parse_query(params.q, vocab, cues, _clinic_phrases(snap, vocab, cues))
    _mark_unknown_words(snap, parsed)
    ranked = ranked_matches(snap, parsed, params, common_words(vocab, cues))
    allowed = _allowed(snap, _filters(params))
    total = ranked.total(allowed)
    pages = max(1, -(-total // params.per_page))
    if params.page > pages:
        raise NotFound(f"page {params.page} is past the last page ({pages})")
    corrected = _correction(snap, parsed) if parsed.groups else None
    stems = query_stems(parsed, corrected, generic_stems(vocab))
    start = (params.page - 1) * params.per_page
    shown: set[str] = set()  # snippets so far: each result quotes its own best sentence, not one list for all
    defined = _defined(parsed)
    results = []
    for d, score in ranked.page(allowed, start, start + params.per_page):
        results.append(_result(snap, d, score, stems, shown, defined))
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


def _defined(parsed: ParsedQuery) -> dict[str, tuple[str, ...]]:
    """For "what is X": X's entry id to the names a sentence may call it by (as typed, its name and aliases)."""
    if not parsed.definition:
        return {}
    return {t.id: (g.text, t.name, *t.aliases, *t.acronyms) for g in parsed.groups for t in g.terms}


def _result(snap: Snapshot, docnum: int, score: float, stems: Stems, avoid: set[str],
            defined: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    view = snap.view_at(docnum)
    entry = view.head
    sources = ranked_sources(view, stems, snap.postings_at(docnum), MAX_RESULT_SOURCES, avoid,
                             defined.get(entry["id"], ()))
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
