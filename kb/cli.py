"""The `kb` command line: ingest, search, show, export, stats, eval, serve, rollback, site."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from index.errors import NotFound
from index.params import ParamError, parse_params
from index.store import StoreError, version_or_none
from kb import pipeline
from kb.cli_sites import site_command, site_id_option
from kb.config import resolve_data_dir
from kb.knowledge import KnowledgeBase, Version
from kb.model import KINDS, display_phone
from kb.pipeline import IngestFailed
from kb.sites import Site, SiteError, bare_site, read_sites
from web.links import article_url, entry_url

FACET_NAMES = ("condition", "technique", "benefit", "body_region", "clinic")


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def with_kb(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --data-dir, open the knowledge base, and turn domain errors into exit code 1 with a clear message."""

    @click.option("--data-dir", type=click.Path(file_okay=False), default=None,
                  help="Knowledge-base folder (default: $KB_DATA_DIR, else ./kb-data).")
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: str | None, **kwargs: Any) -> Any:
        # URLs as the API gives them
        kb = KnowledgeBase(resolve_data_dir(data_dir), entry_url=entry_url, article_url=article_url)
        try:
            return func(kb, *args, **kwargs)
        except NotFound as exc:
            hint = f" (did you mean: {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            click.echo(f"kb: {exc}{hint}", err=True)
            sys.exit(1)
        except (StoreError, ParamError) as exc:
            click.echo(f"kb: {exc}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kb")
def main() -> None:
    """kb: a searchable knowledge base of a clinic's articles, every answer citing its source."""


@main.command()
@click.argument("sources", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--add", is_flag=True, help="Merge into the live knowledge base (or --site's content) instead of "
                                          "replacing it.")
@click.option("--site", "site", metavar="ID", default=None, callback=lambda _c, _p, v: _site_id(v),
              help="Make the sources this site's content (with --add, add them to it); other sites keep theirs.")
@click.option("--strict", is_flag=True, help="Exit 1 (and publish nothing) if any file or URL is skipped.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--if-empty", is_flag=True,
              help="Only when the data directory holds no knowledge base yet; else do nothing (exit 0).")
@click.option("--max-pages", type=click.IntRange(1), default=500, show_default=True,
              help="Websites: pages fetched at most, per site.")
@click.option("--delay", type=click.FloatRange(pipeline.MIN_DELAY), default=pipeline.MIN_DELAY, show_default=True,
              help="Websites: seconds between requests (at least 0.5; robots.txt's Crawl-delay may ask for more).")
@click.option("--timeout", type=click.FloatRange(0.1), default=30.0, show_default=True,
              help="Websites: seconds one request may take in all.")
@click.option("--time-limit", type=click.FloatRange(1), default=1800.0, show_default=True,
              help="Websites: seconds the crawl of one site may take in all.")
@with_kb
def ingest(kb: KnowledgeBase, sources: tuple[str, ...], add: bool, site: str | None, strict: bool, as_json: bool,
           if_empty: bool, max_pages: int, delay: float, timeout: float, time_limit: float) -> None:
    """Parse article files, folders and websites (http(s):// URLs) and publish a new index version atomically."""
    if if_empty and (kb.data.pointer.exists() or kb.data.list_versions()):
        click.echo(f"kb: {kb.data.root} already holds a knowledge base; not ingesting (--if-empty). To start over, "
                   f"delete that folder (or `make clean`) and ingest again.", err=True)
        return
    bars: list[Any] = []
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label="reading articles", file=sys.stderr, show_pos=True))
        bars[0].update(1)

    def crawl_progress(found: int, fetched: int, skipped: int) -> None:
        click.echo(f"\rcrawling: {found} pages found, {fetched} fetched, {skipped} skipped ", nl=False, err=True)

    options = pipeline.CrawlOptions(max_pages=max_pages, delay=delay, timeout=timeout, time_limit=time_limit)
    try:
        report = pipeline.ingest(kb.data, list(sources), kb.vocab, add=add, strict=strict,
                                 progress=progress if tty else None, crawl=options,
                                 crawl_progress=crawl_progress if tty else None, site=site)
    except IngestFailed as exc:
        if tty:
            click.echo("", err=True)
        skipped = [{"path": s.path, "reason": s.reason} for s in exc.result.skipped]
        if as_json:
            _emit({"articles": 0, "entries": {}, "skipped": skipped, "index_version": None, "error": str(exc)})
        else:
            for s in skipped:
                click.echo(f"  skipped  {s['path']}: {s['reason']}")
        click.echo(f"kb: {exc}", err=True)
        sys.exit(1)
    finally:
        for bar in bars:
            bar.render_finish()
    if tty and any(pipeline.is_web_address(s) for s in sources):
        click.echo("", err=True)
    m = report.manifest
    if as_json:
        _emit({"articles": m["articles"], "entries": m["entries"], "skipped": m["skipped"],
               "index_version": m["index_version"], "discovered": m["discovered"],
               "to_review": report.to_review, "to_review_total": report.to_review_total})
        return
    for path, outcome in report.result.outcomes:
        click.echo(f"  {outcome.split(':')[0]:<8} {path}: {outcome.split(': ', 1)[1]}")
    counts = ", ".join(f"{n} {kind}s" for kind, n in m["entries"].items())
    click.echo(f"Ingested {len(report.result.extractions)} article(s); the knowledge base has {m['articles']} "
               f"article(s) and {counts}. Skipped {len(m['skipped'])}. Index version {m['index_version']}.")
    _print_entries(kb.current(), m)
    if report.to_review_total:
        click.echo(f"To review: {report.to_review_total} phrase(s) in condition, technique or benefit lists that do "
                   f"not read as names (not shown to patients); `kb ingest --json` lists them under \"to_review\".")


