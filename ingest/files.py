"""The IO edge of ingest: find article files, read them within limits, and say why any file was skipped."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ingest.boilerplate import drop_repeated_blocks
from ingest.decode import UndecodableError, decode
from ingest.extract import extract
from ingest.language import content_words
from ingest.markdown_article import FrontMatterError
from ingest.parse import FORMATS, parse_article
from ingest.short_pages import MIN_CONTENT_WORDS
from kb.model import Article, Extraction, article_id
from kb.vocabulary import Vocabulary

MAX_FILE_BYTES = 5 * 1024 * 1024  # larger pages are exports or attacks, not articles
MAX_NESTING = 256  # elements inside elements; real pages stay under ~60, the parsers slow down or recurse out beyond
MAX_QUOTE_NESTING = 32  # Markdown `> > > …`: Python-Markdown's time grows with the square of the depth
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


def printable(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (kept by the OS as surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def discover(paths: Iterable[Path]) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """Article files under `paths` as (path relative to the argument, file); missing or looping paths skipped."""
    found: list[tuple[str, Path]] = []
    skipped: list[Skipped] = []
    for root in paths:
        if root.is_file():
            found.append((printable(root.name), root))
            continue
        if not root.exists():
            skipped.append(Skipped(printable(str(root)), "no such file or folder"))
            continue
        if not root.is_dir():
            skipped.append(Skipped(printable(str(root)), "not a regular file or folder (a pipe, device or socket)"))
            continue
        seen_dirs: set[str] = set()

        def unreadable(exc: OSError) -> None:
            skipped.append(Skipped(printable(str(exc.filename)), f"unreadable folder: {exc.strerror}"))

        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=unreadable):
            real = os.path.realpath(dirpath)
            if real in seen_dirs:
                skipped.append(Skipped(printable(os.path.relpath(dirpath, root)),
                                       "folder already read through another path (a link loop or a second link)"))
                dirnames[:] = []
                continue
            seen_dirs.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if Path(name).suffix.lower() not in FORMATS or name.startswith("."):
                    continue
                file = Path(dirpath) / name
                rel = printable(file.relative_to(root).as_posix())
                if Path(name).stem.upper() in PROJECT_FILES:
                    skipped.append(Skipped(rel, "a folder's README or LICENSE file, not an article"))
                else:
                    found.append((rel, file))
    return found, skipped


def read_bytes(file: Path) -> bytes | Skipped:
    """A regular file's bytes, within the size limit; never blocks on a pipe or reads a device."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return Skipped(str(file), f"unreadable: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return Skipped(str(file), "not a regular file (a pipe, device, socket or folder)")
        with os.fdopen(fd, "rb") as handle:
            if info.st_size == 0:
                return Skipped(str(file), "empty file")
            if info.st_size > MAX_FILE_BYTES:
                return Skipped(str(file), _too_big(info.st_size))
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Skipped(str(file), f"unreadable: {exc.strerror or exc}")
    if len(data) > MAX_FILE_BYTES:
        return Skipped(str(file), _too_big(len(data)))  # it grew while we read it
    if not data.strip():
        return Skipped(str(file), "empty file")
    return data


def _too_big(size: int) -> str:
    return f"file is {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB limit"


_QUOTES = re.compile(rf"^[ \t]*(?:>[ \t]*){{{MAX_QUOTE_NESTING + 1},}}", re.MULTILINE)


def nesting_depth(text: str) -> int:
    """How deeply elements nest in `text` read as HTML (lxml's C parser: fast on any input; capped near 2048)."""
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    try:
        parser.feed(text)
        root = parser.close()
    except (etree.Error, ValueError):
        return 0
    if root is None:
        return 0
    depth = deepest = 0
    for event, _element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def too_nested(text: str) -> str | None:
    """Why `text` is nested too deeply to parse in reasonable time, or None."""
    if "<" in text and (depth := nesting_depth(text)) > MAX_NESTING:
        return f"markup nested too deeply ({depth} levels; the limit is {MAX_NESTING})"
    if ">" in text and _QUOTES.search(text):
        return f"quotes nested too deeply (over {MAX_QUOTE_NESTING} levels)"
    return None


_SURROGATES = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """`value` with every lone surrogate replaced by U+FFFD, through lists, dicts and dataclasses. JSON-LD and YAML
    escapes such as "\\ud800" make them, and neither the index nor a UTF-8 file can store them."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value) if _SURROGATES.search(value) else value
    # Containers and dataclasses are rebuilt only when something inside them changed: almost no page has a
    # surrogate, and copying every section, block and fact of every article took half a millisecond a page.
    if isinstance(value, (list, tuple)):
        items = [scrub(v) for v in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        pairs = [(scrub(k), scrub(v)) for k, v in value.items()]
        if all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    if names := _init_fields(type(value)):
        changes = {name: new for name in names if (new := scrub(old := getattr(value, name))) is not old}
        return dataclasses.replace(value, **changes) if changes else value
    return value


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(cls: type) -> tuple[str, ...]:
    """The fields a dataclass's constructor takes (none for other classes)."""
    if cls not in _INIT_FIELDS:
        fields = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
        _INIT_FIELDS[cls] = tuple(f.name for f in fields if f.init)
    return _INIT_FIELDS[cls]


