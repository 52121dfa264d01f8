"""kb itself: ingest throughput against a bare parse, index build, in-process search by query type."""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from bench.queries import Query
from bench.timing import Stopwatch, peak_rss_mb, rss_mb, run_bounded, summary
from index.params import SearchParams, parse_params
from index.store import DataDir
from kb import pipeline
from kb.articles import ArticleText
from kb.knowledge import KnowledgeBase
from kb.model import Entry, Extraction
from kb.vocabulary import Vocabulary

Extracted = tuple[list[Extraction], list[ArticleText]]  # what the index is built from: extractions, article texts


def bare_parse(files: list[Path]) -> None:
    """The floor ingest is compared with: read each file and take BeautifulSoup's text of it."""
    for file in files:
        BeautifulSoup(file.read_bytes().decode("utf-8"), "lxml").get_text()


def measure_ingest(files: list[Path], vocab: Vocabulary) -> tuple[dict[str, Any], Extracted]:
    """kb's ingest (read, parse, extract) and the bare parse of the same files, one process, one after another."""
    with Stopwatch() as bare:
        bare_parse(files)
    with Stopwatch() as full:
        result = pipeline.extract_sources(files, vocab)
    n = len(files)
    return {
        "articles": n,
        "ingested": len(result.extractions),
        "skipped": len(result.skipped),
        "kb_seconds": round(full.seconds, 3),
        "kb_articles_per_s": round(n / full.seconds, 1),
        "bare_parse_seconds": round(bare.seconds, 3),
        "bare_articles_per_s": round(n / bare.seconds, 1),
        "ratio_to_bare": round(bare.seconds / full.seconds, 3),
        "rss_mb": rss_mb(),
    }, (result.extractions, result.texts)


_VOCAB: Vocabulary | None = None


def _ingest_site(site: Path) -> Extracted:
    global _VOCAB
    _VOCAB = _VOCAB or Vocabulary.load()
    result = pipeline.extract_sources([site], _VOCAB)
    for item in [*result.extractions, *result.texts]:  # paths relative to the corpus root, as `kb ingest ROOT` has
        item.path = f"{site.name}/{item.path}"
    return result.extractions, result.texts


def ingest_parallel(root: Path, workers: int) -> tuple[Extracted, float]:
    """Extractions of the whole corpus, one site folder per task over `workers` processes (only to save time:
    repeated blocks are dropped per site, so this matches one `kb ingest ROOT`)."""
    sites = sorted(p for p in root.iterdir() if p.is_dir())
    with Stopwatch() as sw, ProcessPoolExecutor(max(1, workers)) as pool:
        batches = list(pool.map(_ingest_site, sites, chunksize=2))
    return ([ex for b in batches for ex in b[0]], [t for b in batches for t in b[1]]), sw.seconds


