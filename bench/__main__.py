"""`python -m bench` (`make bench`): kb against SQLite FTS5 and tantivy on a generated clinic corpus.

Phases per corpus size: generate, ingest (and a bare parse of the same files), build, in-process search by query
type (cold and a replayed Zipf log), the same documents and queries through the peers, HTTP under wrk.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import shlex
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import kbside, peers, report
from bench.generate import SEED, Corpus, write_corpus
from bench.http import http_bench
from bench.queries import SEARCH_TYPES, TYPES, Query, query_log, query_sets, typed_prefixes, unique_queries
from bench.timing import Stopwatch, peak_rss_mb, run_bounded, summary
from kb.vocabulary import Vocabulary

RESULTS = Path(__file__).resolve().parent / "results"
NOTES = [
    "typo *: kb and tantivy match the misspelt word by edit distance; FTS5 has no fuzzy matching, so its row runs "
    "a prefix query on the first four letters (a stand-in that finds other things).",
    "kb does more per search than the peers: it also ranks every source of each result for the query, builds "
    "snippets, an answer card and counts over six facets (the peers count the same six facets over the match set "
    "and return id, name and summary of the top 10).",
    "The entries workload is kb's data model: articles merge into one entry per condition, technique, benefit and "
    "clinic, so the document count stays in the hundreds while each entry's text grows with the corpus. The "
    "articles workload (one document per article) is where the engines differ at scale.",
    "Cold kb runs stop at the time budget per query type, so `kb n` may be below the number of queries.",
    "The 2 cores are shared with wrk during the HTTP runs, and with anything else running on the machine: compare "
    "ratios within one run, not absolute times across runs.",
]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1048576
    except (OSError, ValueError, IndexError):
        mem = 0.0
    versions = {}
    for pkg in ("whoosh3", "tantivy", "beautifulsoup4", "lxml", "gunicorn", "flask"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "missing"
    versions["sqlite"] = sqlite3.sqlite_version
    return {"cpu": cpu, "cores": kbside.cpu_count(), "memory_gb": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions,
            "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="2000,10000", help="corpus sizes in articles (default 2000,10000)")
    p.add_argument("--quick", action="store_true", help="a smoke run of about a minute: 300 articles, short budgets")
    p.add_argument("--per-type", type=int, default=60, help="distinct cold queries per query type")
    p.add_argument("--budget", type=float, default=15.0, help="seconds at most per query type and engine")
    p.add_argument("--unique", type=int, default=300, help="distinct queries in the in-process unique-query phase")
    p.add_argument("--typed", type=int, default=60, help="queries whose every prefix the suggest phase types")
    p.add_argument("--http-unique", type=int, default=20000, help="distinct search paths for the HTTP unique phase")
    p.add_argument("--log-length", type=int, default=2000, help="searches in the replayed Zipf log")
    p.add_argument("--log-distinct", type=int, default=200, help="distinct queries the log draws from")
    p.add_argument("--ingest-sample", type=int, default=500, help="articles timed serially against a bare parse")
    p.add_argument("--workers", type=int, default=kbside.cpu_count(), help="processes for the full ingest")
    p.add_argument("--http-seconds", type=float, default=10.0, help="wrk duration per route")
    p.add_argument("--connections", type=int, default=32, help="wrk connections")
    p.add_argument("--serve-workers", type=int, default=2, help="kb serve --workers")
    p.add_argument("--no-http", action="store_true")
    p.add_argument("--no-peers", action="store_true")
    p.add_argument("--no-articles", action="store_true", help="skip the one-document-per-article comparison")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--out", type=Path, default=RESULTS, help="folder for <timestamp>.json and .md")
    p.add_argument("--no-cache", action="store_true",
                   help="ingest every size afresh instead of reusing extractions saved by a run with the same code")
    p.add_argument("--keep", action="store_true", help="keep the corpus and data folders (printed)")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.per_type, args.budget = "300", 10, 3.0
        args.log_length, args.log_distinct, args.ingest_sample, args.http_seconds = 300, 40, 300, 3.0
        args.unique, args.typed, args.http_unique = 60, 10, 3000
    args.size_list = sorted({int(s.replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s})
    return args


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def peer_runs(engine: Any, sets: dict[str, list[Query]], log: list[Query], budget: float,
              types: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for t in types:
        for q in sets[t][:3]:
            engine.search(q)  # warm the engine's own caches the way kb's warm-up does
        out[t] = summary(run_bounded(sets[t], engine.search, budget))
    out["replay"] = summary(run_bounded(log, engine.search, budget))
    return out


def profile_search(runner: kbside.KbRunner, sets: dict[str, list[Query]], budget: float) -> list[dict[str, Any]]:
    """cProfile kb's cold search path over a few queries of every type; kb's own functions by cumulative time."""
    queries = [q for t in TYPES for q in sets[t][:4]]
    prof = cProfile.Profile()
    prof.enable()
    run_bounded(queries, runner.run, budget, before=runner.forget_results)
    prof.disable()
    return top_functions(prof)


def top_functions(prof: cProfile.Profile, limit: int = 18) -> list[dict[str, Any]]:
    stats = pstats.Stats(prof)
    root = str(Path(__file__).resolve().parent.parent)
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if not file.startswith(root) or "/bench/" in file or "/.venv/" in file:
            continue
        rows.append({"function": f"{Path(file).relative_to(root)}:{line}({func})", "calls": calls,
                     "tottime": round(tottime, 3), "cumtime": round(cumtime, 3)})
    rows.sort(key=lambda r: -r["cumtime"])
    return rows[:limit]


def run_size(size: int, args: argparse.Namespace, corpus: Corpus, vocab: Vocabulary, tmp: Path,
             results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"size": size}
    root = tmp / f"corpus-{size}"
    say(f"{size:,} articles: generating")
    with Stopwatch() as sw:
        articles = write_corpus(corpus, size, root)
    out["generate_seconds"] = round(sw.seconds, 1)
    files = [root / a.name for a in articles]
    extractions = None
    if "ingest" not in results:
        sample = files[: args.ingest_sample]
        say(f"ingest: {len(sample):,} articles, kb and a bare BeautifulSoup parse, one process")
        results["ingest"], sample_extractions = kbside.measure_ingest(sample, vocab)
        if len(sample) == len(files):
            extractions = sample_extractions
        if not args.no_profile:
            prof = cProfile.Profile()
            prof.enable()
            kbside.pipeline.extract_sources(sample[:150], vocab)
            prof.disable()
            results.setdefault("profile", {})["ingest (150 articles)"] = top_functions(prof)
    key = kbside.code_key(args.seed, size)
    if extractions is None and not args.no_cache:
        extractions = kbside.cached_extractions(args.out / "cache", key)
        if extractions is not None:
            say(f"ingest: {size:,} articles' extractions from the cache (same ingest code; --no-cache to redo)")
            out["full_ingest"] = {"cached": True}
    if extractions is None:
        say(f"ingest: {size:,} articles over {args.workers} processes (for the index)")
        extractions, seconds = kbside.ingest_parallel(root, args.workers)
        out["full_ingest"] = {"workers": args.workers, "seconds": round(seconds, 1),
                              "articles_per_s": round(size / seconds, 1), "peak_rss_mb_workers": peak_rss_mb(True)}
        if not args.no_cache:
            kbside.store_extractions(args.out / "cache", key, extractions)
    elif "full_ingest" not in out:
        out["full_ingest"] = {"workers": 1, "seconds": results["ingest"]["kb_seconds"],
                              "articles_per_s": results["ingest"]["kb_articles_per_s"]}
    say("build: merge + write the Whoosh index")
    data_root = tmp / f"data-{size}"
    out["build"], entries = kbside.build(data_root, extractions, vocab)
    del extractions

    sets = query_sets(corpus, args.per_type)
    log = query_log(sets, args.log_distinct, args.log_length)
    search: dict[str, Any] = {"entries": {}}
    runner = kbside.KbRunner(data_root)
    search["entries"]["kb_open_ms"] = round(runner.open_seconds * 1000, 1)
    runner.warm([sets["suggest"][0], Query("single", "zzqxv", ("zzqxv",))])
    kb_stats: dict[str, Any] = {}
    for t in TYPES:
        say(f"search: kb, {t}")
        kb_stats[t] = runner.cold(sets[t], args.budget)
    uncached: dict[str, Any] = {}
    for t in SEARCH_TYPES:
        say(f"search: kb, {t}, nothing cached")
        uncached[t] = runner.uncached(sets[t], args.budget)
    search["entries"]["kb_uncached"] = uncached
    uniq = unique_queries(corpus, max(args.unique, args.http_unique))
    typed = typed_prefixes(uniq[: args.typed])
    say(f"search: kb, {args.unique} unique queries, nothing cached before each")
    search["unique"] = {"queries": args.unique, "kb": runner.unique(uniq[: args.unique], args.budget * 2)}
    say(f"search: kb, the same {args.unique} unique queries as a running server meets them (per-version caches kept)")
    runner.forget_everything()
    search["unique"]["kb_server"] = runner.cold(uniq[: args.unique], args.budget * 2)
    say(f"search: kb, suggest as you type ({len(typed)} prefixes of {args.typed} queries)")
    search["typed"] = {"prefixes": len(typed), "kb": runner.typing(typed, args.budget)}
    say("search: kb, replayed Zipf log")
    kb_stats["replay"] = runner.replay(log, args.budget * 2)
    search["entries"]["kb"] = kb_stats
    if not args.no_profile and size == max(args.size_list):
        say("profile: kb search")
        results.setdefault("profile", {})[f"search, {size:,} articles"] = profile_search(runner, sets, args.budget)
    out["rss_after_search_mb"] = kbside.rss_mb()
    del runner

    if not args.no_peers:
        say("peers: FTS5 and tantivy on kb's entries")
        work = peers.entry_workload(entries)
        for cls in (peers.Fts5, peers.Tantivy):
            engine = cls(work, tmp / f"{cls.name}-entries-{size}" / ("db.sqlite" if cls is peers.Fts5 else ""))
            search["entries"][engine.name] = peer_runs(engine, sets, log, args.budget, TYPES)
            search["entries"][engine.name]["build_seconds"] = round(engine.build_seconds, 2)
            search["entries"][engine.name]["bytes"] = engine.bytes
            search["typed"][engine.name] = summary(run_bounded(typed, engine.search, args.budget))
        if not args.no_articles:
            say("peers: one document per article, plain Whoosh, FTS5, tantivy")
            awork = peers.article_workload(articles)
            search["articles"] = {"build": {}}
            for acls in (peers.PlainWhoosh, peers.Fts5, peers.Tantivy):
                target = tmp / f"{acls.name}-articles-{size}"
                target.mkdir(parents=True, exist_ok=True)
                aengine = acls(awork, target / "db.sqlite" if acls is peers.Fts5 else target)
                search["articles"]["build"][acls.name] = {"seconds": round(aengine.build_seconds, 2),
                                                          "bytes": aengine.bytes}
                search["articles"][acls.name] = peer_runs(aengine, sets, log, args.budget, SEARCH_TYPES)
                search["unique"][acls.name] = summary(run_bounded(uniq[: args.unique], aengine.search,
                                                                  args.budget * 2))
    out["search"] = search
    del entries

    if not args.no_http:
        say(f"http: kb serve --workers {args.serve_workers}, wrk {args.http_seconds:.0f} s per route")
        paths = [q.url() for t in SEARCH_TYPES for q in sets[t]][:200]
        work_dir = tmp / f"http-{size}"
        work_dir.mkdir()
        out["http"] = http_bench(data_root, paths, work_dir, args.http_seconds, args.connections,
                                 args.serve_workers, unique=[q.url() for q in uniq],
                                 typed=[q.url() for q in typed_prefixes(uniq)])
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    results: dict[str, Any] = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
                               "args": shlex.join(argv if argv is not None else sys.argv[1:]) or "(defaults)",
                               "seed": args.seed, "sizes": [], "notes": NOTES}
    vocab = Vocabulary.load()
    corpus = Corpus(vocab, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    start = time.monotonic()

    def save() -> str:
        """Write the JSON and Markdown reports so far (after every size, so a long run leaves partial results)."""
        results["wall_seconds"] = round(time.monotonic() - start, 1)
        results["targets"] = report.targets(results)
        (args.out / f"{stamp}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        text = report.markdown(results)
        (args.out / f"{stamp}.md").write_text(text, encoding="utf-8")
        return text

    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        for size in args.size_list:
            results["sizes"].append(run_size(size, args, corpus, vocab, tmp, results))
            save()
    finally:
        if args.keep:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(save())
    say(f"wrote {args.out / (stamp + '.json')} and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
