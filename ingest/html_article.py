"""HTML page to Article: metadata, contact facts from the whole page, sections from the main content only."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import cache
from typing import Any

from bs4 import (
    BeautifulSoup,
    CData,
    Comment,
    Declaration,
    Doctype,
    MarkupResemblesLocatorWarning,
    NavigableString,
    PageElement,
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)

from ingest import contacts, main_content, structured_contacts
from ingest.decode import clean_text
from kb.cues import load_cues
from kb.model import Article, Block, Fact, Section, article_id

_PHP = re.compile(r"<\?(?:php|=).*?(?:\?>|$)", re.DOTALL | re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input", "select",
              "textarea", "nav", "aside", "figcaption", "img", "picture", "video", "audio", "canvas", "object",
              "embed", "link", "meta", "dialog"}
_TEXT_BLOCKS = {"p", "blockquote", "dd", "dt", "td", "th", "pre", "caption"}
_INLINE = {"a", "span", "strong", "b", "em", "i", "u", "small", "sup", "sub", "abbr", "mark", "font", "label",
           "time", "code", "q", "cite", "br", "wbr", "s", "del", "ins", "big", "tt", "var", "dfn", "kbd", "data"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
_CODE_TAGS = {"script", "style", "noscript", "template"}
_ARTICLE_TAGS = {"h1", "article", "main"}
_BLOCKS_IN_INLINE = {"p", "ul", "ol", "div", *_HEADINGS}
_NESTED_IN_TEXT = {"ul", "ol", "li", *_HEADINGS}
_LISTS = {"ul", "ol"}
_WORD_BREAKS = re.compile(r"[-_\s]+")
_CONTENT_HINTS = re.compile(r"(?:^|[-_ ])(entry-content|post-content|article-body|article-content|post-body|"
                            r"page-content|content-area|main-content|blog-post|post|entry|content|article)(?:$|[-_ ])")


@cache
def _furniture_words() -> tuple[frozenset[str], frozenset[str]]:
    cues = load_cues()
    return cues.words("furniture_classes"), cues.words("link_list_classes")


def link_density(tag: Tag) -> float:
    """Share of a block's text that sits in links: near 1 for menus, low for prose and price tables."""
    text = len(tag.get_text(" ", strip=True))
    links = sum(len(a.get_text(" ", strip=True)) for a in _tags_under(tag) if a.name == "a")
    return links / text if text else 1.0


# BeautifulSoup's find and find_all build a filter per call and run it over every element; ingest asks the same
# tree dozens of simple questions (a tag's name, one attribute), which plain loops answer several times faster.
def _tags_under(node: Tag) -> list[Tag]:
    """Every element below `node` in document order: `node.find_all(True)`."""
    return [d for d in node.descendants if isinstance(d, Tag)]


def _contains(tag: Tag, names: set[str]) -> bool:
    """Whether an element named in `names` stands anywhere below `tag`: `tag.find(names) is not None`."""
    return any(isinstance(d, Tag) and d.name in names for d in tag.descendants)


def _first_named(tags: list[Tag], name: str) -> Tag | None:
    return next((t for t in tags if t.name == name), None)


def _decomposed(tag: Tag) -> bool:
    # Not Tag.decomposed: on a live tag, BeautifulSoup looks the missing attribute up as a child tag named
    # "_decomposed", searching the whole subtree.
    return bool(tag.__dict__.get("_decomposed"))


