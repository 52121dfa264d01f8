"""Main-content rules for HTML: what page furniture still is content, what content is a sibling-page menu."""

from __future__ import annotations

import re

from bs4 import NavigableString, PageElement, Tag

from ingest.decode import clean_text
from kb.model import Block, Fact

# Elements that start a block: a heading holding one of them was left open by broken markup and swallowed it.
BLOCK_TAGS = {"p", "div", "ul", "ol", "li", "dl", "table", "section", "article", "aside", "blockquote", "pre",
              "form", "figure", "header", "footer", "main", "nav", "details", "h1", "h2", "h3", "h4", "h5", "h6"}
# In HTML a <header> inside one of these heads that part (a card, an accordion item), not the page (ARIA: a
# header is the page banner only outside them).
_SECTIONING = {"article", "aside", "main", "nav", "section"}
_LINK_GROUP_DENSITY = 0.75
# Headings over lists and cards of links to the site's other pages: "Other services", "Related treatments",
# "Other reasons people come to us", "Pairs well with", "Explore our services".
_SIBLING_HEADINGS = re.compile(
    r"\b(?:other|related|more|similar|additional)\b.{0,40}\b(?:services?|treatments?|therap(?:y|ies)|conditions?|"
    r"reasons?|specialties|specialities|programs?|programmes?|pages?)\b|\bpairs? (?:well|nicely) with\b|"
    r"\b(?:explore|browse|view|see) (?:all|our)\b.{0,30}\b(?:services?|treatments?)\b|\byou may also\b",
    re.IGNORECASE,
)
_CURRENT = re.compile(r"\byou are here\b", re.IGNORECASE)
_CURRENT_CLASSES = {"current", "active", "current-menu-item", "current_page_item", "is-active", "selected"}
# A price or a session length marks a list of services with prices (a "ser-nav" of links to a booking widget),
# which is what a patient asks about, not navigation.
_PRICE = re.compile(r"[$£€¥]\s?\d|\d\s?(?:€|eur|usd|gbp|chf)\b|\b\d+\s?(?:mins?|minutes?|hrs?|hours?)\b",
                    re.IGNORECASE)
_QUESTION = re.compile(r"\?[\s+\-−–—×▾▸▴▼▲›»⌄]*$")
_LONG_ITEM_WORDS = 12  # menu labels are a few words; list items this long on average are sentences
_LEAD_IN_WORDS = 4  # "Services:" labels a menu; a lead-in is a sentence
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Names of professional bodies: a row of these is a membership or accreditation strip (logos with their names),
# not services of the page, though the names hold therapies ("Sports Massage Association").
_ORGANISATION = re.compile(r"\b(?:associations?|society|societies|institute|council|federation|college|academy|"
                           r"organi[sz]ations?|foundation|guild|chamber)\b", re.IGNORECASE)
_BADGE_WORDS = 8  # a logo's caption is a name, not a sentence
_MIN_BADGES = 3
_TITLE_PARTS = re.compile(r"\s+[|·•–—:]\s+|\s+-\s+")
_PREAMBLE_WORDS = 12  # a top bar, a breadcrumb or an eyebrow is a line, not a paragraph
_SENTENCE_HEADING_WORDS = 10  # "Massage is ideal for releasing tension in tight muscles and migraines." set as <h3>
# A home page is named by the clinic: its <title>'s other part says nothing about the page.
_HOME_TITLES = {"home", "home page", "homepage", "welcome", "index", "main"}


def _text(node: Tag | NavigableString) -> str:
    return clean_text(node.get_text(" ") if isinstance(node, Tag) else str(node))


def _lead_in(tag: Tag) -> str:
    """Text of the nearest non-blank sibling before `tag` (an element or bare text), unless it is a heading."""
    for node in tag.previous_siblings:
        text = _text(node) if isinstance(node, Tag | NavigableString) else ""
        if text:
            return "" if isinstance(node, Tag) and node.name in _HEADINGS else text
    return ""


def _items(tag: Tag) -> list[Tag]:
    return [d for d in tag.descendants if isinstance(d, Tag) and d.name in {"li", "a"}]


def _links_text(tag: Tag) -> int:
    if tag.name == "a":
        return len(tag.get_text(" ", strip=True))
    return sum(len(a.get_text(" ", strip=True)) for a in tag.descendants if isinstance(a, Tag) and a.name == "a")


