"""Markdown with YAML or TOML front matter to Article; content may also live in front-matter keys."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any

import markdown as md
import yaml

from ingest import contacts
from ingest.decode import clean_text
from ingest.front_matter import front_matter_sections
from ingest.html_article import drop_furniture_sections, page_facts, sections_from_element, soup_of
from kb.model import Article, Block, Fact, Section, article_id

_YAML = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_TOML = re.compile(r"\A\+\+\+[ \t]*\n(.*?)\n\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL)
_BODY_KEYS = ("body", "content", "text", "article")
_LEAD_KEYS = ("description", "summary", "excerpt", "intro", "lead")
_FAQ_KEYS = ("faq", "faqs", "questions")
_URL_KEYS = ("canonical", "canonical_url", "url", "permalink")
_CLINIC_KEYS = ("clinic", "practice", "business", "site", "site_name", "organization", "organisation")


class FrontMatterError(ValueError):
    """The front matter is not valid YAML or TOML."""


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: front matter never needs them, and nested ones expand exponentially (a YAML bomb)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases (*name) are not allowed in front matter")
        return super().compose_node(parent, index)

    def construct_scalar(self, node: Any) -> Any:
        value = super().construct_scalar(node)  # escapes like "\ud800" make lone surrogates: no encoder takes those
        return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter as a dict, the rest of the text); an empty dict when there is none."""
    text = text.lstrip("\ufeff")
    for pattern, loader in ((_YAML, lambda t: yaml.load(t, _NoAliasLoader)), (_TOML, tomllib.loads)):
        m = pattern.match(text)
        if m:
            try:
                data = loader(m.group(1))
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
                raise FrontMatterError(f"front matter is not valid: {str(exc).splitlines()[0]}") from exc
            return (data if isinstance(data, dict) else {}), text[m.end():]
    return {}, text


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return clean_text(str(value)) or None


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in meta.items()}
    return next((lowered[k] for k in keys if lowered.get(k)), None)


_LIST_AFTER_TEXT = re.compile(r"^(?![ \t]*(?:[-*+]|\d+\.)[ \t])([ \t]*[^\s|>#].*)\n(?=[ \t]*(?:[-*+]|\d+\.)[ \t]+\S)",
                              re.MULTILINE)


def _lists_apart(body: str) -> str:
    """A blank line before a list that follows a line of text: most Markdown writers start a list there, and
    Python-Markdown would read it as more of the paragraph ("… increase your risk:\n- Blood sugar …")."""
    return _LIST_AFTER_TEXT.sub(r"\1\n\n", body)


def parse_markdown(text: str, path: str) -> Article:
    """Parse a Markdown article into an Article (pure)."""
    meta, body = split_front_matter(text)
    title = _text(_first(meta, ("title", "name", "headline"))) or ""
    html = md.markdown(_lists_apart(body), extensions=["extra", "sane_lists"])
    sections = sections_from_element(soup_of(html).body or soup_of("<body></body>"), title)
    lead = _text(_first(meta, _LEAD_KEYS))
    if lead and not any(lead == b.text for s in sections for b in s.blocks):
        sections[0].blocks.insert(0, Block("paragraph", lead))
    body_value = _first(meta, _BODY_KEYS)
    if isinstance(body_value, str):
        inner = soup_of(md.markdown(body_value, extensions=["extra"])).body
        if inner is not None:
            more = sections_from_element(inner, title)
            sections[0].blocks += more[0].blocks
            sections += more[1:]
    faq = _first(meta, _FAQ_KEYS)
    for item in faq if isinstance(faq, list) else []:
        if isinstance(item, dict):
            q = _text(item.get("q") or item.get("question"))
            a = _text(item.get("a") or item.get("answer"))
            if q and a:
                sections.append(Section(heading=q, level=3, blocks=[Block("paragraph", a)]))
    sections += front_matter_sections(meta)
    title = title or (sections[0].heading if sections else "") or path
    sections[0].heading = sections[0].heading or title
    url = _text(_first(meta, _URL_KEYS))
    url = url if url and url.startswith(("http://", "https://")) else None
    clinic_value = _first(meta, _CLINIC_KEYS)
    # A clinic key may hold just the name, or a mapping with the name and contact details.
    details = clinic_value if isinstance(clinic_value, dict) else meta
    clinic = _text(clinic_value.get("name") if isinstance(clinic_value, dict) else clinic_value)
    main_text = "\n".join(b.text for s in sections for b in s.blocks)
    facts = [Fact("name", clinic, "front-matter")] if clinic else []
    for key in ("phone", "telephone", "tel"):
        if value := _text(_first(details, (key,))):
            facts += [Fact("phone", e164, "front-matter") for e164, _ in contacts.phones_in(value)]
    if email := _text(_first(details, ("email",))):
        facts.append(Fact("email", email.lower(), "front-matter"))
    address = _text(_first(details, ("address",)))
    if not address and (street := _text(_first(details, ("street", "street_address")))):
        parts = [street] + [v for k in ("city", "locality") if (v := _text(_first(details, (k,))))]
        region = " ".join(v for k in ("region", "state", "province", "postcode", "postal_code", "zip")
                          if (v := _text(_first(details, (k,)))))
        address = ", ".join([*parts, region] if region else parts)
    if address:
        facts.append(Fact("address", address, "front-matter"))
    if hours := _text(_first(details, ("hours", "opening_hours"))):
        facts.append(Fact("hours", hours, "front-matter"))
    facts += contacts.facts_from_text(main_text, "main") + page_facts(soup_of(html).get_text("\n"))
    return Article(
        article_id=article_id(path, url),
        path=path,
        title=title,
        url=url,
        sections=[s for s in drop_furniture_sections(sections) if s.blocks],
        facts=facts,
        site=clinic,
        published=_text(_first(meta, ("date", "published", "pubdate", "created"))),
        updated=_text(_first(meta, ("updated", "lastmod", "modified", "last_modified"))),
        lang=_text(_first(meta, ("lang", "language"))),
        fmt="markdown",
    )
