"""Scores of terms and phrases read straight from posting lists, and document sets as bit sets.

A term query's matches are scored block by block from its postings with Whoosh's own BM25F formula (the same
floating-point operations in the same order, so scores are identical to `Searcher.search`), without a `Hit` object
or a sort per match; other queries (phrases, fuzzy terms) go through Whoosh's search. A set of documents is an int
whose bit d is set when document d is in it: unions, intersections and counts are single C operations.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from itertools import compress
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.util.numeric import _length_byte_cache

from index.typos import words_within

_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


class Hits:
    """The documents one query matches, ascending, with their scores, and the same documents as a bit set."""

    __slots__ = ("ids", "scores", "bits")

    def __init__(self, ids: array, scores: array, bits: int | None = None):
        self.ids = ids
        self.scores = scores
        self.bits = bits_of(ids) if bits is None else bits

    def scaled(self, boost: float) -> Hits:
        """The same matches with every score times `boost` (as Whoosh boosts a term or phrase)."""
        return Hits(self.ids, array("d", (s * boost for s in self.scores)), self.bits)

    @property
    def weight(self) -> int:
        """About how many bytes this takes (for the per-version cache's bound)."""
        return 12 * len(self.ids) + self.bits.bit_length() // 8 + 128


def bits_of(docnums: Any) -> int:
    """The bit set of some document numbers."""
    docnums = list(docnums)
    if not docnums:
        return 0
    flags = bytearray(max(docnums) + 1)
    for d in docnums:
        flags[d] = 1
    return int(flags[::-1].translate(_DIGITS).decode("ascii"), 2)


def docs_of(bits: int) -> list[int]:
    """The document numbers in a bit set, ascending."""
    if not bits:
        return []
    flags = bin(bits)[:1:-1].encode("ascii").translate(_ZERO_ONE)
    return list(compress(range(len(flags)), flags))


def count(bits: int) -> int:
    """How many documents a bit set holds."""
    return bits.bit_count()


def union(sets: list[int]) -> int:
    """Documents in any of the sets."""
    out = 0
    for s in sets:
        out |= s
    return out


def intersection(sets: list[int]) -> int:
    """Documents in every one of the (non-empty list of) sets."""
    out = sets[0]
    for s in sets[1:]:
        out &= s
    return out


def partition(universe: int, sets: list[int]) -> dict[tuple[int, ...], int]:
    """The documents of `universe` grouped by which of `sets` hold them: (indexes of those sets) to bit set."""
    parts: dict[tuple[int, ...], int] = {(): universe}
    for i, s in enumerate(sets):
        split: dict[tuple[int, ...], int] = {}
        for key, bits in parts.items():
            inside, outside = bits & s, bits & ~s
            if inside:
                split[(*key, i)] = inside
            if outside:
                split[key] = outside
        parts = split
    return parts


def term_hits(searcher: Any, lengths: Any, leaf: Q.Term) -> Hits | None:
    """A term query's matches scored from its postings, or None when this reader or scorer needs Whoosh's own
    path (several segments, deleted documents, another weighting model)."""
    schema = searcher.schema
    if leaf.fieldname not in schema or not searcher.is_atomic():
        return None
    try:
        text = schema[leaf.fieldname].to_bytes(leaf.text)
    except ValueError:
        return Hits(array("i"), array("d"))
    reader = searcher.reader()
    if reader.has_deletions():
        return None
    if (leaf.fieldname, text) not in reader:
        return Hits(array("i"), array("d"))
    scorer = searcher.weighting.scorer(searcher, leaf.fieldname, text)
    postings = reader.postings(leaf.fieldname, text)
    if not all(hasattr(postings, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        return None
    ids: array = array("i")
    weights: list[float] = []
    while postings.is_active():  # a block (up to 128 postings) at a time
        postings._read_ids()
        postings._read_weights()
        ids.extend(postings._ids)
        weights.extend(postings._weights)
        postings._next_block()
    boost = float(leaf.boost)
    if type(scorer) is WeightScorer:
        scores = array("d", (w * boost for w in weights))
    elif type(scorer) is BM25FScorer:
        idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        fl = lengths(leaf.fieldname)
        # whoosh.scoring.bm25, then the boost as WrappingMatcher applies it.
        scores = array("d", (idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl[d] / avgfl))) * boost
                             for d, tf in zip(ids, weights, strict=True)))
    else:
        return None
    return Hits(ids, scores)


Positions = Callable[[str, str, list[int]], "dict[int, list[int]] | None"]  # stored positions of a term in documents