def soup_of(markup: str) -> BeautifulSoup:
    """Parse markup with lxml's HTML parser, also for XHTML: saved XHTML pages are tag soup, not XML."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def parse_html(text: str, path: str) -> Article:
    """Parse an HTML page into an Article (pure: text in, article out)."""
    soup = soup_of(_PHP.sub(" ", text))
    # The page's elements and comments as parsed, listed once: metadata, JSON-LD and markup facts all read them.
    tags: list[Tag] = []
    comments: list[Comment] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            tags.append(node)
        elif isinstance(node, Comment) and node:  # find_all(string=…) passes over empty strings
            comments.append(node)
    jsonld = structured_contacts.jsonld_objects(tags)  # read once: metadata and contact facts both come from it
    meta = _metadata(tags, jsonld)
    facts = structured_contacts.facts_from_jsonld(jsonld) + structured_contacts.facts_from_markup(tags)
    if site := meta.get("site"):
        facts.append(Fact("name", site, "meta"))
    for comment in comments:
        comment.extract()
    for tag in tags:
        if tag.name in _CODE_TAGS and not _decomposed(tag):  # one inside another went with it
            tag.decompose()
    body = soup.body or soup
    # Footers, headers and call-to-action boxes are furniture for the content, but their visible text holds
    # the clinic's contact facts: read those from the whole page before the furniture goes.
    facts += page_facts(body.get_text("\n"))
    if title_tag := next((t for t in tags if t.name == "title" and not _decomposed(t)), None):
        facts += [Fact("name", n, "title") for n in contacts.names_in_title(clean_text(title_tag.get_text()))]
    h1 = main_content.site_banner([t for t in tags if not _decomposed(t)], meta, facts)
    _strip_furniture(body)
    root = _main_root(body)
    if lead := main_content.page_header(root, h1, {id(t): i for i, t in enumerate(tags)}):
        root.insert(0, lead.extract())  # the page's own header (h1, intro) stands before <main>: read it first
    sections = drop_furniture_sections(sections_from_element(root, meta.get("title") or ""))
    title = meta.get("title") or (sections[0].heading if sections else "") or path
    if sections and not sections[0].heading:
        sections[0].heading = title
    main_text = "\n".join(b.text for s in sections for b in s.blocks)
    facts += contacts.facts_from_text(main_text, "main")
    # Parents and children point at each other, so a dropped tree waits for the cycle collector, and over a batch
    # of pages its passes cost more than taking each tree apart here (which frees it at once).
    soup.decompose()
    url = meta.get("url")
    return Article(
        article_id=article_id(path, url),
        path=path,
        title=title,
        url=url,
        sections=[s for s in sections if s.blocks],
        facts=facts,
        site=meta.get("site"),
        published=meta.get("published"),
        updated=meta.get("updated"),
        lang=meta.get("lang"),
        fmt="html",
    )


def page_facts(text: str) -> list[Fact]:
    """Contact facts anywhere in a page's visible text, with the clinic names on its contact lines and copyright."""
    text = contacts.scan_window(text)
    facts = contacts.facts_from_text(text, "page", names=False)
    facts += [Fact("name", n, "page") for n in contacts.names_near_contacts(text)]
    facts += [Fact("name", n, "copyright") for n in contacts.copyright_names(text)]
    return facts


def _meta_tags(tags: list[Tag]) -> dict[str, str]:
    """Every <meta property|name=… content=…> among a page's tags, by lower-cased key (first one wins)."""
    out: dict[str, str] = {}
    for tag in (t for t in tags if t.name == "meta"):
        key = str(tag.get("property") or tag.get("name") or "").lower()
        if key and tag.get("content") and key not in out:
            out[key] = clean_text(str(tag["content"]))
    return out


def _meta(metas: dict[str, str], *keys: str) -> str | None:
    return next((metas[k] for k in keys if metas.get(k)), None)


def _canonical(tag: Tag) -> bool:
    rel = tag.get("rel")  # a list of words, each tested as find_all(rel=<function>) would
    return tag.name == "link" and any(v and "canonical" in v for v in (rel if isinstance(rel, list) else [rel]))


