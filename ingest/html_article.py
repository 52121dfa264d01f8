"""HTML page to Article: metadata, contact facts from the whole page, sections from the main content only."""

from __future__ import annotations

import re
import warnings
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
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)

from ingest import contacts
from ingest.decode import clean_text
from kb.cues import load_cues
from kb.model import Article, Block, Fact, Section, article_id

_PHP = re.compile(r"<\?(?:php|=).*?(?:\?>|$)", re.DOTALL | re.IGNORECASE)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
_DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input", "select",
              "textarea", "nav", "aside", "figcaption", "img", "picture", "video", "audio", "canvas", "object",
              "embed", "link", "meta", "dialog"]
_TEXT_BLOCKS = {"p", "blockquote", "dd", "dt", "td", "th", "pre", "caption"}
_INLINE = {"a", "span", "strong", "b", "em", "i", "u", "small", "sup", "sub", "abbr", "mark", "font", "label",
           "time", "code", "q", "cite", "br", "wbr", "s", "del", "ins", "big", "tt", "var", "dfn", "kbd", "data"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog"}
_CONTENT_HINTS = re.compile(r"(?:^|[-_ ])(entry-content|post-content|article-body|article-content|post-body|"
                            r"page-content|content-area|main-content|blog-post|post|entry|content|article)(?:$|[-_ ])")


@cache
def _furniture_words() -> tuple[frozenset[str], frozenset[str]]:
    cues = load_cues()
    return cues.words("furniture_classes"), cues.words("link_list_classes")


def link_density(tag: Tag) -> float:
    """Share of a block's text that sits in links: near 1 for menus, low for prose and price tables."""
    text = len(tag.get_text(" ", strip=True))
    links = sum(len(a.get_text(" ", strip=True)) for a in tag.find_all("a"))
    return links / text if text else 1.0


def soup_of(markup: str) -> BeautifulSoup:
    """Parse markup with lxml's HTML parser, also for XHTML: saved XHTML pages are tag soup, not XML."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def parse_html(text: str, path: str) -> Article:
    """Parse an HTML page into an Article (pure: text in, article out)."""
    soup = soup_of(_PHP.sub(" ", text))
    jsonld = contacts.jsonld_objects(soup)  # read once: metadata and contact facts both come from it
    meta = _metadata(soup, jsonld)
    facts = contacts.facts_from_jsonld(jsonld) + contacts.facts_from_markup(soup)
    if site := meta.get("site"):
        facts.append(Fact("name", site, "meta"))
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        tag.decompose()
    body = soup.body or soup
    # Footers, headers and call-to-action boxes are furniture for the content, but their visible text holds
    # the clinic's contact facts: read those from the whole page before the furniture goes.
    facts += page_facts(body.get_text("\n"))
    if soup.title:
        facts += [Fact("name", n, "title") for n in contacts.names_in_title(clean_text(soup.title.get_text()))]
    _strip_furniture(body)
    root = _main_root(body)
    sections = drop_furniture_sections(sections_from_element(root, meta.get("title") or ""))
    title = meta.get("title") or (sections[0].heading if sections else "") or path
    if sections and not sections[0].heading:
        sections[0].heading = title
    main_text = "\n".join(b.text for s in sections for b in s.blocks)
    facts += contacts.facts_from_text(main_text, "main")
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


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """Every <meta property|name=… content=…> of the page, by lower-cased key (first one wins)."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or "").lower()
        if key and tag.get("content") and key not in out:
            out[key] = clean_text(str(tag["content"]))
    return out


def _meta(metas: dict[str, str], *keys: str) -> str | None:
    return next((metas[k] for k in keys if metas.get(k)), None)


def _metadata(soup: BeautifulSoup, jsonld: list[dict[str, Any]]) -> dict[str, str | None]:
    metas = _meta_tags(soup)
    canonical = soup.find("link", rel=lambda v: bool(v) and "canonical" in v)
    url = str(canonical["href"]).strip() if isinstance(canonical, Tag) and canonical.get("href") else None
    url = url or _meta(metas, "og:url")
    if url and not url.startswith(("http://", "https://")):
        url = None  # a relative canonical link says nothing about where the page lives
    published = _meta(metas, "article:published_time", "date", "dc.date", "pubdate") or _first(jsonld, "datePublished")
    updated = _meta(metas, "article:modified_time", "og:updated_time", "last-modified") or _first(
        jsonld, "dateModified"
    )
    if not published and isinstance(t := soup.find("time", datetime=True), Tag):
        published = str(t["datetime"])
    h1 = soup.find("h1")
    title = clean_text(h1.get_text(" ")) if isinstance(h1, Tag) else ""
    if not title:
        title = _meta(metas, "og:title") or (clean_text(soup.title.get_text()) if soup.title else "")
        title = re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]+$)", title)[0] if title else ""
    html = soup.find("html")
    lang = str(html.get("lang") or html.get("xml:lang") or "") if isinstance(html, Tag) else ""
    return {
        "title": title or None,
        "url": url,
        "site": _meta(metas, "og:site_name", "application-name"),
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
    if tag.name in {"header", "footer"}:
        return not tag.find("h1")
    role = str(tag.get("role") or "").lower()
    if role in _FURNITURE_ROLES:
        return True
    if tag.get("aria-hidden") == "true" or "display:none" in str(tag.get("style") or "").replace(" ", ""):
        return True
    classes: list[str] = list(tag.get("class") or [])
    words = {w for c in [*classes, str(tag.get("id") or "")] for w in re.split(r"[-_\s]+", str(c).lower()) if w}
    strong, weak = _furniture_words()
    if not words & strong and not (words & weak and link_density(tag) >= 0.5):
        return False
    # A wrapper that holds the article itself is never furniture, whatever its class says.
    return not tag.find(["h1", "article", "main"]) and tag.name not in {"body", "html", "main", "article"}


def _strip_furniture(body: Tag) -> None:
    for tag in body.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in list(body.find_all(True)):
        # A tag inside removed furniture has lost its parent chain; Tag.decomposed would walk the subtree each time.
        if tag.parent is not None and not tag.__dict__.get("_decomposed") and _is_furniture(tag):
            tag.decompose()


def _text_len(tag: Tag) -> int:
    return len(tag.get_text(" ", strip=True))


def _main_root(body: Tag) -> Tag:
    """The element holding the article: <main>/<article>/role=main, a content class, else the densest block."""
    candidates = body.find_all(["article", "main"]) + body.find_all(role="main")
    candidates += body.find_all(itemprop="articleBody")
    if candidates:
        best = max(candidates, key=_text_len)
        if _text_len(best) > 200:
            return best
    hinted = [t for t in body.find_all(["div", "section", "td"])
              if _CONTENT_HINTS.search(" ".join([*(t.get("class") or []), str(t.get("id") or "")]).lower())]
    if hinted:
        best = max(hinted, key=_text_len)
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
        else:
            sections.append(Section(heading=text, level=level))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, _NOT_TEXT):
                continue  # comments ("TODO: Botox disclaimer"), doctypes, processing instructions
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _INLINE:
                if child.find(["p", "ul", "ol", "div", *_HEADINGS]):
                    flush()
                    walk(child)  # broken markup: a block inside an inline element
                else:
                    buffer.append(child.get_text(" "))
            elif name in _HEADINGS:
                heading(child.get_text(" "), int(name[1]))
            elif name == "summary":
                heading(child.get_text(" "), 4)  # an FAQ question heads its answer
            elif name == "li":
                flush()
                parent_key = id(child.parent)
                list_id = list_ids.setdefault(parent_key, len(list_ids) + 1)
                text = _own_text(child)
                if text:
                    sections[-1].blocks.append(Block("item", text, list_id))
                for nested in child.find_all(["ul", "ol"], recursive=False):
                    walk(nested)
            elif name in _TEXT_BLOCKS:
                flush()
                if child.find(["ul", "ol", "li", *_HEADINGS]):
                    walk(child)
                else:
                    buffer.append(child.get_text(" "))
                    flush()
            else:
                flush()
                walk(child)
        flush()

    walk(root)
    return sections
