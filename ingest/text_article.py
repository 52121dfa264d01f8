"""Plain text (often scraped from a page) to Article: headings, bullets and captions told apart by shape."""

from __future__ import annotations

import re
from functools import cache

from ingest import contacts
from ingest.decode import clean_text, normalise_newlines
from ingest.html_article import drop_furniture_sections, page_facts
from kb.cues import load_cues
from kb.model import Article, Block, Section, article_id

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣∙○■□✓✔➤►\-*–—+]|\d{1,2}[.)])\s+")
_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "with", "by", "vs", "is", "are",
                "your", "you", "from", "what", "how", "why", "do", "does", "it", "its", "can", "be", "as"}


@cache
def _furniture() -> tuple[frozenset[str], frozenset[str]]:
    cues = load_cues()
    return cues.words("boilerplate_lines"), cues.words("tail_markers")


def _key(line: str) -> str:
    return clean_text(line).lower().rstrip(" :")


def _drop_furniture(lines: list[str]) -> list[str]:
    """Remove page-furniture lines, and everything after a tail marker in the last third of the text."""
    boilerplate, tails = _furniture()
    for i, line in enumerate(lines):
        if i > len(lines) * 2 / 3 and _key(line) in tails:
            cut = i
            # "Summary" just above an "Article Name" widget belongs to the widget.
            while cut > 0 and (not lines[cut - 1].strip() or len(lines[cut - 1].split()) == 1):
                cut -= 1
            lines = lines[:cut]
            break
    return [line for line in lines if _key(line) not in boilerplate and _key(line).rstrip(":") not in boilerplate]


def _is_title_like(line: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.6


def _is_heading(line: str) -> bool:
    text = line.strip()
    if not text or len(text) > 90 or len(text.split()) > 12 or not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith("?"):
        return True
    if text[-1] in ".,;!\"”)":
        return False
    return _is_title_like(text.rstrip(":"))


def parse_text(text: str, path: str) -> Article:
    """Parse a plain-text article (pure): first line is the title, short title-case lines are headings."""
    lines = [line.rstrip() for line in normalise_newlines(text).split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    title = clean_text(lines[0]) if lines else ""
    body = _drop_furniture(lines[1:])
    kinds = _classify(body)
    sections = [Section(heading=title, level=1)]
    list_id = 0
    previous = ""
    for line, kind in zip(body, kinds, strict=True):
        text_line = clean_text(_BULLET.sub("", line))
        if kind == "blank" or not text_line:
            previous = kind if kind != "blank" else previous
            continue
        if kind == "heading":
            sections.append(Section(heading=text_line.rstrip(":"), level=2))
        elif kind == "item":
            if previous != "item":
                list_id += 1
            sections[-1].blocks.append(Block("item", text_line, list_id))
        elif kind == "paragraph":
            sections[-1].blocks.append(Block("paragraph", text_line))
        previous = kind
    main_text = "\n".join(b.text for s in sections for b in s.blocks)
    return Article(
        article_id=article_id(path, None),
        path=path,
        title=title or path,
        url=None,
        sections=[s for s in drop_furniture_sections(sections) if s.blocks],
        facts=contacts.facts_from_text(main_text, "main") + page_facts(normalise_newlines(text)),
        fmt="text",
    )


def _classify(lines: list[str]) -> list[str]:
    """Each line as blank, heading, item, paragraph or caption (a short untitled line: dropped)."""
    kinds = []
    for line in lines:
        text = line.strip()
        if not text:
            kinds.append("blank")
        elif _BULLET.match(line):
            kinds.append("item")
        elif _is_heading(text):
            kinds.append("heading")
        elif len(text.split()) <= 8 and text[-1] not in ".!?:;\"”)":
            kinds.append("caption")
        else:
            kinds.append("paragraph")
    nonblank = [i for i, k in enumerate(kinds) if k != "blank"]
    for pos, i in enumerate(nonblank):
        before = kinds[nonblank[pos - 1]] if pos > 0 else ""
        after = kinds[nonblank[pos + 1]] if pos + 1 < len(nonblank) else ""
        # A line standing between two bullets lost its bullet in scraping: it is an item too.
        if kinds[i] == "caption" and before == "item" and after == "item":
            kinds[i] = "item"
        # A "heading" with nothing under it before the next heading (or at the end) is a caption.
        elif kinds[i] == "heading" and after in {"heading", ""}:
            kinds[i] = "caption"
    return kinds
