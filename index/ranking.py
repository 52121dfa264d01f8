"""A search's matches in page order, sorted only as far as the page read needs.

The order is a list of disjoint buckets (bit sets: a tier of matches at one coverage), each ranked by score then
document number; a page counts whole buckets with one bit count and sorts only the bucket(s) it shows, taking the
top of a large one with a bounded heap instead of sorting every match.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterator
from operator import add, neg

from index.scoring import count, docs_of

Scores = list[array]  # per group, every document's score (0.0 where it does not match)


class Ranking:
    """The ranked matches of one query (a sequence of (document number, score) pairs, read a page at a time)."""

    def __init__(self, matched: int = 0, buckets: list[int] | None = None, groups: Scores | None = None,
                 listed: list[int] | None = None):
        self.matched = matched  # every match, before facet filters
        self.buckets = buckets or []
        self.groups = groups or []
        self.listed = listed  # an explicit order (browsing by facet with no query), scored 0

    @classmethod
    def of_list(cls, docnums: list[int]) -> Ranking:
        """Documents in a given order, each scored 0."""
        matched = 0
        for d in docnums:
            matched |= 1 << d
        return cls(matched, listed=list(docnums))

    def __len__(self) -> int:
        return count(self.matched)

    def __bool__(self) -> bool:
        return bool(self.matched)

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return iter(self.page(None, 0, len(self)))

    def total(self, allowed: int | None) -> int:
        """How many matches pass the filters (`allowed`: the documents they let through; None: no filters)."""
        return count(self.matched if allowed is None else self.matched & allowed)

    def scores(self, docs: list[int]) -> list[float]:
        """The query's score of each document: the sum of its groups' scores, in the groups' order."""
        if not self.groups:
            return [0.0] * len(docs)
        out = [0 + s for s in map(self.groups[0].__getitem__, docs)]
        for group in self.groups[1:]:
            out = list(map(add, out, map(group.__getitem__, docs)))
        return out

    def page(self, allowed: int | None, start: int, stop: int) -> list[tuple[int, float]]:
        """The matches at positions start..stop-1 among those passing the filters, with their scores."""
        if self.listed is not None:
            docs = [d for d in self.listed if allowed is None or (allowed >> d) & 1]
            return [(d, 0.0) for d in docs[start:stop]]
        out: list[tuple[int, float]] = []
        seen = 0
        for bucket in self.buckets:
            if seen >= stop:
                break
            bits = bucket if allowed is None else bucket & allowed
            n = count(bits)
            if seen + n <= start:
                seen += n
                continue
            docs = docs_of(bits)
            keyed = zip(map(neg, self.scores(docs)), docs, strict=True)  # (-score, docnum): best first
            lo, hi = max(0, start - seen), min(n, stop - seen)
            top = heapq.nsmallest(hi, keyed) if hi < n // 4 else sorted(keyed)[:hi]
            out += [(d, -negated) for negated, d in top[lo:hi]]
            seen += n
        return out
