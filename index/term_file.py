"""Frequent terms' scores written when a version is built, read back with one slice each.

A term in many documents costs a fresh worker most of a search: Whoosh keeps its postings in zlib-compressed,
pickled blocks of 128 (positions included) and the score of every posting is computed in Python. Here each term in
more than one block has its documents (int32), scores (float64, computed by index/scoring.py `term_hits`, so
bit-for-bit what a search would compute), bit set and, in a field with positions, each document's positions
(int32, for phrases) written once, in native byte order, as raw bytes in one file, with a table of
offsets; a search reads them from the memory-mapped file (the operating system's page cache, shared by a server's
workers). A version without the file, or a term not in it, is read from Whoosh's postings as before.
"""

from __future__ import annotations

import json
import mmap
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Any

from whoosh import query as Q

from index.scoring import Hits, field_lengths, term_hits

TERM_FILE = "term_scores.bin"
TERM_TABLE = "term_scores.json"
MIN_DOCS = 129  # in more than one of Whoosh's posting blocks: a one-block term is read about as fast from Whoosh
FORMAT = 2


def _key(fieldname: str, text: str) -> str:
    return f"{fieldname}\x00{text}"


def write_term_scores(path: Path, searcher: Any, min_docs: int = MIN_DOCS) -> int:
    """Write the scores of every scored term in at least `min_docs` documents of `searcher`'s index into folder
    `path`; returns how many terms."""
    reader, fields = searcher.reader(), dict(searcher.schema.items())
    lengths: dict[str, array] = {}

    def length(fieldname: str) -> array:
        if fieldname not in lengths:
            lengths[fieldname] = field_lengths(searcher, fieldname)
        return lengths[fieldname]

    nbytes = (searcher.doc_count_all() + 7) // 8
    table: dict[str, list[int]] = {}
    offset = 0
    with open(path / TERM_FILE, "wb") as out:
        for fieldname, btext in reader.all_terms():
            field = fields.get(fieldname)
            if field is None or not field.scorable or reader.doc_frequency(fieldname, btext) < min_docs:
                continue
            text = field.from_bytes(btext)
            if not isinstance(text, str) or field.to_bytes(text) != btext:
                continue
            hits = term_hits(searcher, length, Q.Term(fieldname, text))
            if hits is None or not len(hits.ids):
                continue
            n = len(hits.ids)
            out.write(hits.ids.tobytes())
            out.write(hits.scores.tobytes())
            out.write(hits.bits.to_bytes(nbytes, "little"))
            table[_key(fieldname, text)] = [offset, n, 0]
            offset += 12 * n + nbytes
            if field.format.supports("positions"):  # for phrases and words close together
                starts, positions = _positions(reader, fieldname, btext)
                out.write(starts.tobytes())
                out.write(positions.tobytes())
                table[_key(fieldname, text)][2] = len(positions)
                offset += 4 * (len(starts) + len(positions))
    (path / TERM_TABLE).write_text(json.dumps({"format": FORMAT, "set_bytes": nbytes, "terms": table}),
                                   encoding="utf-8")
    return len(table)


def _positions(reader: Any, fieldname: str, btext: bytes) -> tuple[array, array]:
    """Every position of a term, document after document, and where each document's begin (one more than the
    documents: the end)."""
    starts, positions = array("i", [0]), array("i")
    postings = reader.postings(fieldname, btext)
    while postings.is_active():
        positions.extend(postings.value_as("positions"))
        starts.append(len(positions))
        postings.next()
    return starts, positions


class TermScores:
    """The scores written by `write_term_scores` for one index folder, memory-mapped."""

    def __init__(self, path: Path):
        head = json.loads((path / TERM_TABLE).read_text(encoding="utf-8"))
        if head.get("format") != FORMAT:
            raise ValueError(f"{TERM_TABLE}: unknown format")
        self._terms: dict[str, list[int]] = head["terms"]
        self._set_bytes: int = head["set_bytes"]
        with open(path / TERM_FILE, "rb") as handle:  # the map keeps its own handle on the file
            size = handle.seek(0, 2)
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None

    def hits(self, fieldname: str, text: Any) -> Hits | None:
        """A term's matches and unboosted scores, or None when the file does not hold it."""
        found = self._terms.get(_key(fieldname, text)) if isinstance(text, str) else None
        if found is None or self._map is None:
            return None
        offset, n, _ = found
        ids, scores = array("i"), array("d")
        ids.frombytes(self._map[offset : offset + 4 * n])
        scores.frombytes(self._map[offset + 4 * n : offset + 12 * n])
        start = offset + 12 * n
        return Hits(ids, scores, int.from_bytes(self._map[start : start + self._set_bytes], "little"))

    def positions(self, fieldname: str, text: Any, docs: list[int]) -> dict[int, list[int]] | None:
        """A term's positions in each of `docs` (documents holding it), or None when the file does not hold them."""
        found = self._terms.get(_key(fieldname, text)) if isinstance(text, str) else None
        if found is None or not found[2] or self._map is None:
            return None
        offset, n, total = found
        ids, starts, positions = array("i"), array("i"), array("i")
        ids.frombytes(self._map[offset : offset + 4 * n])
        base = offset + 12 * n + self._set_bytes
        starts.frombytes(self._map[base : base + 4 * (n + 1)])
        base += 4 * (n + 1)
        positions.frombytes(self._map[base : base + 4 * total])  # one copy (at most a few hundred kilobytes)
        out: dict[int, list[int]] = {}
        for d in docs:
            i = bisect_left(ids, d)
            out[d] = positions[starts[i] : starts[i + 1]].tolist()
        return out

    def close(self) -> None:
        """Release the map (a snapshot dropped without closing it releases it when collected)."""
        if self._map is not None:
            self._map.close()


def open_term_scores(path: Path | None) -> TermScores | None:
    """The term scores of an index folder, or None when it has none (a version built before them)."""
    if path is None or not (path / TERM_TABLE).is_file() or not (path / TERM_FILE).is_file():
        return None
    return TermScores(path)