def furniture_is_content(tag: Tag, menu_class: bool) -> bool:
    """Whether a block classed as furniture (sidebar, nav) is content by what it holds and what leads into it."""
    lead = _lead_in(tag)
    # A sentence ending "... helps with the following conditions:" right before a list announces it as content.
    if lead.endswith(":") and len(lead.split()) >= _LEAD_IN_WORDS and not _SIBLING_HEADINGS.search(lead):
        return True
    items = [i for i in _items(tag) if i.name == "li"] or _items(tag)
    if len(items) < 2:
        return False
    texts = [_text(i) for i in items]
    # Only a block classed as a menu, not a sidebar: a sidebar's prices are those of the site's other services.
    if menu_class and sum(bool(_PRICE.search(t)) for t in texts) * 2 >= len(texts):
        return True
    return sum(len(t.split()) for t in texts) >= _LONG_ITEM_WORDS * len(texts)


def _entries(tag: Tag) -> list[Tag]:
    """A list's items, or a row's cards when every child is a link; else nothing."""
    children = [c for c in tag.children if isinstance(c, Tag)]
    if tag.name in {"ul", "ol"} and all(c.name == "li" for c in children):
        return children
    if tag.name in {"div", "section", "nav"} and all(c.name == "a" for c in children):
        return children
    return []


def _marks_current(tag: Tag) -> bool:
    for node in [tag, *(d for d in tag.descendants if isinstance(d, Tag))]:
        if node.get("aria-current") not in (None, "false") or _CURRENT_CLASSES & set(node.get("class") or []):
            return True
    return bool(_CURRENT.search(tag.get_text(" ")))


def sibling_services(tag: Tag, headings: set[str]) -> bool:
    """Whether `tag` is a link list or card row of the site's other services ("Other services", "you are here")."""
    entries = _entries(tag)
    current = [e for e in entries if _marks_current(e)]
    others = [e for e in entries if e not in current]
    text = sum(len(e.get_text(" ", strip=True)) for e in others)
    # Menus of sibling pages are made of links: every entry but the one for this page.
    if len(others) < 2 or not text or sum(_links_text(e) for e in others) < _LINK_GROUP_DENSITY * text:
        return False
    if current:
        return True
    heading = tag.find_previous(headings)
    return heading is not None and bool(_SIBLING_HEADINGS.search(heading_text(heading)))


def scoped_header(tag: Tag) -> bool:
    """Whether a <header> heads part of the page (a section, a card, an FAQ item) rather than the page."""
    return tag.name == "header" and any(p.name in _SECTIONING for p in tag.parents)


def question_button(tag: Tag) -> bool:
    """Whether a <button> is an FAQ accordion's question, which heads the answer below it."""
    return tag.name == "button" and bool(_QUESTION.search(_text(tag))) and len(_text(tag).split()) >= 2


def holds_blocks(tag: Tag) -> bool:
    """Whether an element that should hold only phrasing content holds blocks (broken or unclosed markup)."""
    return any(isinstance(d, Tag) and d.name in BLOCK_TAGS for d in tag.descendants)


def keep_button(tag: Tag) -> bool:
    """Whether a <button> carries content: an accordion question, or list items and paragraphs put inside it."""
    return question_button(tag) or holds_blocks(tag)


def question_text(tag: Tag) -> str:
    """A question button's text without its open/close marker ("Is it safe? +")."""
    text = _text(tag)
    return text[: text.rindex("?") + 1]


def heading_text(tag: Tag) -> str:
    """A heading's own text: what comes before any block its unclosed markup swallowed."""
    parts = []
    for child in tag.children:
        if isinstance(child, Tag) and child.name in BLOCK_TAGS:
            break
        parts.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
    return clean_text(" ".join(parts))


def swallowed(tag: Tag) -> list[PageElement]:
    """What an unclosed heading swallowed: its children from the first block on."""
    children = list(tag.children)
    first = next((i for i, c in enumerate(children) if isinstance(c, Tag) and c.name in BLOCK_TAGS), len(children))
    return children[first:]


def common_root(best: Tag, hinted: list[Tag]) -> Tag:
    """The content element, widened to the parent of its look-alike peers (tab panels of one page)."""
    classes = best.get("class")
    peers = [t for t in hinted if t is not best and t.get("class") == classes and t.name == best.name
             and best not in t.parents and t not in best.parents]
    if not classes or not peers:
        return best
    root = best
    while root.parent is not None and not all(root in p.parents for p in peers):
        root = root.parent
    return root