def phrase_hits(searcher: Any, term: Callable[[Q.Term], Hits], leaf: Q.Phrase,
                stored: Positions | None = None) -> Hits | None:
    """A phrase query's matches scored as Whoosh's phrase matcher scores them (the sum of its words' term scores,
    added as its binary tree of intersections adds them, times the boost), found by intersecting the words' bit
    sets and then reading positions only for the documents holding every word (from `stored` when it has them);
    None when Whoosh must do it."""
    schema = searcher.schema
    if (leaf.fieldname not in schema or not searcher.is_atomic() or leaf.slop != 1 or len(leaf.words) < 2
            or not schema[leaf.fieldname].format.supports("positions")):
        return None
    reader = searcher.reader()
    if reader.has_deletions():
        return None
    field = schema[leaf.fieldname]
    try:
        words = [field.to_bytes(w) for w in leaf.words]
    except ValueError:
        return Hits(array("i"), array("d"))
    if any((leaf.fieldname, w) not in reader for w in words):
        return Hits(array("i"), array("d"))
    hits = [term(Q.Term(leaf.fieldname, w)) for w in leaf.words]
    candidates = docs_of(intersection([h.bits for h in hits]))
    if not candidates:
        return Hits(array("i"), array("d"))
    held = []
    for text, w in zip(leaf.words, words, strict=True):
        found = stored(leaf.fieldname, text, candidates) if stored else None
        if found is None:
            found = _positions(reader.postings(leaf.fieldname, w), field.format.decode_positions, candidates)
        if found is None:
            return None
        held.append(found)
    ids, scores = array("i"), array("d")
    boost = float(leaf.boost)
    for d in candidates:
        if len(held) == 2:  # most phrases: one set operation instead of a loop over positions
            matched = not {x + 1 for x in held[0][d]}.isdisjoint(held[1][d])
        else:
            later = [set(p[d]) for p in held[1:]]
            matched = any(all(x + k in ps for k, ps in enumerate(later, 1)) for x in held[0][d])
        if matched:
            ids.append(d)
            scores.append(_tree_sum([h.scores[bisect_left(h.ids, d)] for h in hits]) * boost)
    return Hits(ids, scores)


def fuzzy_hits(searcher: Any, term: Callable[[Q.Term], Hits], leaf: Q.FuzzyTerm) -> Hits | None:
    """A fuzzy term's matches scored as Whoosh scores them: the words of the field within its edit distance, each
    a term with the fuzzy term's boost, their scores added where several match; None when Whoosh must do it (more
    than two such words: Whoosh adds their scores in an order of its own)."""
    if leaf.fieldname not in searcher.schema or not searcher.is_atomic():
        return None
    words = [w for w in words_within(searcher.reader(), leaf.fieldname, leaf.text, leaf.maxdist, leaf.prefixlength)
             if w]
    if len(words) > 2:
        return None
    if not words:
        return Hits(array("i"), array("d"))
    hits = [term(Q.Term(leaf.fieldname, w, boost=leaf.boost)) for w in words]
    if len(hits) == 1:
        return hits[0]
    a, b = hits
    scores = dict(zip(a.ids, a.scores, strict=True))
    for d, s in zip(b.ids, b.scores, strict=True):
        scores[d] = scores[d] + s if d in scores else s  # a + b == b + a: the order of two is Whoosh's
    merged = sorted(scores.items())
    return Hits(array("i", (d for d, _ in merged)), array("d", (s for _, s in merged)), a.bits | b.bits)


def near_hits(searcher: Any, term: Callable[[Q.Term], Hits], leaf: Any, stored: Positions | None = None) -> Hits | None:
    """A SpanNear2 query's matches (its terms within `slop` positions of each other), scored as Whoosh scores them
    (the terms' scores added as its binary tree of intersections adds them; SpanNear2's own boost is not applied),
    found by intersecting the terms' bit sets and reading positions only for the documents holding every term;
    None when Whoosh must do it."""
    qs = getattr(leaf, "qs", None)
    if not qs or len(qs) < 2 or any(type(q) is not Q.Term or q.boost != 1.0 for q in qs):
        return None
    fieldname = qs[0].fieldname
    schema = searcher.schema
    if (any(q.fieldname != fieldname for q in qs) or fieldname not in schema or not searcher.is_atomic()
            or not schema[fieldname].format.supports("positions")):
        return None
    reader = searcher.reader()
    if reader.has_deletions():
        return None
    field = schema[fieldname]
    try:
        words = [field.to_bytes(q.text) for q in qs]
    except ValueError:
        return Hits(array("i"), array("d"))
    if any((fieldname, w) not in reader for w in words):
        return Hits(array("i"), array("d"))
    hits = [term(q) for q in qs]
    candidates = docs_of(intersection([h.bits for h in hits]))
    if not candidates:
        return Hits(array("i"), array("d"))
    read: dict[bytes, dict[int, list[int]]] = {}
    for q, w in zip(qs, words, strict=True):
        if w not in read:
            found = stored(fieldname, q.text, candidates) if stored else None
            if found is None:
                found = _positions(reader.postings(fieldname, w), field.format.decode_positions, candidates)
            if found is None:
                return None
            read[w] = found
    held = [read[w] for w in words]
    ids, scores = array("i"), array("d")
    for d in candidates:
        if _near(held, d, leaf.slop, leaf.ordered, leaf.mindist):
            ids.append(d)
            scores.append(_tree_sum([h.scores[bisect_left(h.ids, d)] for h in hits]))
    return Hits(ids, scores)