def code_key(seed: int, size: int) -> str:
    """A key that changes when anything an extraction depends on changes: ingest and kb code, kb's data files,
    the generator, the seed and the size."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{seed}:{size}".encode())
    files = [*sorted((root / "ingest").rglob("*.py")), *sorted((root / "kb").rglob("*.py")),
             *sorted((root / "kb" / "data").iterdir()), root / "bench" / "generate.py"]
    for file in files:
        if file.is_file():
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def cached_extractions(cache: Path, key: str) -> Extracted | None:
    file, texts = cache / f"extractions-{key}.jsonl", cache / f"texts-{key}.jsonl"
    if not file.is_file() or not texts.is_file():
        return None
    with open(file, encoding="utf-8") as handle, open(texts, encoding="utf-8") as text_handle:
        return ([Extraction.from_dict(json.loads(line)) for line in handle if line.strip()],
                [ArticleText.from_dict(json.loads(line)) for line in text_handle if line.strip()])


def store_extractions(cache: Path, key: str, extracted: Extracted, keep: int = 4) -> None:
    """Save extractions and article texts for the next run with the same code; only the newest few are kept."""
    cache.mkdir(parents=True, exist_ok=True)
    for name, items in (("texts", extracted[1]), ("extractions", extracted[0])):
        tmp = cache / f".{name}-{key}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            for item in items:
                handle.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        tmp.replace(cache / f"{name}-{key}.jsonl")
    old = sorted(cache.glob("extractions-*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in old[keep:]:
        stale.unlink(missing_ok=True)
        (cache / stale.name.replace("extractions-", "texts-")).unlink(missing_ok=True)


def build(data_root: Path, extracted: Extracted, vocab: Vocabulary) -> tuple[dict[str, Any], list[Entry]]:
    """Publish an index version the way `kb ingest` does (kb/pipeline.py: merge, build, publish; article documents
    included), timed; returns the merged entries too."""
    data = DataDir(data_root)
    with Stopwatch() as build_sw, data.lock():
        published = pipeline.publish(data, extracted[0], vocab, [], extracted[1])
    manifest, entries = published.manifest, published.entries
    merge_seconds = published.seconds["merge"]
    version = data.current_path()
    whoosh_bytes = sum(p.stat().st_size for p in version.iterdir() if p.name.startswith(("kb_", "_kb_")))
    total = sum(p.stat().st_size for p in version.rglob("*") if p.is_file())
    passages = sum(len(e.passages) for e in entries)
    return {
        "entries": len(entries),
        "entries_by_kind": manifest["entries"],
        "passages": passages,
        "largest_entry_passages": max((len(e.passages) for e in entries), default=0),
        "merge_seconds": round(merge_seconds, 3),
        "build_seconds": round(build_sw.seconds, 3),
        "entries_per_s": round(len(entries) / build_sw.seconds, 1),
        "index_bytes": whoosh_bytes,
        "version_bytes": total,
        "rss_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
    }, entries


def params_of(query: Query) -> SearchParams:
    """The SearchParams the web layer would make of this query (same validation and normalisation)."""
    multi: dict[str, list[str]] = {}
    for facet, value in query.filters:
        multi.setdefault(facet, []).append(value)
    return parse_params({"q": query.text}, multi)


class KbRunner:
    """In-process search through kb's facade, as the web layer calls it."""

    def __init__(self, data_root: Path):
        self.kb = KnowledgeBase(data_root)
        with Stopwatch() as sw:
            self.kb.current()  # opens the version and reads its tables
        self.open_seconds = sw.seconds

    def forget_results(self) -> None:
        """Drop cached route results (the per-version tables stay: they are built when the snapshot opens)."""
        results = self.kb.current().snap.results
        for key in list(results):
            del results[key]

    def forget_everything(self) -> None:
        """Drop everything the snapshot keeps between queries (results, term and phrase scores, stored entries read,
        passage postings) except the per-version tables: the cost of a query nothing has prepared."""
        snap = self.kb.current().snap
        for cache in (snap.results, snap.scores, snap.stored):
            for key in list(cache):
                del cache[key]

    def run(self, query: Query) -> Any:
        version = self.kb.current()
        if query.type == "suggest":
            return version.suggest(query.text)
        return version.search(params_of(query))

    def warm(self, queries: list[Query]) -> None:
        """Run the queries once before anything is timed (imports, stemmer and vocabulary memos), then forget."""
        for q in queries:
            self.run(q)
        self.forget_results()

    def cold(self, queries: list[Query], budget: float) -> dict[str, Any]:
        """Distinct queries with the result cache emptied before each: the uncached path."""
        return summary(run_bounded(queries, self.run, budget, before=self.forget_results))

    def uncached(self, queries: list[Query], budget: float) -> dict[str, Any]:
        """Distinct queries with everything but the per-version tables forgotten before each."""
        return summary(run_bounded(queries, self.run, budget, before=self.forget_everything))

    def unique(self, queries: list[Query], budget: float) -> dict[str, Any]:
        """Distinct queries with nothing cached before each (no cache can answer), p50 and p99."""
        return self.uncached(queries, budget)

    def typing(self, prefixes: list[Query], budget: float) -> dict[str, Any]:
        """Suggestions for every prefix as typed, through the result cache as a server keeps it."""
        self.forget_results()
        return summary(run_bounded(prefixes, self.run, budget))

    def replay(self, log: list[Query], budget: float) -> dict[str, Any]:
        """A query log as traffic: repeats are served from kb's per-version cache."""
        self.forget_results()
        times = run_bounded(log, self.run, budget)
        out = summary(times)
        out["distinct_in_log_run"] = len(set(log[: len(times)]))
        return out


def cpu_count() -> int:
    """CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
