#!/usr/bin/env python3
"""Measure main-content extraction on labelled real pages: gold recall, boilerplate-trap leaks, words, time.

    .venv/bin/python scripts/measure_main_content.py ../shared/corpus [--baseline-rev REV] [--detail]

Reads CORPUS/*/gold.json and CORPUS/*/pages at run time (never copies them). For every HTML page (.html .htm .php
.xhtml) and Markdown page (.md .markdown), decoded as kb decodes it, each extractor's main text is compared with
the part's gold.json:

- recall: share of gold conditions/techniques/benefits (not `uncertain`) whose words stand in the text. An item is
  looked for by its `evidence` when present, else by its `name`. The evidence is HTML-unescaped and a labeller's
  note after " -- " dropped; ";" separates alternative quotes (any one suffices) and "..." separates parts of one
  quote (all must be found). Text and quote are lower-cased and split into words; a part is found when at least
  70% of its distinct words stand inside one window of the text of twice the part's length (at least 4 words).
- trap leaks: a page leaks when any `boilerplate_only_mentions` term stands in the text as a whole phrase (a
  labeller's note in parentheses dropped, "/" separating alternatives); the leaked terms are counted too.
- words: words of main text kept, over all pages.
- ms/page: each extractor's CPU time per page (kb's is its whole parse: metadata and contact facts too).

Extractors: kb at --baseline-rev (run from a `git archive` of that commit, in a subprocess), kb in the working
tree, trafilatura with its defaults, trafilatura favor_recall (tables included), and the combination the issue
proposed: trafilatura's text as a fallback for thin pages and a veto on kb's blocks it discards. Markdown pages
are given to trafilatura as kb renders them to HTML. trafilatura is a bench extra (`pip install -e .[bench]`).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML_SUFFIXES = {".html", ".htm", ".php", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
WORDS = re.compile(r"[^\W_]+")
MIN_SHARE = 0.7

# trafilatura's opinion, as a fallback for thin pages and a veto on kb's blocks
VETO_MIN_KEPT = 0.6  # trafilatura's verdicts count only when it keeps at least this share of kb's words
THIN_WORDS = 60  # kb's main text shorter than this many words is thin ...
THIN_RATIO = 2.0  # ... and trafilatura's is added when it holds at least this many times more words


def words(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation and white space dropped."""
    return WORDS.findall(text.lower())


def found(part: list[str], positions: dict[str, list[int]]) -> bool:
    """Whether ≥70% of `part`'s distinct words stand in one window of the text twice the part's length."""
    wanted = set(part)
    need = math.ceil(MIN_SHARE * len(wanted))
    width = max(4, 2 * len(part))
    hits = sorted((p, w) for w in wanted for p in positions.get(w, ()))
    return any(len({w for p, w in hits[i:] if p < start + width}) >= need for i, (start, _) in enumerate(hits))


def item_found(item: dict, positions: dict[str, list[int]]) -> bool:
    quote = html.unescape(item.get("evidence") or item["name"]).split(" -- ")[0]
    for alternative in quote.split(";"):
        parts = [p for p in (words(p) for p in re.split(r"\.\.\.|…", alternative)) if p]
        if parts and all(found(p, positions) for p in parts):
            return True
    return False


def leaked(term: str, text: str) -> bool:
    alternatives = [w for w in (words(t) for t in re.sub(r"\([^)]*\)", " ", term).split("/")) if w]
    return any(re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, t)) + r"(?!\w)", text) for t in alternatives)