def _metadata(tags: list[Tag], jsonld: list[dict[str, Any]]) -> dict[str, str | None]:
    metas = _meta_tags(tags)
    canonical = next((t for t in tags if _canonical(t)), None)
    url = str(canonical["href"]).strip() if canonical is not None and canonical.get("href") else None
    url = url or _meta(metas, "og:url")
    if url and not url.startswith(("http://", "https://")):
        url = None  # a relative canonical link says nothing about where the page lives
    published = _meta(metas, "article:published_time", "date", "dc.date", "pubdate") or _first(jsonld, "datePublished")
    updated = _meta(metas, "article:modified_time", "og:updated_time", "last-modified") or _first(
        jsonld, "dateModified"
    )
    dated = next((t for t in tags if t.name == "time" and t.get("datetime") is not None), None)
    if not published and dated is not None:
        published = str(dated["datetime"])
    h1 = _first_named(tags, "h1")
    title = main_content.heading_text(h1) if h1 is not None else ""
    if not title:
        head_title = _first_named(tags, "title")
        title = _meta(metas, "og:title") or (clean_text(head_title.get_text()) if head_title is not None else "")
        title = re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]+$)", title)[0] if title else ""
    html = _first_named(tags, "html")
    lang = str(html.get("lang") or html.get("xml:lang") or "") if html is not None else ""
    return {
        "title": title or None,
        "url": url,
        # "Canberra Acupuncture | Acupuncture therapy | …": a site name padded with what the site offers
        "site": re.split(r"\s+[|–—]\s+", site)[0] if (site := _meta(metas, "og:site_name", "application-name"))
        else None,
        "published": published,
        "updated": updated,
        "lang": lang.lower() or None,
    }


def _first(objects: list[dict], key: str) -> str | None:
    for obj in objects:
        if isinstance(obj.get(key), str):
            return str(obj[key])
    return None


def _is_furniture(tag: Tag) -> bool:
    if main_content.scoped_header(tag):
        return link_density(tag) >= 0.5  # a section's or an FAQ item's own header, unless it is a menu
    if tag.name in {"header", "footer"}:
        return not _contains(tag, {"h1"})
    role = str(tag.get("role") or "").lower()
    if role in _FURNITURE_ROLES:
        return True
    if tag.get("aria-hidden") == "true" or "display:none" in str(tag.get("style") or "").replace(" ", ""):
        return True
    if not tag.get("class") and not tag.get("id"):
        return False  # most elements: no class or id words to read
    classes: list[str] = list(tag.get("class") or [])
    words = {w for c in [*classes, str(tag.get("id") or "")] for w in _WORD_BREAKS.split(str(c).lower()) if w}
    strong, weak = _furniture_words()
    if not words & strong and not (words & weak and link_density(tag) >= 0.5):
        return False
    if main_content.furniture_is_content(tag, menu_class=not words & strong):
        return False
    # A wrapper that holds the article itself is never furniture, whatever its class says.
    return not _contains(tag, _ARTICLE_TAGS) and tag.name not in {"body", "html", "main", "article"}


def _strip_furniture(body: Tag) -> None:
    tags = _tags_under(body)
    for tag in tags:
        if tag.name in _DROP_TAGS and not _decomposed(tag) and not (tag.name == "button" and
                                                                    main_content.keep_button(tag)):
            tag.decompose()
    for tag in tags:
        # Parents come before their children: a tag inside removed furniture is already gone.
        if not _decomposed(tag) and _is_furniture(tag):
            tag.decompose()
    for tag in tags:
        if not _decomposed(tag) and (main_content.sibling_services(tag, _HEADINGS) or main_content.memberships(tag)):
            tag.decompose()


def _text_len(tag: Tag) -> int:
    return len(tag.get_text(" ", strip=True))


def _main_root(body: Tag) -> Tag:
    """The element holding the article: <main>/<article>/role=main, a content class, else the densest block."""
    tags = _tags_under(body)
    candidates = [t for t in tags if t.name in {"article", "main"}] + [t for t in tags if t.get("role") == "main"]
    candidates += [t for t in tags if t.get("itemprop") == "articleBody"]
    if candidates:
        best = max(candidates, key=_text_len)
        if _text_len(best) > 200:
            return best
    hinted = [t for t in tags if t.name in {"div", "section", "td"}
              and _CONTENT_HINTS.search(" ".join([*(t.get("class") or []), str(t.get("id") or "")]).lower())]
    if hinted:
        best = main_content.common_root(max(hinted, key=_text_len), hinted)
        if _text_len(best) > 0.4 * _text_len(body):
            return best
    return body


