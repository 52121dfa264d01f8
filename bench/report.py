"""The report: the issue's target ratios, then tables by phase, as Markdown; the whole result as JSON."""

from __future__ import annotations

from typing import Any

from bench.queries import TYPES

TARGET_SIZE = 10_000
# (name, how it is computed, goal, True when a higher ratio is better)
TARGETS = (
    ("unique queries in process p50, kb with nothing cached / FTS5 over one document per article",
     "unique_vs_fts5", 3.0, False),
    ("HTTP unique-query search req/s / /healthz req/s", "http_unique_ratio", 0.25, True),
    ("HTTP unique-query search p99 / /healthz p99", "http_unique_p99", 3.0, False),
    ("suggest as you type p99 ms, HTTP, one connection (every prefix of each query)", "typed_p99_ms", 20.0, False),
    ("cold faceted search p50, kb / FTS5", "facet_vs_fts5", 3.0, False),
    ("the same with nothing cached between queries, kb / FTS5", "facet_uncached_vs_fts5", 3.0, False),
    ("replayed Zipf query log p50, kb / FTS5", "replay_vs_fts5", 1.0, False),
    ("HTTP search req/s (rotation's second pass) / /healthz req/s", "http_ratio", 0.6, True),
    ("ingest articles/s / bare-parse articles/s", "ingest_ratio", 0.3, True),
)


def _num(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.3g}"


def _ms(stats: dict[str, Any] | None) -> str:
    if not stats or stats.get("median_ms") is None:
        return "n/a"
    return f"{_num(stats['median_ms'])} ({_num(stats['p99_ms'])})"


