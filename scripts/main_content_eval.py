#!/usr/bin/env python3
"""Measure main-content extraction on labelled real pages: gold recall and boilerplate-trap leaks per extractor.

    .venv/bin/python scripts/main_content_eval.py ../shared/corpus [--baseline-rev REV] [--detail]

For every HTML page (.html .htm .php .xhtml) of CORPUS/*/pages, decoded as kb decodes it, each extractor's main
text is compared with the part's gold.json:

- recall: share of gold conditions/techniques/benefits (not `uncertain`) found in the text. An item is looked for
  by its `evidence` when present, else by its `name`. The evidence is HTML-unescaped and a labeller's note after
  " -- " dropped; ";" separates alternative quotes (any one suffices) and "..." separates parts of one quote (all
  must be found). Text and quote are lower-cased and split into words ([a-z0-9]+ and other letters, so white
  space and punctuation do not matter); a part is found when at least 70% of its distinct words stand inside one
  window of the text of twice the part's length (at least 4 words).
- trap leaks: a page leaks when any `boilerplate_only_mentions` term stands in the text as a whole phrase (a
  labeller's note in parentheses dropped, "/" separating alternatives); the leaked terms are counted too.

Extractors: kb at --baseline-rev (ingest/html_article.py as committed), kb in the working tree, trafilatura with
its defaults, trafilatura favor_recall (tables included), and ingest.main_content's combination steps applied to
the baseline's blocks. Seconds are each extractor's CPU time over all pages.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import importlib.util
import json
import math
import re
import subprocess
import sys
import time
import types
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from ingest import html_article  # noqa: E402
from ingest.decode import decode  # noqa: E402
from kb.model import Article, Section  # noqa: E402

HTML_SUFFIXES = {".html", ".htm", ".php", ".xhtml"}
WORDS = re.compile(r"[^\W_]+")
MIN_SHARE = 0.7


def words(text: str) -> list[str]:
    """Lower-cased words of a text, punctuation and white space dropped."""
    return WORDS.findall(text.lower())


def found(part: list[str], text: list[str], positions: dict[str, list[int]]) -> bool:
    """Whether ≥70% of `part`'s distinct words stand in one window of `text` twice the part's length."""
    wanted = set(part)
    need = math.ceil(MIN_SHARE * len(wanted))
    width = max(4, 2 * len(part))
    hits = sorted((p, w) for w in wanted for p in positions.get(w, ()))
    for i, (start, _) in enumerate(hits):
        inside = {w for p, w in hits[i:] if p < start + width}
        if len(inside) >= need:
            return True
    return False


def item_found(item: dict, text: list[str], positions: dict[str, list[int]]) -> bool:
    quote = html.unescape(item.get("evidence") or item["name"]).split(" -- ")[0]
    for alternative in quote.split(";"):
        parts = [words(p) for p in re.split(r"\.\.\.|…", alternative)]
        parts = [p for p in parts if p]
        if parts and all(found(p, text, positions) for p in parts):
            return True
    return False


def trap_terms(term: str) -> list[list[str]]:
    return [w for w in (words(t) for t in re.sub(r"\([^)]*\)", " ", term).split("/")) if w]


def leaked(term: str, text: str) -> bool:
    return any(re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, t)) + r"(?!\w)", text) for t in trap_terms(term))


# trafilatura's opinion, as a fallback for thin pages and a veto on kb's blocks (measured, not used by ingest)
VETO_MIN_KEPT = 0.6  # trafilatura's verdicts count only when it keeps at least this share of kb's words
THIN_WORDS = 60  # kb's main text shorter than this many words is thin ...
THIN_RATIO = 2.0  # ... and trafilatura's replaces it when it holds at least this many times more words


def trafilatura_text(markup: str) -> str:
    """trafilatura's main text of a page, tuned for recall: lists and tables kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its date and language helpers warn about pages they cannot read
        return trafilatura.extract(markup, favor_recall=True, include_tables=True, include_comments=False) or ""


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
        if not tokens:
            return True
        if " " + " ".join(tokens) + " " in self.joined:
            return True
        if len(tokens) == 1:
            return tokens[0] in self.vocabulary
        pairs = _bigrams(tokens)
        return len(pairs & self.bigrams) >= 0.5 * len(pairs)


def veto(sections: list[Section], other: str) -> list[Section]:
    """Drop kb's blocks trafilatura discarded, when it kept most of kb's words (else its opinion is off)."""
    opinion = Opinion(other)
    blocks = [(b, len(words(b.text))) for s in sections for b in s.blocks]
    total = sum(n for _, n in blocks)
    kept = {id(b) for b, _ in blocks if opinion.keeps(b.text)}
    if not total or sum(n for b, n in blocks if id(b) in kept) < VETO_MIN_KEPT * total:
        return sections
    out = []
    for section in sections:
        section.blocks = [b for b in section.blocks if id(b) in kept]
        out.append(section)
    return out