def _tiles(tag: Tag) -> list[Tag]:
    """A list's items, or a row of look-alike children (same element, same class): logo or badge tiles."""
    children = [c for c in tag.children if isinstance(c, Tag)]
    if len(children) < _MIN_BADGES:
        return []
    if tag.name in {"ul", "ol"}:
        return children if all(c.name == "li" for c in children) else []
    first = children[0]
    same = all(c.name == first.name and c.get("class") == first.get("class") for c in children)
    return children if same and first.get("class") else []


def memberships(tag: Tag) -> bool:
    """Whether `tag` is a strip of professional bodies' names (memberships, accreditations, badges)."""
    texts = [t for t in (_text(e) for e in _tiles(tag)) if t]
    if len(texts) < _MIN_BADGES or any(len(t.split()) > _BADGE_WORDS for t in texts):
        return False
    return sum(bool(_ORGANISATION.search(t)) for t in texts) * 2 >= len(texts)


def _name_key(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def names_clinic(heading: str, names: list[str]) -> bool:
    """Whether a heading is the clinic's own name, as the page's contact lines, copyright or metadata give it."""
    key = _name_key(heading)
    return bool(key) and any(_name_key(n) == key for n in names)


def site_banner(tags: list[Tag], meta: dict[str, str | None], facts: list[Fact]) -> Tag | None:
    """The page's first <h1>; when it is only the clinic's name (a site banner) and the <title> names the page,
    the h1 is removed and the page's title taken from <title> (None then): the clinic's name is no mention of a
    technique ("Kestrel Physiotherapy Clinic" over its contact page)."""
    h1 = next((t for t in tags if t.name == "h1"), None)
    names = [f.value for f in facts if f.kind == "name"]
    if h1 is None or not names_clinic(heading_text(h1), names):
        return h1
    head = next((t for t in tags if t.name == "title"), None)
    title = page_title(clean_text(head.get_text()), names) if head is not None else ""
    if not title:
        return h1  # a home page: the clinic's name is its title
    meta["title"] = title
    h1.decompose()
    return None


def page_title(head_title: str, names: list[str]) -> str:
    """The part of a <title> naming the page, not the clinic ("Contact Us | Kestrel Physio" -> "Contact Us");
    empty when it names only the clinic or a home page."""
    keys = {_name_key(n) for n in names}
    parts = [p for p in (clean_text(p) for p in _TITLE_PARTS.split(head_title)) if _name_key(p) not in keys]
    return parts[0] if parts and _name_key(parts[0]) not in _HOME_TITLES else ""


def page_header(root: Tag, h1: Tag | None, order: dict[int, int]) -> Tag | None:
    """The block holding the page's <h1> (and its intro) when it stands outside and before the content element:
    `<header class="page-header"><h1>…</h1><p>…</p></header><main>…</main>`. The header is content then, not
    site furniture; `order` gives each element's position in the document."""
    # The h1 may have gone with furniture around it (an <aside>, a form): decomposed tags answer nothing.
    if h1 is None or h1.__dict__.get("_decomposed") or root in h1.parents or root.name in {"body", "html"}:
        return None
    above_root = {id(p) for p in root.parents}
    node = h1
    while node.parent is not None and id(node.parent) not in above_root:
        node = node.parent
    if order.get(id(node), 1 << 30) > order.get(id(root), -1):
        return None  # the h1 comes after the content: a footer's or a sidebar's
    text = len(node.get_text(" ", strip=True))
    return node if text and _links_text(node) < 0.5 * text and text < len(root.get_text(" ", strip=True)) else None


def preamble(blocks: list[Block]) -> bool:
    """Whether what stands above a page's <h1> is furniture: short lines (a top bar's tagline, a breadcrumb, an
    eyebrow label), no sentence among them."""
    return bool(blocks) and all(len(b.text.split()) <= _PREAMBLE_WORDS and not b.text.rstrip().endswith(".")
                                for b in blocks)


def sentence_heading(text: str) -> bool:
    """Whether a heading's text is a sentence (long, ending with a full stop or "!"), not a section's name."""
    return len(text.split()) >= _SENTENCE_HEADING_WORDS and text.rstrip().endswith((".", "!"))
