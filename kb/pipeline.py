"""The one way articles become a live index: read → extract → merge → build → publish, under the ingest lock.

Each stage is one call into the layer that owns it (ingest/ reads, extracts and merges; index/ builds and the
store publishes), and this module is their only caller. Crash tests pause at the store's named checkpoints
(locked, indexing, built, renamed, published) and kill the process there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.build import load_articles, load_extractions, write_version
from index.store import DataDir, checkpoint
from ingest.article_text import kept_texts
from ingest.files import IngestResult, extract_articles, read_articles
from ingest.merge import merge
from kb.articles import ArticleText
from kb.model import Entry, Extraction
from kb.vocabulary import Vocabulary


class IngestFailed(RuntimeError):
    """Nothing was published: no article could be read, or --strict met a skipped file."""

    def __init__(self, message: str, result: IngestResult):
        super().__init__(message)
        self.result = result


@dataclass
class IngestReport:
    """What an ingest did: the manifest of the published version and the per-file outcomes."""

    manifest: dict[str, Any]
    result: IngestResult


def _with_previous(data: DataDir, extractions: list[Extraction],
                   texts: list[ArticleText]) -> tuple[list[Extraction], list[ArticleText]]:
    """`extractions` and `texts` merged into the live version's: an article read again (same id or path) replaces
    itself."""
    if data.current() is None:
        return extractions, texts
    fresh = {e.article_id for e in extractions} | {e.path for e in extractions}
    live = data.current_path()
    kept = [e for e in load_extractions(live) if e.article_id not in fresh and e.path not in fresh]
    kept_texts = [t for t in load_articles(live) if t.article_id not in fresh and t.path not in fresh]
    return kept + extractions, kept_texts + texts


@dataclass
class Extracted(IngestResult):
    """What read → extract made: the extractions and skipped files, and each kept article's text for the index."""

    texts: list[ArticleText] = field(default_factory=list)


def extract_sources(sources: list[Path], vocab: Vocabulary,
                    progress: Callable[[int, int], None] | None = None) -> Extracted:
    """Read → extract: every article under `sources` extracted, every file skipped with its reason."""
    articles, skipped = read_articles(sources, progress)
    result = extract_articles(articles, vocab, skipped)
    return Extracted(result.extractions, result.skipped, result.outcomes,
                     texts=kept_texts(articles, result.extractions))


@dataclass
class Published:
    """A published version: its manifest, the entries merged into it and how long each stage took."""

    manifest: dict[str, Any]
    entries: list[Entry]
    seconds: dict[str, float] = field(default_factory=dict)  # merge, build, publish


def publish(data: DataDir, extractions: list[Extraction], vocab: Vocabulary,
            skipped: list[dict[str, str]], texts: list[ArticleText] | None = None) -> Published:
    """Merge → build → publish `extractions` (and the articles' `texts`, searchable as articles) as the new live
    version. Call under `data.lock()`."""
    clock = time.perf_counter()
    seconds: dict[str, float] = {}

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[stage], clock = now - clock, now

    entries = merge(extractions, vocab)
    lap("merge")
    data.clean()
    with data.build() as (version, path):
        manifest = write_version(path, version, entries, extractions, skipped, texts or [])
        checkpoint("built")
        lap("build")
        data.publish(version, path)
        checkpoint("published")
    data.clean()
    lap("publish")
    return Published(manifest, entries, seconds)


def ingest(data: DataDir, sources: list[Path], vocab: Vocabulary, *, add: bool = False, strict: bool = False,
           progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Read `sources` and publish a new version: the whole knowledge base, or with `add` merged into the live one."""
    with data.lock():
        checkpoint("locked")
        result = extract_sources(sources, vocab, progress)
        skipped = [{"path": s.path, "reason": s.reason} for s in result.skipped]
        if strict and skipped:
            raise IngestFailed(f"{len(skipped)} file(s) skipped and --strict is set: nothing was published", result)
        if not result.extractions:
            raise IngestFailed("no article could be ingested: nothing was published", result)
        extractions, texts = (_with_previous(data, result.extractions, result.texts) if add
                              else (result.extractions, result.texts))
        published = publish(data, extractions, vocab, skipped, texts)
    return IngestReport(published.manifest, result)