def fingerprint(article: Article) -> str:
    """A digest of a page's title and main-content text: two pages are the same page only when these are."""
    text = "\n".join([article.title, *(b.text for s in article.sections for b in s.blocks)])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def read_article(file: Path, rel: str) -> Article | Skipped:
    """Read, decode and parse one file; a Skipped with the reason when it can't be an article. Never raises."""
    data = read_bytes(file)
    if isinstance(data, Skipped):
        return Skipped(rel, data.reason)
    return article_from_bytes(data, rel)


def article_from_bytes(data: bytes, rel: str, fmt: str | None = None) -> Article | Skipped:
    """Decode and parse one article's bytes (a file's, or a fetched page's with its `fmt`); never raises."""
    try:
        text, _encoding = decode(data)
        text = text.replace("\x00", "")  # a NUL is never text, and the XML parsers refuse it
        if problem := too_nested(text):
            return Skipped(rel, problem)
        article = scrub(parse_article(text, rel, fmt))
        if not article.word_count() and not article.facts:
            return Skipped(rel, "no text: nothing but page furniture, and no contact facts")
    except UndecodableError as exc:
        return Skipped(rel, str(exc))
    except FrontMatterError as exc:
        return Skipped(rel, str(exc))
    except RecursionError:
        return Skipped(rel, "markup nested too deeply to parse")
    except Exception as exc:  # a parser bug must not stop the ingest: skip the file, name the error for a report
        return Skipped(rel, f"could not be parsed ({type(exc).__name__}); please report this file")
    return article


def read_articles(
    paths: Iterable[Path], progress: Callable[[int, int], None] | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Every article under `paths`, parsed, with furniture repeated across pages dropped, and every file skipped
    with its reason; never raises for a bad file. `progress(done, total)` after each file."""
    found, skipped = discover(paths)
    articles: list[Article] = []
    for done, (rel, file) in enumerate(found, 1):
        outcome = read_article(file, rel)
        if progress:
            progress(done, len(found))
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
        else:
            articles.append(outcome)
    drop_repeated_blocks(articles)
    return articles, skipped


def extract_articles(articles: list[Article], vocab: Vocabulary, skipped: list[Skipped]) -> IngestResult:
    """Extract every article (one extraction per distinct page); `skipped` are the files reading skipped."""
    result = IngestResult(skipped=list(skipped))
    by_id: dict[str, Extraction] = {}
    content: dict[str, str] = {}  # article id to the fingerprint of the page's text
    for article in articles:
        seen = content.setdefault(article.article_id, fingerprint(article))
        if article.url and seen != fingerprint(article):
            # Another page claims the same canonical URL with other text (a template's canonical link): the claim
            # is false for this one, so it is its own article, known by its path.
            article = dataclasses.replace(article, article_id=article_id(article.path, None), url=None)
            content.setdefault(article.article_id, fingerprint(article))
        try:
            extraction = extract(article, vocab)
        except RecursionError:
            result.skipped.append(Skipped(article.path, "markup nested too deeply to parse"))
            continue
        except Exception as exc:  # as in read_article: one bad article never stops the ingest
            result.skipped.append(Skipped(article.path, f"could not be read ({type(exc).__name__}); "
                                                        "please report this file"))
            continue
        if extraction.article_id in by_id:
            result.skipped.append(Skipped(article.path, f"same page as {by_id[extraction.article_id].path}"))
            continue
        by_id[extraction.article_id] = extraction
        kinds = sorted({m.kind for m in extraction.mentions})
        language = vocab.translations.get(extraction.language)
        if extraction.language != "en" and language is None:
            what = f"language {extraction.language}: kept with its contact facts; the vocabulary has no names in it"
        elif not extraction.mentions and content_words(article) < MIN_CONTENT_WORDS:
            what = f"{content_words(article)} words of main content: kept for its contact facts"
        else:
            what = f"{len(extraction.mentions)} mentions ({', '.join(kinds)})"
        if language is not None:
            what = f"language {language.language}: read with the {language.name} vocabulary; {what}"
        result.outcomes.append((article.path, f"ok: {what}"))
    result.extractions = list(by_id.values())
    result.outcomes += [(s.path, f"skipped: {s.reason}") for s in result.skipped]
    return result