def _near(held: list[dict[int, list[int]]], d: int, slop: int, ordered: bool, mindist: int) -> bool:
    """Whether document `d`'s positions of each term make a span as Whoosh's SpanNear2Matcher finds them (spans
    as (start, end); the same walk, bisection and distance rules)."""
    aspans = sorted((p, p) for p in held[0][d])
    for positions in held[1:]:
        bspans = sorted((p, p) for p in positions[d])
        bstarts = [b[0] for b in bspans]
        spans: set[tuple[int, int]] = set()
        for astart, aend in aspans:
            j = bisect_left(bstarts, astart if ordered else max(0, astart - slop))
            while j < len(bspans):
                bstart, bend = bspans[j]
                j += 1
                if bend < astart - slop or (ordered and astart > bstart):
                    continue
                if bstart > aend + slop:
                    break
                if astart <= bend and bstart <= aend:  # overlapping spans are 0 apart
                    dist = 0
                elif aend < bstart:
                    dist = bstart - aend
                else:
                    dist = astart - bend
                if mindist <= dist <= slop:
                    spans.add((min(astart, bstart), max(aend, bend)))
        if not spans:
            return False
        aspans = sorted(spans)
    return True


def _tree_sum(values: list[float]) -> float:
    """A sum in the order Whoosh's make_binary_tree of IntersectionMatchers adds its children's scores."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def _positions(postings: Any, decode: Callable[[bytes], list[int]], docs: list[int]) -> dict[int, list[int]] | None:
    """The positions of a term in each of `docs` (ascending, each holding the term), reading only the posting
    blocks that hold one of them."""
    if not all(hasattr(postings, a) for a in ("_read_ids", "_read_values", "_next_block", "_maxid")):
        return None
    wanted = set(docs)
    out: dict[int, list[int]] = {}
    i = 0
    while postings.is_active() and i < len(docs):
        if docs[i] <= postings._maxid:
            postings._read_ids()
            block = postings._ids
            found = [j for j, d in enumerate(block) if d in wanted]
            if found:
                postings._read_values()
                for j in found:
                    out[block[j]] = decode(postings._values[j])
            while i < len(docs) and docs[i] <= postings._maxid:
                i += 1
        postings._next_block()
    return out


def searched_hits(searcher: Any, leaf: Q.Query) -> Hits:
    """Any query's matches and scores through Whoosh's search (phrases, fuzzy terms)."""
    found = sorted((hit.docnum, float(hit.score or 0.0)) for hit in searcher.search(leaf, limit=None))
    return Hits(array("i", (d for d, _ in found)), array("d", (s for _, s in found)))


def field_lengths(searcher: Any, fieldname: str) -> array:
    """Every document's length in a field as Whoosh's scorer reads it (1 where the field is empty)."""
    reader = searcher.reader()
    n = reader.doc_count_all()
    column = _length_column(reader, fieldname)
    if column is not None:  # one byte per document: read them at once and decode with Whoosh's own table
        raw = column._dbfile.get(column._basepos, column._count)
        table = array("i", _length_byte_cache)
        table[0] = 1
        return array("i", map(table.__getitem__, raw)) + array("i", [1]) * (n - column._count)
    if hasattr(reader, "doc_field_length_reader"):
        length = reader.doc_field_length_reader(fieldname, 1)
        return array("i", ((length(d) or 1) for d in range(n)))
    return array("i", ((reader.doc_field_length(d, fieldname, 1) or 1) for d in range(n)))


def _length_column(reader: Any, fieldname: str) -> Any:
    """The raw one-byte-per-document length column of a field in Whoosh's own codec, or None."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        ok = column is not None and column._fixedlen == 1 and column._count <= reader.doc_count_all()
        return column if ok else None
    except (AttributeError, ImportError):
        return None


def facet_bit_sets(facets: list[dict[str, tuple[str, ...]]]) -> dict[str, dict[str, int]]:
    """Per facet and value, the bit set of the documents with it (from the per-document facet values)."""
    docs: dict[str, dict[str, list[int]]] = {}
    for d, values in enumerate(facets):
        for facet, held in values.items():
            for value in held:
                docs.setdefault(facet, {}).setdefault(value, []).append(d)
    return {facet: {v: bits_of(ds) for v, ds in sorted(by_value.items())} for facet, by_value in docs.items()}
