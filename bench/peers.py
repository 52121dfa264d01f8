"""The embedded peers on the same documents and queries: SQLite FTS5 (stdlib) and tantivy; and Whoosh used plainly.

Two workloads:
- "entries": kb's own merged entries, one row per entry with the same text fields kb ranks (name, aliases, related,
  contact, summary, evidence passages) and kb's six facet fields, built with `index.documents.to_document`;
- "articles": one document per generated article (title + main text, facets technique, body_region, clinic), the
  workload of shared/PERF-NOTES.md, where the peers and a well-used plain Whoosh index can be compared at scale.

Every engine answers a search with the top 10 (id, name, summary) and value counts over its facets for the match set.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.generate import Article
from bench.queries import Query
from bench.timing import Stopwatch
from index.documents import to_document
from index.query import FIELD_BOOSTS, max_edits
from kb.model import Entry

TOP = 10
MAX_FACET_VALUES = 25
ENTRY_FACETS = ("kind", "condition", "technique", "benefit", "body_region", "clinic")
ARTICLE_FACETS = ("technique", "body_region", "clinic")
ARTICLE_BOOSTS = {"title": 2.0, "body": 1.0}


@dataclass
class Doc:
    """One document as every engine indexes it."""

    id: str
    name: str
    summary: str
    text: dict[str, str]  # ranked text fields
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Workload:
    name: str
    docs: list[Doc]
    boosts: dict[str, float]
    facets: tuple[str, ...]
    kind_facet: tuple[str, str] | None = None  # an article has no kind: a `kind` filter becomes this facet value


def entry_workload(entries: list[Entry]) -> Workload:
    """kb's merged entries, mapped by kb's own entry → document function."""
    regions = {e.id: e.body_region for e in entries if e.kind == "condition"}
    docs = []
    for entry in entries:
        d = to_document(entry, regions)
        facets = {f: [v for v in str(d.get(f) or "").split(",") if v] for f in ENTRY_FACETS if f != "kind"}
        docs.append(Doc(entry.id, entry.name, entry.summary, {f: str(d[f]) for f in FIELD_BOOSTS},
                        {"kind": [entry.kind], **facets}))
    return Workload("entries", docs, dict(FIELD_BOOSTS), ENTRY_FACETS)


def article_workload(articles: list[Article]) -> Workload:
    """One document per generated article."""
    docs = []
    for i, a in enumerate(articles):
        title, _, body = a.main_text.partition("\n")
        regions = sorted({r for c in a.conditions for r in c.body_region})
        docs.append(Doc(f"a{i}", title, body[:200], {"title": title, "body": body},
                        {"technique": [a.technique.name], "body_region": regions, "clinic": [a.clinic.name]}))
    popular = Counter(a.technique.name for a in articles).most_common(1)
    return Workload("articles", docs, dict(ARTICLE_BOOSTS), ARTICLE_FACETS,
                    ("technique", popular[0][0]) if popular else None)


def filters_for(work: Workload, query: Query) -> list[tuple[str, str]]:
    out = []
    for facet, value in query.filters:
        if facet not in work.facets:
            if facet == "kind" and work.kind_facet:
                out.append(work.kind_facet)
            continue
        out.append((facet, value))
    return out


def _counts(rows: list[tuple[str, str, int]]) -> dict[str, list[tuple[str, int]]]:
    by_facet: dict[str, list[tuple[str, int]]] = {}
    for facet, value, n in rows:
        by_facet.setdefault(facet, []).append((value, n))
    return {f: sorted(v, key=lambda kv: (-kv[1], kv[0]))[:MAX_FACET_VALUES] for f, v in by_facet.items()}


_SAFE = re.compile(r"[^\w]+")


class Fts5:
    """SQLite FTS5 with the porter tokenizer, bm25 with kb's field weights, a facet table counted with GROUP BY."""

    name = "fts5"

    def __init__(self, work: Workload, path: Path):
        self.work = work
        self.fields = list(work.boosts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with Stopwatch() as sw:
            self.db = sqlite3.connect(str(path))
            db = self.db
            db.execute(f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(self.fields)}, "
                       "tokenize='porter unicode61')")
            db.execute("CREATE TABLE meta(doc INTEGER PRIMARY KEY, id TEXT, name TEXT, summary TEXT)")
            db.execute("CREATE TABLE facets(doc INTEGER, facet TEXT, value TEXT)")
            marks = ", ".join("?" for _ in self.fields)
            db.executemany(f"INSERT INTO docs(rowid, {', '.join(self.fields)}) VALUES (?, {marks})",
                           ((i, *(d.text[f] for f in self.fields)) for i, d in enumerate(work.docs)))
            db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?)",
                           ((i, d.id, d.name, d.summary) for i, d in enumerate(work.docs)))
            db.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                           ((i, f, v) for i, d in enumerate(work.docs) for f, vs in d.facets.items() for v in vs))
            db.execute("CREATE INDEX facets_doc ON facets(doc)")
            db.execute("CREATE INDEX facets_value ON facets(facet, value, doc)")
            db.commit()
        self.build_seconds = sw.seconds
        self.bytes = path.stat().st_size
        weights = ", ".join(str(work.boosts[f]) for f in self.fields)
        self.rank = f"bm25(docs, {weights})"

    def match(self, query: Query) -> str | None:
        words = [w for w in (_SAFE.sub(" ", x).strip() for x in query.words) if w]
        if not words:
            return None
        if query.typo:
            return f'"{words[0][:4]}" *'  # FTS5 has no fuzzy matching: a prefix is the nearest stand-in
        if query.phrase:
            return '"' + " ".join(words) + '"'
        return " ".join(f'"{w}"' for w in words)

    def search(self, query: Query) -> tuple[list[tuple[str, str, str]], dict[str, list[tuple[str, int]]]]:
        if query.type == "suggest":
            return self.suggest(query.text), {}
        expr = self.match(query)
        if expr is None:
            return [], {}
        where = "docs MATCH ?"
        args: list[Any] = [expr]
        for facet, value in filters_for(self.work, query):
            where += " AND rowid IN (SELECT doc FROM facets WHERE facet = ? AND value = ?)"
            args += [facet, value]
        top = self.db.execute(f"SELECT rowid FROM docs WHERE {where} ORDER BY {self.rank} LIMIT {TOP}", args)
        ids = [r[0] for r in top.fetchall()]
        hits = [self.db.execute("SELECT id, name, summary FROM meta WHERE doc = ?", (i,)).fetchone() for i in ids]
        rows = self.db.execute(f"SELECT facet, value, count(*) FROM facets WHERE doc IN "
                               f"(SELECT rowid FROM docs WHERE {where}) GROUP BY facet, value", args).fetchall()
        return hits, _counts(rows)

    def suggest(self, prefix: str) -> list[tuple[str, str, str]]:
        words = [w for w in _SAFE.sub(" ", prefix.lower()).split() if w]
        if not words or "name" not in self.fields:
            return []
        expr = "{name aliases}: " + " ".join([*(f'"{w}"' for w in words[:-1]), f'"{words[-1]}" *'])
        rows = self.db.execute(f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY {self.rank} LIMIT 8", (expr,))
        return [self.db.execute("SELECT id, name, summary FROM meta WHERE doc = ?", (r[0],)).fetchone()
                for r in rows.fetchall()]


class Tantivy:
    """tantivy: en_stem text fields with kb's boosts, raw fast facet fields counted by a terms aggregation."""

    name = "tantivy"

    def __init__(self, work: Workload, path: Path):
        import tantivy

        self.t = tantivy
        self.work = work
        self.fields = list(work.boosts)
        with Stopwatch() as sw:
            sb = tantivy.SchemaBuilder()
            sb.add_text_field("id", stored=True, tokenizer_name="raw")
            for f in self.fields:
                sb.add_text_field(f, stored=f in ("name", "title"), tokenizer_name="en_stem")
            sb.add_text_field("summary_stored", stored=True, index_option="basic", tokenizer_name="raw")
            for f in work.facets:
                sb.add_text_field(f"f_{f}", fast=True, tokenizer_name="raw", index_option="basic")
            self.schema = sb.build()
            path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, str(path))
            writer = self.index.writer(heap_size=128_000_000, num_threads=1)
            for d in work.docs:
                doc = tantivy.Document()
                doc.add_text("id", d.id)
                for f in self.fields:
                    doc.add_text(f, d.text[f])
                doc.add_text("summary_stored", d.summary[:300])
                for f, values in d.facets.items():
                    for v in values:
                        doc.add_text(f"f_{f}", v)
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
            self.index.reload()
            self.searcher = self.index.searcher()
        self.build_seconds = sw.seconds
        self.bytes = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        self.aggs = {f: {"terms": {"field": f"f_{f}", "size": MAX_FACET_VALUES}} for f in work.facets}

    def query(self, query: Query) -> Any:
        t = self.t
        words = [w for w in (_SAFE.sub(" ", x).strip() for x in query.words) if w]
        if not words:
            return None
        text = '"' + " ".join(words) + '"' if query.phrase else " ".join(words)
        fuzzy = None
        if query.typo:
            edits = max(1, max_edits(words[0]))
            fuzzy = {f: (False, edits, True) for f in self.fields}
        q = self.index.parse_query(text, self.fields, field_boosts=self.work.boosts, fuzzy_fields=fuzzy,
                                   conjunction_by_default=True)
        filters = filters_for(self.work, query)
        if filters:
            parts = [(t.Occur.Must, q)]
            parts += [(t.Occur.Must, t.Query.term_query(self.schema, f"f_{f}", v)) for f, v in filters]
            q = t.Query.boolean_query(parts)
        return q

    def search(self, query: Query) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
        if query.type == "suggest":
            return self.suggest(query.text), {}
        q = self.query(query)
        if q is None:
            return [], {}
        result = self.searcher.search(q, limit=TOP)
        hits = []
        for _score, address in result.hits:
            doc = self.searcher.doc(address)
            hits.append((doc["id"][0], (doc.get_first("name") or doc.get_first("title") or ""),
                         doc.get_first("summary_stored") or ""))
        counts = self.searcher.aggregate(q, self.aggs)
        return hits, counts

    def suggest(self, prefix: str) -> list[tuple[str, str, str]]:
        t = self.t
        words = [w for w in _SAFE.sub(" ", prefix.lower()).split() if w]
        if not words or "name" not in self.fields:
            return []
        parts = [(t.Occur.Should, t.Query.phrase_prefix_query(self.schema, f, words) if len(words) > 1
                  else t.Query.regex_query(self.schema, f, re.escape(words[0]) + ".*")) for f in ("name", "aliases")]
        result = self.searcher.search(t.Query.boolean_query(parts), limit=8)
        return [(self.searcher.doc(a)["id"][0], "", "") for _s, a in result.hits]