def _own_text(tag: Tag) -> str:
    """Text of a list item without its nested lists."""
    parts = []
    for child in tag.children:
        if isinstance(child, Tag) and child.name in {"ul", "ol"}:
            continue
        parts.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
    return clean_text(" ".join(parts))


_MAX_BOLD_HEADING_WORDS = 12


def _bold_heading(p: Tag) -> str | None:
    """The text of a paragraph that is nothing but one short bold phrase without a full stop, else None."""
    parts = [c for c in p.children if not (isinstance(c, NavigableString) and not c.strip())
             and not (isinstance(c, Tag) and c.name == "br")]
    if len(parts) != 1 or not isinstance(parts[0], Tag) or parts[0].name not in {"strong", "b"}:
        return None
    text = clean_text(parts[0].get_text(" "))
    if not text or len(text.split()) > _MAX_BOLD_HEADING_WORDS or text.endswith((".", ",")):
        return None
    return text


def drop_furniture_sections(sections: list[Section]) -> list[Section]:
    """Drop sections headed as page furniture ('You might also like', 'Leave a reply', 'Comments')."""
    furniture = load_cues().words("furniture_headings")
    return [s for s in sections if clean_text(s.heading).lower().rstrip(" :?!.") not in furniture]


def sections_from_element(root: Tag, title: str) -> list[Section]:
    """Headings, paragraphs and list items of `root` in document order, grouped into sections."""
    sections = [Section(heading=title, level=1)]
    buffer: list[str] = []
    list_ids: dict[int, int] = {}

    def flush() -> None:
        text = clean_text(" ".join(buffer))
        buffer.clear()
        if text:
            sections[-1].blocks.append(Block("paragraph", text))

    def heading(text: str, level: int) -> None:
        flush()
        text = clean_text(text)
        if not text:
            return
        if len(sections) == 1 and not sections[0].blocks and (level == 1 or text == title):
            sections[0].heading = text  # the page's h1 names the lead section
        elif len(sections) == 1 and level == 1 and main_content.preamble(sections[0].blocks):
            sections[0] = Section(heading=text, level=1)  # top bars, breadcrumbs, eyebrows above the page's h1
        else:
            sections.append(Section(heading=text, level=level))

    def walk(children: Iterable[PageElement]) -> None:
        for child in children:
            if isinstance(child, _NOT_TEXT):
                continue  # comments ("TODO: Botox disclaimer"), doctypes, processing instructions
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _INLINE:
                if _contains(child, _BLOCKS_IN_INLINE):
                    flush()
                    walk(child.children)  # broken markup: a block inside an inline element
                else:
                    buffer.append(child.get_text(" "))
            elif name in _HEADINGS:
                text = main_content.heading_text(child)
                if name != "h1" and main_content.sentence_heading(text):
                    flush()  # a whole sentence set in a heading's type is a paragraph, not a section's name
                    buffer.append(text)
                    flush()
                else:
                    heading(text, int(name[1]))
                walk(main_content.swallowed(child))  # an unclosed heading holds the blocks after it
            elif name == "summary":
                heading(child.get_text(" "), 4)  # an FAQ question heads its answer
            elif main_content.question_button(child):
                heading(main_content.question_text(child), 4)  # so does an accordion's question button
            elif name == "li":
                flush()
                parent_key = id(child.parent)
                list_id = list_ids.setdefault(parent_key, len(list_ids) + 1)
                text = _own_text(child)
                if text:
                    sections[-1].blocks.append(Block("item", text, list_id))
                for nested in [c for c in child.children if isinstance(c, Tag) and c.name in _LISTS]:
                    walk(nested.children)
            elif name in _TEXT_BLOCKS:
                flush()
                if name == "p" and (bold := _bold_heading(child)):
                    heading(bold, 6)  # "<p><strong>The benefits of massage</strong></p>": a heading without the tag
                elif _contains(child, _NESTED_IN_TEXT):
                    walk(child.children)
                else:
                    buffer.append(child.get_text(" "))
                    flush()
            else:
                flush()
                walk(child.children)
        flush()

    walk(root.children)
    return sections