def _print_entries(version: Version, manifest: dict[str, Any]) -> None:
    """Every entry by kind (the vocabulary's, then the discovered), and each clinic's contact facts: what a clinic
    checks after an ingest. The numbers are the summary's: a kind's vocabulary and discovered lists add up to it."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in version.entries():
        by_kind.setdefault(entry["kind"], []).append(entry)
    for kind in ("condition", "technique", "benefit"):
        known = [e["name"] for e in by_kind.get(kind, []) if not e.get("discovered")]
        found = manifest.get("discovered_entries", {}).get(kind, 0)
        if known or found:
            more = f", and {found} discovered (below)" if found else ""
            click.echo(f"{kind.capitalize()}s: {len(known)} from the vocabulary{more}: {'; '.join(known)}")
    for clinic in by_kind.get("clinic", []):
        contact = clinic.get("contact") or {}
        facts = [display_phone(p["value"]) for p in contact.get("phones", [])[:2]]
        facts += [a["value"] for a in contact.get("addresses", [])[:1]]
        click.echo(f"Clinic: {clinic['name']}" + (f" — {'; '.join(facts)}" if facts else ""))
    if manifest["discovered"]:
        click.echo("Discovered (not in the vocabulary; candidates to add to kb/data):")
        for d in manifest["discovered"]:
            click.echo(f"  {d['kind']:<9} {d['name']}  ({', '.join(d['paths'])})")


@main.command()
@click.argument("query")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only this kind (repeatable).")
@click.option("--facet", "facets", multiple=True, metavar="NAME=VALUE",
              help=f"Filter by a facet value (repeatable); NAME is one of {', '.join(FACET_NAMES)}.")
@click.option("--limit", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print exactly the /api/search object.")
@click.option("--site", "site_id", metavar="ID", default=None, help="In this site's scope (its articles only).")
@with_kb
def search(kb: KnowledgeBase, query: str, kinds: tuple[str, ...], facets: tuple[str, ...], limit: int,
           as_json: bool, site_id: str | None) -> None:
    """Search the knowledge base."""
    multi: dict[str, list[str]] = {"kind": list(kinds)}
    for item in facets:
        name, sep, value = item.partition("=")
        if not sep or name not in FACET_NAMES:
            raise click.UsageError(f"--facet takes NAME=VALUE with NAME one of {', '.join(FACET_NAMES)}")
        multi.setdefault(name, []).append(value)
    try:
        params = parse_params({"q": query, "per_page": str(limit)}, multi)
    except ParamError as exc:
        raise click.UsageError(str(exc)) from exc
    result = kb.current(_site(kb, site_id)).search(params).data
    if as_json:
        _emit(result)
        return
    _print_search(result)


def _print_search(result: dict[str, Any]) -> None:
    import re

    def plain(html: str) -> str:
        return re.sub(r"</?mark>", "*", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") \
            .replace("&#34;", '"').replace("&#39;", "'")

    if result["notice"]:
        click.echo(f"! {result['notice']['message']}\n")
    if result["corrected_query"]:
        click.echo(f"Did you mean: {result['corrected_query']}?\n")
    if result["answer"]:  # as the answer card shows it: the quote that answers first, the short facts after
        answer = result["answer"]
        if answer.get("quote"):
            q = answer["quote"]
            click.echo(f"Answer: “{q['sentence']}” — {q['title']} ({q['path']})")
            if answer["text"]:
                click.echo(f"  {answer['text']}")
        else:
            click.echo(f"Answer: {answer['text']}")
        for clinic in answer.get("clinics") or []:
            if clinic.get("phone"):
                click.echo(f"  Call {clinic['name']}: {clinic.get('phone_display') or clinic['phone']}")
        click.echo("")
    click.echo(f"{result['total']} result(s) for “{result['query']}”")
    for i, r in enumerate(result["results"], 1):
        click.echo(f"{i:>2}. {r['name']} [{r['kind']}]  {r['id']}")
        click.echo(f"    {plain(r['snippet'])}")
        cites = "; ".join(f"{s['title']} ({s['path']})" for s in r["sources"][:2])
        more = f" +{r['source_count'] - 2} more" if r["source_count"] > 2 else ""
        click.echo(f"    sources: {cites}{more}")


@main.command()
@click.argument("entry_name", metavar="ID_OR_NAME")
@click.option("--json", "as_json", is_flag=True)
@click.option("--site", "site_id", metavar="ID", default=None, help="In this site's scope (its articles only).")
@with_kb
def show(kb: KnowledgeBase, entry_name: str, as_json: bool, site_id: str | None) -> None:
    """One entry with all its sources, by id (condition-sciatica) or by name or alias (sciatica)."""
    version = kb.current(_site(kb, site_id))
    entry = version.entry(version.resolve(entry_name))
    if as_json:
        _emit(entry)
        return
    click.echo(f"{entry['name']} [{entry['kind']}]  {entry['id']}")
    if entry.get("icd10"):
        click.echo(f"ICD-10-CM {entry['icd10']['code']}: {entry['icd10']['title']}")
    if entry.get("aliases"):
        click.echo("Also called: " + ", ".join(entry["aliases"]))
    if entry.get("summary"):
        click.echo(f"\n{entry['summary']}\n")
    if entry.get("contact"):
        for field in ("phones", "addresses", "emails", "hours"):
            for v in entry["contact"][field]:
                label = {"phones": "phone", "addresses": "address", "emails": "email", "hours": "hours"}[field]
                value = display_phone(v["value"]) if field == "phones" else v["value"]
                click.echo(f"{label}: {value}  (seen in {', '.join(v['origins'])})")
    related: dict[str, list[str]] = {}
    for r in entry.get("related", []):
        related.setdefault(r["kind"], [])
        if r["name"] not in related[r["kind"]]:
            related[r["kind"]].append(r["name"])
    for kind, names in sorted(related.items()):
        click.echo(f"Related {kind}s: {', '.join(names)}")
    click.echo(f"\nSources ({len(entry['sources'])}):")
    for s in entry["sources"]:
        click.echo(f"- {s['title']} ({s['path']}){' — ' + s['clinic'] if s['clinic'] else ''}")
        click.echo(f"  [{s['section']}] “{s['sentence']}”")


def _site_id(value: str | None) -> str | None:
    return site_id_option(value)


def _site(kb: KnowledgeBase, site_id: str | None) -> Site | None:
    """The site `--site` names (None: the whole knowledge base); NotFound (exit 1) when it is unknown."""
    if site_id is None:
        return None
    try:
        sites = read_sites(kb.root)
    except SiteError as exc:
        raise StoreError(f"sites.json is invalid: {exc}") from exc
    if site_id in sites:
        return sites[site_id]
    if site_id in kb.handle.snapshot().site_index:
        return bare_site(site_id)
    raise NotFound(f"no site {site_id!r}")


main.add_command(site_command)


@main.command()
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS))
@with_kb
def export(kb: KnowledgeBase, kinds: tuple[str, ...]) -> None:
    """Every entry as JSON Lines (the /api/entries/<id> object)."""
    for entry in kb.current().entries(kinds):
        click.echo(json.dumps(entry, ensure_ascii=False))


@main.command()
@click.option("--json", "as_json", is_flag=True)
@with_kb
def stats(kb: KnowledgeBase, as_json: bool) -> None:
    """Counts by kind, articles, clinics, index version and size."""
    s = kb.current().stats()
    if as_json:
        _emit(s)
        return
    click.echo(f"index version {s['index_version']} ({s['index_bytes'] / 1024:.0f} KiB), built {s['created']}")
    click.echo(f"articles: {s['articles']}  skipped: {s['skipped']}  discovered terms: {s['discovered']}")
    for kind, n in s["entries"].items():
        click.echo(f"{kind + 's':<11} {n}")
    click.echo("clinics: " + "; ".join(s["clinics"]))


@main.command(name="eval")
@click.argument("queries_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@with_kb
def eval_command(kb: KnowledgeBase, queries_file: Path, as_json: bool) -> None:
    """Search-quality report (hit@5, MRR, out-of-scope handling) over a query file."""
    from kb.evaluate import evaluate, load_queries

    try:
        queries = load_queries(queries_file)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    report = evaluate(kb.current(), queries)
    if as_json:
        _emit(report)
        return
    for row in report["queries"]:
        mark = "ok  " if row["ok"] else "MISS"
        click.echo(f"{mark} {row['id']:<6} {row['query'][:48]:<48} rank={row['rank'] or '-'} total={row['total']}")
    s = report["summary"]
    click.echo(f"\nqueries {s['queries']}  hit@5 {s['hit_at_5']:.3f}  MRR {s['mrr']:.3f}  "
               f"out-of-scope {s['out_of_scope_ok']}/{s['out_of_scope']}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: CPU count).")
@with_kb
def serve(kb: KnowledgeBase, host: str, port: int, workers: int | None) -> None:
    """Serve the web app and JSON API with gunicorn."""
    from web.serve import serve as run_server

    run_server(kb.data.root, host, port, workers or os.cpu_count() or 1)


@main.command()
@click.option("--to", "target", metavar="VERSION", default=None,
              help="Make this kept version live (default: the newest intact one older than the live one).")
@click.option("--list", "list_only", is_flag=True, help="List the kept versions, oldest first, and exit.")
@with_kb
def rollback(kb: KnowledgeBase, target: str | None, list_only: bool) -> None:
    """Make the previous index version live again (serving processes switch within a second)."""
    if list_only:
        live = version_or_none(kb.data)
        for name in kb.data.list_versions():
            click.echo(f"{name}{'  (live)' if name == live else ''}")
        return
    before = version_or_none(kb.data)
    with kb.data.lock():
        version = kb.data.rollback(target)
    click.echo(f"live index version is now {version}" + (f" (was {before})" if before else ""))