def _bigrams(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


class Opinion:
    """trafilatura's text, indexed to ask whether it kept a block of kb's."""

    def __init__(self, text: str) -> None:
        tokens = words(text)
        self.joined = " " + " ".join(tokens) + " "
        self.vocabulary = set(tokens)
        self.bigrams = _bigrams(tokens)

    def keeps(self, text: str) -> bool:
        """Whether trafilatura kept this text: verbatim, or most of its word pairs (it re-spaces inline markup)."""
        tokens = words(text)
        if not tokens or " " + " ".join(tokens) + " " in self.joined:
            return True
        if len(tokens) == 1:
            return tokens[0] in self.vocabulary
        pairs = _bigrams(tokens)
        return len(pairs & self.bigrams) >= 0.5 * len(pairs)


def veto(sections: list, other: str) -> list:
    """kb's sections without the blocks trafilatura discarded, when it kept most of kb's words (else unchanged)."""
    opinion = Opinion(other)
    blocks = [(b, len(words(b.text))) for s in sections for b in s.blocks]
    total = sum(n for _, n in blocks)
    kept = {id(b) for b, _ in blocks if opinion.keeps(b.text)}
    if not total or sum(n for b, n in blocks if id(b) in kept) < VETO_MIN_KEPT * total:
        return sections
    return [dataclasses.replace(s, blocks=[b for b in s.blocks if id(b) in kept]) for s in sections]


def thin(sections: list, other: str) -> bool:
    """Whether kb found too little main text where trafilatura found much more."""
    mine = sum(len(words(b.text)) for s in sections for b in s.blocks)
    return mine < THIN_WORDS and len(words(other)) >= THIN_RATIO * max(mine, 1)


def article_text(sections: list) -> str:
    return "\n".join([s.heading for s in sections] + [b.text for s in sections for b in s.blocks])


def extractors(only: str | None) -> dict[str, Callable[[str, Path], str]]:
    import markdown
    import trafilatura

    from ingest.html_article import soup_of
    from ingest.parse import parse_article

    def kb(text: str, path: Path) -> str:
        return article_text(parse_article(text, path.name).sections)

    def as_html(text: str, path: Path) -> str:
        return markdown.markdown(text) if path.suffix.lower() in MARKDOWN_SUFFIXES else text

    def traf(text: str, path: Path, recall: bool) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its date and language helpers warn about pages they cannot read
            if recall:
                return trafilatura.extract(as_html(text, path), favor_recall=True, include_tables=True) or ""
            return trafilatura.extract(as_html(text, path)) or ""

    def combined(fallback: bool, vetoed: bool) -> Callable[[str, Path], str]:
        def run(text: str, path: Path) -> str:
            sections = parse_article(text, path.name).sections
            other = traf(text, path, recall=True)
            if vetoed:
                sections = veto(sections, other)
            body = article_text(sections)
            return body + "\n" + other if fallback and thin(sections, other) else body
        return run

    def whole_page(text: str, path: Path) -> str:
        return soup_of(as_html(text, path)).get_text(" ")

    table: dict[str, Callable[[str, Path], str]] = {
        "whole page text (ceiling)": whole_page,
        "kb": kb,
        "trafilatura default": lambda t, p: traf(t, p, recall=False),
        "trafilatura favor_recall": lambda t, p: traf(t, p, recall=True),
        "kb + fallback": combined(True, False),
        "kb + veto": combined(False, True),
        "kb + fallback + veto": combined(True, True),
    }
    return {k: v for k, v in table.items() if not only or k == only}


def pages(corpus: Path) -> list[tuple[Path, dict]]:
    out = []
    for gold_file in sorted(corpus.glob("*/gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))["files"]
        for name, labels in sorted(gold.items()):
            path = gold_file.parent / "pages" / name
            if path.suffix.lower() in HTML_SUFFIXES | MARKDOWN_SUFFIXES and path.is_file():
                out.append((path, labels))
    return out


def measure(corpus: Path, only: str | None, detail: bool) -> list[dict]:
    from ingest.decode import decode

    todo = [(path, labels, decode(path.read_bytes())[0]) for path, labels in pages(corpus)]
    rows = []
    for label, extract in extractors(only).items():
        rows_of = {kind: {"extractor": label, "pages": kind, "hit": 0, "total": 0, "leaking": 0, "terms": 0,
                          "words": 0, "seconds": 0.0, "count": 0, "notes": []} for kind in ("all", "html", "markdown")}
        for path, labels, text in todo:
            start = time.process_time()
            main = extract(text, path)
            seconds = time.process_time() - start
            tokens = words(main)
            positions: dict[str, list[int]] = {}
            for i, w in enumerate(tokens):
                positions.setdefault(w, []).append(i)
            items = [i for k in ("conditions", "techniques", "benefits") for i in labels.get(k) or []
                     if not i.get("uncertain")]
            missed = [i["name"] for i in items if not item_found(i, positions)]
            leaks = [t for t in labels.get("boilerplate_only_mentions") or [] if leaked(t, main.lower())]
            kind = "markdown" if path.suffix.lower() in MARKDOWN_SUFFIXES else "html"
            for row in (rows_of["all"], rows_of[kind]):
                row["hit"] += len(items) - len(missed)
                row["total"] += len(items)
                row["leaking"] += bool(leaks)
                row["terms"] += len(leaks)
                row["words"] += len(tokens)
                row["seconds"] += seconds
                row["count"] += 1
            if detail and (missed or leaks):
                rows_of["all"]["notes"].append(f"    {path.name}: missed {missed} leaked {leaks}")
        rows += rows_of.values()
    return rows


def baseline_rows(rev: str, corpus: Path, detail: bool) -> list[dict]:
    """kb's rows as the commit `rev` measures them: its packages unpacked to a temporary folder, run there."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "ingest", "kb"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        out = subprocess.run([sys.executable, __file__, str(corpus.resolve()), "--root", folder, "--only", "kb",
                              "--json", *(["--detail"] if detail else [])],
                             check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)
    for row in rows:
        row["extractor"] = f"kb at {rev}"
    return rows


def print_table(rows: list[dict], kind: str) -> None:
    print("| extractor | recall | pages leaking | trap terms leaked | words kept | ms/page |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in (r for r in rows if r["pages"] == kind):
        n = max(1, row["count"])
        print(f"| {row['extractor']} | {row['hit']}/{row['total']} = {row['hit'] / max(1, row['total']):.1%} "
              f"| {row['leaking']}/{row['count']} | {row['terms']} | {row['words']} "
              f"| {1000 * row['seconds'] / n:.1f} |")
        for note in row["notes"]:
            print(note)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--baseline-rev", help="also measure kb as committed at this revision")
    parser.add_argument("--detail", action="store_true", help="list each page's misses and leaks")
    parser.add_argument("--only", help="run only the extractor of this name")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # kb's packages from here
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    rows = baseline_rows(args.baseline_rev, args.corpus, args.detail) if args.baseline_rev else []
    rows += measure(args.corpus, args.only, args.detail)
    if args.json:
        print(json.dumps(rows))
        return
    counts = {r["pages"]: r["count"] for r in rows}
    for kind, title in (("all", "all pages"), ("html", "HTML pages"), ("markdown", "Markdown pages")):
        print(f"\n{title} ({counts.get(kind, 0)})\n")
        print_table(rows, kind)


if __name__ == "__main__":
    main()