def _ratio(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    if not a or not b or not a.get("median_ms") or not b.get("median_ms"):
        return None
    return round(a["median_ms"] / b["median_ms"], 2)


def _fmt(x: float | None, suffix: str = "×") -> str:
    return "n/a" if x is None else f"{x:,.2f}{suffix}"


def target_size(results: dict[str, Any]) -> dict[str, Any] | None:
    sizes = results.get("sizes", [])
    exact = [s for s in sizes if s["size"] == TARGET_SIZE]
    return exact[0] if exact else (max(sizes, key=lambda s: s["size"]) if sizes else None)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Where each of the issue's targets stands, at 10k articles (else the largest size run)."""
    size = target_size(results)
    if size is None:
        return []
    entries = size.get("search", {}).get("entries", {})
    kb, fts5 = entries.get("kb", {}), entries.get("fts5", {})
    http = size.get("http", {})
    unique = size.get("search", {}).get("unique", {})
    values = {
        "unique_vs_fts5": _ratio(unique.get("kb"), unique.get("fts5")),
        "http_unique_ratio": http.get("unique_to_healthz"),
        "http_unique_p99": http.get("unique_p99_to_healthz_p99"),
        "typed_p99_ms": http.get("suggest_typed_one", {}).get("p99_ms"),
        "facet_vs_fts5": _ratio(kb.get("facet"), fts5.get("facet")),
        "facet_uncached_vs_fts5": _ratio(entries.get("kb_uncached", {}).get("facet"), fts5.get("facet")),
        "replay_vs_fts5": _ratio(kb.get("replay"), fts5.get("replay")),
        "http_ratio": http.get("warm_search_to_healthz", http.get("search_to_healthz")),
        "ingest_ratio": results.get("ingest", {}).get("ratio_to_bare"),
    }
    out = []
    for name, key, goal, higher in TARGETS:
        value = values[key]
        met = None if value is None else (value >= goal if higher else value <= goal)
        out.append({"target": name, "size": size["size"], "value": value,
                    "goal": f"{'≥' if higher else '≤'} {goal:g}", "met": met})
    return out


def markdown(results: dict[str, Any]) -> str:
    """The human report."""
    m = results["machine"]
    lines = [f"# kb bench, {results['started']}",
             "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}, "
             f"{', '.join(f'{k} {v}' for k, v in m['versions'].items())}. Load average at start {m['loadavg']}.",
             f"Arguments: `{results['args']}`; wall time {results.get('wall_seconds', 0):.0f} s.",
             "",
             "Latencies are median (p99) in milliseconds; ratios are of medians measured in the same run.",
             "", "## Targets", "",
             "| target | size | value | goal | met |", "|---|---:|---:|---:|---|"]
    for t in results.get("targets", []):
        met = "n/a" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append(f"| {t['target']} | {t['size']:,} | {_fmt(t['value'], '')} | {t['goal']} | {met} |")
    ingest = results.get("ingest")
    if ingest:
        lines += ["", "## Ingest (one process, the same files)", "",
                  "| articles | kb articles/s | bare BeautifulSoup articles/s | ratio |", "|---:|---:|---:|---:|",
                  f"| {ingest['articles']:,} | {ingest['kb_articles_per_s']:,} | {ingest['bare_articles_per_s']:,} "
                  f"| {ingest['ratio_to_bare']:.3f} |"]
    lines += ["", "## Build", "",
              "| articles | ingest, parallel (articles/s) | entries | passages | largest entry (passages) | merge s "
              "| build s (merge + write) | index MB | peak RSS MB |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in results.get("sizes", []):
        b, ing = s["build"], s.get("full_ingest", {})
        speed = "cached" if ing.get("cached") else f"{ing.get('articles_per_s', 'n/a')} ({ing.get('workers')} procs)"
        lines.append(f"| {s['size']:,} | {speed} "
                     f"| {b['entries']:,} | {b['passages']:,} | {b['largest_entry_passages']:,} "
                     f"| {b['merge_seconds']:.1f} | {b['build_seconds']:.1f} | {b['index_bytes'] / 1e6:.1f} "
                     f"| {b['peak_rss_mb']:.0f} |")
    for s in results.get("sizes", []):
        lines += _search_tables(s)
    http_rows = [s for s in results.get("sizes", []) if s.get("http") and "search" in s["http"]]
    if http_rows:
        lines += ["", "## HTTP (`kb serve`, gunicorn sync workers, wrk on 127.0.0.1)", "",
                  "| articles | route | req/s | p50 ms | p99 ms | requests | errors + timeouts | non-2xx |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|"]
        for s in http_rows:
            h = s["http"]
            for route, label in (("healthz", "healthz"), ("search_unique", "search, unique queries"),
                                 ("search", "search, rotation first pass"),
                                 ("search_warm", "search, rotation second pass"),
                                 ("suggest_typed", "suggest, every prefix typed"),
                                 ("suggest_typed_one", "suggest, every prefix typed, one connection")):
                if route not in h:
                    continue
                r = h[route]
                lines.append(f"| {s['size']:,} | {label} | {r.get('req_per_s', 'n/a')} | {r.get('p50_ms', 'n/a')} "
                             f"| {r.get('p99_ms', 'n/a')} | {r.get('requests', 'n/a')} "
                             f"| {r.get('socket_errors', 0)} | {r.get('non_2xx', 0)} |")
            ratios = [f"{_fmt(h[k], '')} ({label})" for k, label in (("unique_to_healthz", "unique"),
                      ("search_to_healthz", "first"), ("warm_search_to_healthz", "second")) if k in h]
            lines.append(f"| | **search / healthz** | **{', '.join(ratios) or 'n/a'}** | | | | | |")
        h = http_rows[-1]["http"]
        lines.append(f"\n{h['workers']} workers, {h['connections']} connections, {h['seconds']} s per route, "
                     f"{h['distinct_paths']} distinct search paths rotating (twice: the second pass finds what the "
                     f"first cached); {h.get('unique_paths', 0):,} distinct unique-query paths, each sent at most "
                     f"once; worker RSS MB by phase {h.get('worker_rss_mb_by_phase')}.")
    skipped = [s for s in results.get("sizes", []) if s.get("http", {}).get("skipped")]
    if skipped:
        lines.append(f"\nHTTP skipped: {skipped[0]['http']['skipped']}")
    if results.get("profile"):
        lines += ["", "## Profile (cProfile, kb's own functions by cumulative time)", ""]
        for title, rows in results["profile"].items():
            lines += [f"{title}:", "", "| function | calls | own s | cumulative s |", "|---|---:|---:|---:|"]
            lines += [f"| `{r['function']}` | {r['calls']:,} | {r['tottime']:.2f} | {r['cumtime']:.2f} |"
                      for r in rows]
            lines.append("")
    lines += ["", "Notes:", ""] + [f"- {n}" for n in results.get("notes", [])]
    return "\n".join(lines) + "\n"


def _search_tables(s: dict[str, Any]) -> list[str]:
    search = s.get("search", {})
    lines: list[str] = []
    entries = search.get("entries", {})
    if entries:
        kb, fts5, tan = entries.get("kb", {}), entries.get("fts5", {}), entries.get("tantivy", {})
        bare = entries.get("kb_uncached", {})
        lines += ["", f"## Search, {s['size']:,} articles: kb's entries ({s['build']['entries']:,} documents)", "",
                  f"kb opens a snapshot in {entries.get('kb_open_ms', 0):.0f} ms. Cold = distinct queries, result "
                  "cache emptied before each (the per-version scores of terms and phrases, and the entries read, "
                  "stay, as in a running server); nothing cached = those emptied too; replay = a Zipf query log "
                  "through the cache.", "",
                  "| query type | kb cold | kb, nothing cached | FTS5 | tantivy | kb cold / FTS5 "
                  "| nothing cached / FTS5 | kb cold / tantivy | kb n |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for t in (*TYPES, "replay"):
            n = str(kb.get(t, {}).get("n", 0))
            if t == "replay" and "distinct_in_log_run" in kb.get(t, {}):
                n += f" ({kb[t]['distinct_in_log_run']} distinct)"
            lines.append(f"| {t}{' *' if t == 'typo' else ''} | {_ms(kb.get(t))} | {_ms(bare.get(t))} "
                         f"| {_ms(fts5.get(t))} | {_ms(tan.get(t))} | {_fmt(_ratio(kb.get(t), fts5.get(t)))} "
                         f"| {_fmt(_ratio(bare.get(t), fts5.get(t)))} "
                         f"| {_fmt(_ratio(kb.get(t), tan.get(t)))} | {n} |")
    unique, typed = search.get("unique", {}), search.get("typed", {})
    if unique:
        kb = unique.get("kb")
        lines += ["", f"## Unique queries and suggest as you type, {s['size']:,} articles", "",
                  f"{unique.get('queries')} distinct queries of every type (kb with nothing cached before each, then "
                  "the same queries as a running server meets them: no result can be reused, the per-version scores "
                  "of words and the entries read stay; the peers over one document per article), and suggestions "
                  "for every prefix of "
                  f"{typed.get('prefixes', 0):,} typed characters (kb through its result cache as a server keeps it; "
                  "the peers' prefix queries over kb's entries).", "",
                  "| phase | kb | FTS5 | tantivy | plain Whoosh | kb / FTS5 | kb / tantivy |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        server = {**unique, "kb": unique.get("kb_server")}
        for label, d in (("unique queries, nothing cached", unique), ("unique queries, as a server", server),
                         ("suggest, every prefix", typed)):
            kb = d.get("kb")
            lines.append(f"| {label} | {_ms(kb)} | {_ms(d.get('fts5'))} | {_ms(d.get('tantivy'))} "
                         f"| {_ms(d.get('whoosh'))} | {_fmt(_ratio(kb, d.get('fts5')))} "
                         f"| {_fmt(_ratio(kb, d.get('tantivy')))} |")
    articles = search.get("articles", {})
    if articles:
        w, fts5, tan = articles.get("whoosh", {}), articles.get("fts5", {}), articles.get("tantivy", {})
        builds = articles.get("build", {})
        lines += ["", f"## Search, {s['size']:,} articles: one document per article (PERF-NOTES workload)", "",
                  "Build s (MB): " + ", ".join(f"{k} {v['seconds']:.1f} ({v['bytes'] / 1e6:.1f})"
                                               for k, v in builds.items()), "",
                  "| query type | plain Whoosh | FTS5 | tantivy | Whoosh / FTS5 | Whoosh / tantivy |",
                  "|---|---:|---:|---:|---:|---:|"]
        for t in (*TYPES[:-1], "replay"):
            lines.append(f"| {t}{' *' if t == 'typo' else ''} | {_ms(w.get(t))} | {_ms(fts5.get(t))} "
                         f"| {_ms(tan.get(t))} | {_fmt(_ratio(w.get(t), fts5.get(t)))} "
                         f"| {_fmt(_ratio(w.get(t), tan.get(t)))} |")
    return lines