def thin(sections: list[Section], other: str) -> bool:
    """Whether kb found too little main text where trafilatura found much more."""
    mine = sum(len(words(b.text)) for s in sections for b in s.blocks)
    return mine < THIN_WORDS and len(words(other)) >= THIN_RATIO * max(mine, 1)


def article_text(article: Article) -> str:
    return "\n".join([s.heading for s in article.sections] + [b.text for s in article.sections for b in s.blocks])


def load_baseline(rev: str) -> types.ModuleType:
    """ingest/html_article.py as committed at `rev`, loaded as a module of its own."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:ingest/html_article.py"],
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("baseline_html_article", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{rev}:ingest/html_article.py", "exec"), module.__dict__)  # noqa: S102
    return module


def extractors(baseline: types.ModuleType) -> dict[str, Callable[[str, str], str]]:
    def kb_before(text: str, name: str) -> str:
        return article_text(baseline.parse_html(text, name))

    def kb_now(text: str, name: str) -> str:
        return article_text(html_article.parse_html(text, name))

    def traf_default(text: str, name: str) -> str:
        return trafilatura.extract(text) or ""

    def traf_recall(text: str, name: str) -> str:
        return trafilatura_text(text)

    def combined(module: types.ModuleType, fallback: bool, vetoed: bool) -> Callable[[str, str], str]:
        def run(text: str, name: str) -> str:
            article = module.parse_html(text, name)
            other = trafilatura_text(text)
            sections = article.sections
            if vetoed:
                sections = veto(sections, other)
            body = article_text(dataclasses.replace(article, sections=sections))
            if fallback and thin(sections, other):
                body += "\n" + other
            return body
        return run

    def whole_page(text: str, name: str) -> str:
        return html_article.soup_of(text).get_text(" ")

    return {
        "whole page text (ceiling)": whole_page,
        "kb (baseline)": kb_before,
        "trafilatura default": traf_default,
        "trafilatura favor_recall": traf_recall,
        "baseline + fallback": combined(baseline, True, False),
        "baseline + veto": combined(baseline, False, True),
        "baseline + fallback + veto": combined(baseline, True, True),
        "kb (working tree)": kb_now,
        "working tree + fallback": combined(html_article, True, False),
        "working tree + veto": combined(html_article, False, True),
        "working tree + fallback + veto": combined(html_article, True, True),
    }


def pages(corpus: Path) -> list[tuple[Path, dict]]:
    out = []
    for gold_file in sorted(corpus.glob("*/gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))["files"]
        for name, labels in sorted(gold.items()):
            path = gold_file.parent / "pages" / name
            if path.suffix.lower() in HTML_SUFFIXES and path.is_file():
                out.append((path, labels))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--baseline-rev", default="1701be3",
                        help="the commit whose ingest/html_article.py is kb before the main-content rules")
    parser.add_argument("--detail", action="store_true", help="list each page's misses and leaks")
    parser.add_argument("--only", help="run only extractors whose name contains this")
    args = parser.parse_args()
    todo = pages(args.corpus)
    texts = [(path, labels, decode(path.read_bytes())[0]) for path, labels in todo]
    print(f"{len(texts)} HTML pages; {sum(len(x[2]) for x in texts) // 1000} kB")
    print("| extractor | recall | pages leaking | trap terms leaked | seconds |")
    print("| --- | --- | --- | --- | --- |")
    for label, extract in extractors(load_baseline(args.baseline_rev)).items():
        if args.only and args.only not in label:
            continue
        hit = total = leaking = terms = 0
        seconds = 0.0
        notes = []
        for path, labels, text in texts:
            start = time.process_time()
            main = extract(text, path.name)
            seconds += time.process_time() - start
            tokens = words(main)
            positions: dict[str, list[int]] = {}
            for i, w in enumerate(tokens):
                positions.setdefault(w, []).append(i)
            items = [i for k in ("conditions", "techniques", "benefits") for i in labels.get(k) or []
                     if not i.get("uncertain")]
            missed = [i["name"] for i in items if not item_found(i, tokens, positions)]
            hit += len(items) - len(missed)
            total += len(items)
            lowered = main.lower()
            leaks = [t for t in labels.get("boilerplate_only_mentions") or [] if leaked(t, lowered)]
            leaking += bool(leaks)
            terms += len(leaks)
            if args.detail and (missed or leaks):
                notes.append(f"    {path.name}: missed {missed} leaked {leaks}")
        print(f"| {label} | {hit}/{total} = {hit / max(1, total):.0%} | {leaking}/{len(texts)} | {terms} "
              f"| {seconds:.2f} |")
        for note in notes:
            print(note)


if __name__ == "__main__":
    main()