class PlainWhoosh:
    """Whoosh as PERF-NOTES says to use it, without kb's pipeline: one reused searcher, kb's analyzers, facet codes
    read once per searcher and counted over `docs_for_query`, `results[:10]` only."""

    name = "whoosh"

    def __init__(self, work: Workload, path: Path):
        from whoosh import index as whoosh_index
        from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

        from index.analysis import plain_analyzer, stemming_analyzer

        self.work = work
        self.fields = list(work.boosts)
        stem = stemming_analyzer()
        self.stem, self.plain = stem, plain_analyzer()
        with Stopwatch() as sw:
            schema = Schema(id=ID(stored=True), name=STORED(), summary=STORED(),
                            **{f: TEXT(analyzer=stem, phrase=True) for f in self.fields},
                            **{f"f_{f}": KEYWORD(stored=True, commas=True, lowercase=False, scorable=False)
                               for f in work.facets})
            path.mkdir(parents=True, exist_ok=True)
            ix = whoosh_index.create_in(str(path), schema)
            writer = ix.writer(limitmb=256)
            for d in work.docs:
                writer.add_document(id=d.id, name=d.name, summary=d.summary[:300],
                                    **{f: d.text[f] for f in self.fields},
                                    **{f"f_{f}": ",".join(v.replace(",", " ") for v in d.facets.get(f, []))
                                       for f in work.facets})
            writer.commit()
            self.searcher = ix.searcher()
            self.codes: list[dict[str, tuple[str, ...]]] = []
            for docnum, stored in self.searcher.reader().iter_docs():
                while len(self.codes) <= docnum:
                    self.codes.append({})
                self.codes[docnum] = {f: tuple(v for v in str(stored.get(f"f_{f}") or "").split(",") if v)
                                      for f in work.facets}
        self.build_seconds = sw.seconds
        self.bytes = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

    def query(self, query: Query) -> Any:
        from whoosh import query as Q

        from index.analysis import analyse

        words = list(query.words)
        if query.phrase:
            stems = [s for w in words for s in analyse(self.stem, w)]
            parts = [Q.Phrase(f, stems, boost=self.work.boosts[f]) if len(stems) > 1 else
                     Q.Term(f, stems[0], boost=self.work.boosts[f]) for f in self.fields if stems]
            return Q.Or(parts) if parts else None
        groups = []
        for w in words:
            if query.typo:
                edits = max(1, max_edits(w))
                groups.append(Q.Or([Q.FuzzyTerm(f, w.lower(), boost=self.work.boosts[f], maxdist=edits,
                                                 prefixlength=1) for f in self.fields]))
                continue
            stems = analyse(self.stem, w)
            if stems:
                groups.append(Q.Or([Q.Term(f, stems[0], boost=self.work.boosts[f]) for f in self.fields]))
        if not groups:
            return None
        q = groups[0] if len(groups) == 1 else Q.And(groups)
        filters = filters_for(self.work, query)
        if filters:
            q = Q.And([q, *(Q.Term(f"f_{f}", v) for f, v in filters)])
        return q

    def search(self, query: Query) -> tuple[list[tuple[str, str, str]], dict[str, list[tuple[str, int]]]]:
        if query.type == "suggest":
            return [], {}
        q = self.query(query)
        if q is None:
            return [], {}
        results = self.searcher.search(q, limit=TOP)
        hits = [(h["id"], h["name"], h["summary"]) for h in results[:TOP]]
        counts: dict[str, Counter[str]] = {f: Counter() for f in self.work.facets}
        for docnum in self.searcher.docs_for_query(q):
            doc = self.codes[docnum]
            for f in self.work.facets:
                counts[f].update(doc[f])
        return hits, {f: c.most_common(MAX_FACET_VALUES) for f, c in counts.items()}
