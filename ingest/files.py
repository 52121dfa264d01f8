"""The IO edge of ingest: find article files, read them within limits, and say why any file was skipped."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.boilerplate import drop_repeated_blocks
from ingest.decode import UndecodableError, decode
from ingest.extract import extract, is_english
from ingest.markdown_article import FrontMatterError
from ingest.parse import FORMATS, parse_article
from kb.model import Article, Extraction
from kb.vocabulary import Vocabulary

MAX_FILE_BYTES = 5 * 1024 * 1024  # larger pages are exports or attacks, not articles
MIN_CONTENT_WORDS = 40  # fewer words of main content: a landing page, an empty template, a menu
PROJECT_FILES = {"README", "LICENSE", "CHANGELOG", "CONTRIBUTING", "NOTICE"}  # a folder's own docs, not articles


@dataclass
class Skipped:
    """A file that was not ingested and why."""

    path: str
    reason: str


@dataclass
class IngestResult:
    """What one ingest run read: an extraction per article, and every skipped file with its reason."""

    extractions: list[Extraction] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    outcomes: list[tuple[str, str]] = field(default_factory=list)  # (path, "ok: …" or "skipped: …")


def discover(paths: Iterable[Path]) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """Article files under `paths` as (path relative to the argument, file); missing or looping paths skipped."""
    found: list[tuple[str, Path]] = []
    skipped: list[Skipped] = []
    for root in paths:
        if root.is_file():
            found.append((root.name, root))
            continue
        if not root.exists():
            skipped.append(Skipped(str(root), "no such file or folder"))
            continue
        seen_dirs: set[str] = set()
        def unreadable(exc: OSError) -> None:
            skipped.append(Skipped(str(exc.filename), f"unreadable folder: {exc.strerror}"))

        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=unreadable):
            real = os.path.realpath(dirpath)
            if real in seen_dirs:
                skipped.append(Skipped(os.path.relpath(dirpath, root), "folder link loop: already read"))
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if Path(name).suffix.lower() not in FORMATS or name.startswith("."):
                    continue
                file = Path(dirpath) / name
                rel = file.relative_to(root).as_posix()
                if Path(name).stem.upper() in PROJECT_FILES:
                    skipped.append(Skipped(rel, "a folder's README or LICENSE file, not an article"))
                else:
                    found.append((rel, file))
    return found, skipped


def read_article(file: Path, rel: str) -> Article | Skipped:
    """Read, decode and parse one file; a Skipped with the reason when it can't be an article."""
    try:
        size = file.stat().st_size
        if size == 0:
            return Skipped(rel, "empty file")
        if size > MAX_FILE_BYTES:
            return Skipped(rel, f"file is {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB limit")
        data = file.read_bytes()
    except OSError as exc:
        return Skipped(rel, f"unreadable: {exc.strerror or exc}")
    try:
        text, _encoding = decode(data)
        article = parse_article(text, rel)
    except UndecodableError as exc:
        return Skipped(rel, str(exc))
    except FrontMatterError as exc:
        return Skipped(rel, str(exc))
    except RecursionError:
        return Skipped(rel, "markup nested too deeply to parse")
    if article.word_count() < MIN_CONTENT_WORDS:
        return Skipped(rel, f"no main content ({article.word_count()} words after removing page furniture)")
    if not is_english(article):
        return Skipped(rel, f"not English (language {article.lang or 'detected'}); the vocabulary is English")
    return article


def ingest_files(
    paths: Iterable[Path], vocab: Vocabulary, progress: Callable[[str], None] | None = None
) -> IngestResult:
    """Read every article under `paths` and extract it; never raises for a bad file."""
    found, skipped = discover(paths)
    result = IngestResult(skipped=list(skipped))
    articles: list[Article] = []
    for rel, file in found:
        outcome = read_article(file, rel)
        if progress:
            progress(rel)
        if isinstance(outcome, Skipped):
            result.skipped.append(outcome)
        else:
            articles.append(outcome)
    drop_repeated_blocks(articles)
    by_id: dict[str, Extraction] = {}
    for article in articles:
        extraction = extract(article, vocab)
        if extraction.article_id in by_id:
            result.skipped.append(Skipped(article.path, f"same page as {by_id[extraction.article_id].path}"))
            continue
        by_id[extraction.article_id] = extraction
        kinds = sorted({m.kind for m in extraction.mentions})
        result.outcomes.append((article.path, f"ok: {len(extraction.mentions)} mentions ({', '.join(kinds)})"))
    result.extractions = list(by_id.values())
    result.outcomes += [(s.path, f"skipped: {s.reason}") for s in result.skipped]
    return result
