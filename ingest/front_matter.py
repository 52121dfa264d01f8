"""Content kept in front-matter keys (benefits, FAQ, prices, highlights, nested service blocks) as sections."""

from __future__ import annotations

import difflib
import re
from typing import Any

from ingest.decode import clean_text
from kb.model import Block, Section

# Keys that hold settings, links, media or page furniture, never content.
_SKIP = {"layout", "template", "permalink", "slug", "image", "images", "img", "photo", "photos", "thumbnail", "icon",
         "link", "links", "href", "url", "canonical", "canonical_url", "date", "published", "updated", "lastmod",
         "modified", "last_modified", "pubdate", "created", "tags", "categories", "category", "keywords", "author",
         "authors", "draft", "weight", "menu", "menus", "seo", "meta", "og", "twitter", "schema", "css", "js",
         "class", "id", "type", "lang", "language", "sitemap", "redirect_from", "aliases", "alt", "image_alt",
         "cta", "button", "buttons", "phone", "telephone", "tel", "fax", "email", "address", "street",
         "street_address", "city", "locality", "region", "state", "province", "postcode", "postal_code", "zip",
         "hours", "opening_hours", "map", "lat", "lng", "latitude", "longitude", "video", "background", "color",
         "colour", "order", "page_name", "heading", "subtitle", "testimonial", "testimonials", "reviews", "review",
         "title", "name", "headline", "body", "content", "text", "article", "description", "summary", "excerpt",
         "intro", "lead", "clinic", "practice", "business", "site", "site_name",
         "organization", "organisation", "social", "share", "comments", "nav", "navigation", "footer", "header"}
# Keys whose name says what their list holds; a misspelt one ("benifits") is read as the word it is near.
_CONTENT_KEYS = ("benefits", "conditions", "techniques", "treatments", "services", "symptoms", "highlights",
                 "prices", "faq", "steps", "features", "therapies", "modalities", "advantages")
_TITLE_KEYS = ("title", "name", "heading", "question", "q")
_TEXT_KEYS = ("desc", "description", "desc_short", "desc_long", "text", "body", "content", "summary", "answer",
              "a", "subtitle", "price", "duration")
_NOT_TEXT = re.compile(r"^(?:/|https?:|#|\{\{|\{%)|\.(?:png|jpe?g|webp|gif|svg|html?|css|js)$", re.IGNORECASE)
_SIBLINGS = re.compile(r"(?:^|[_\-])(?:related|other|more|similar|see|also|nav|sidebar|footer|next|prev|previous)"
                       r"(?:$|[_\-])")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")  # "hot-stone-massage": a link to a page, not text
_SETTING_WORDS = {"title", "description", "keywords", "thumb", "thumbnail", "width", "height", "seo", "meta", "image",
                  "img", "url", "link", "slug", "template", "layout", "icon", "alt", "og", "twitter", "date", "tags",
                  "categories", "yoast", "schema", "css", "class", "color", "colour", "bg", "background"}
MAX_DEPTH = 6
MAX_ITEM_DESC_WORDS = 20  # a longer description is an answer or an article of its own: a section


def _key_heading(key: str) -> str:
    """'core_treatments' → 'Core treatments'; a near miss of a content key becomes that key."""
    words = re.sub(r"[_\-]+", " ", key).strip().lower()
    close = difflib.get_close_matches(words, _CONTENT_KEYS, n=1, cutoff=0.8)
    words = close[0] if close else words
    return words[:1].upper() + words[1:]


def _text(value: Any) -> str | None:
    if isinstance(value, str) and not _NOT_TEXT.search(value.strip()) and not _SLUG.match(value.strip()):
        return clean_text(value) or None
    return None


def _skipped(key: Any) -> bool:
    k = str(key).lower()
    # "testimonial_1"; "related_services" and "other_treatments" list sibling pages, never this page's content;
    # "thesis_title", "yoast_keywords", "thumb_width": a theme's or plugin's settings
    return (k in _SKIP or re.sub(r"[_\-]?\d+$", "", k) in _SKIP or bool(_SIBLINGS.search(k))
            or bool(set(re.split(r"[_\-]+", k)) & _SETTING_WORDS))


def _walk(value: Any, heading: str, level: int, out: list[Section]) -> None:
    if level > MAX_DEPTH:
        return
    section = Section(heading=heading, level=level)
    out.append(section)
    if isinstance(value, dict):
        lowered = {str(k).lower(): v for k, v in value.items()}
        title = next((t for k in _TITLE_KEYS if (t := _text(lowered.get(k)))), None)
        if title and level > 2:
            section.heading = title
        for key in _TEXT_KEYS:
            if text := _text(lowered.get(key)):
                section.blocks.append(Block("paragraph", text))
        for key, child in value.items():
            if _skipped(key) or str(key).lower() in _TEXT_KEYS or isinstance(child, (str, int, float, bool)):
                continue
            _walk(child, _key_heading(str(key)), level + 1, out)
    elif isinstance(value, list):
        list_id = 10_000 + len(out)
        for item in value:
            if text := _text(item):
                section.blocks.append(Block("item", text, list_id))
            elif isinstance(item, dict):
                lowered = {str(k).lower(): v for k, v in item.items()}
                title = next((t for k in _TITLE_KEYS if (t := _text(lowered.get(k)))), None)
                desc = next((t for k in _TEXT_KEYS if (t := _text(lowered.get(k)))), None)
                nested = [v for k, v in item.items() if isinstance(v, (list, dict)) and not _skipped(k)]
                if title and desc and len(desc.split()) > MAX_ITEM_DESC_WORDS and not nested:
                    out.append(Section(heading=title, level=level + 1, blocks=[Block("paragraph", desc)]))  # FAQ
                elif title and not nested:
                    section.blocks.append(Block("item", f"{title}: {desc}" if desc else title, list_id))
                else:
                    _walk(item, heading, level + 1, out)
    elif text := _text(value):
        section.blocks.append(Block("paragraph", text))


def front_matter_sections(meta: dict[str, Any]) -> list[Section]:
    """Sections from the front-matter keys that hold content, each headed by its title or its key's name."""
    out: list[Section] = []
    for key, value in meta.items():
        if _skipped(key) or not isinstance(value, (dict, list)) or (
                str(key).lower() in {"faq", "faqs", "questions"} and isinstance(value, list)):
            continue  # a list of questions and answers is read by the Markdown parser itself
        _walk(value, _key_heading(str(key)), 2, out)
    return [s for s in out if s.blocks]
