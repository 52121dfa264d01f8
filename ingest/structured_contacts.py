"""Clinic contact facts from a page's structured data: JSON-LD objects and schema.org microdata."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from bs4 import Tag

from ingest.contacts import EMAIL, addresses_in, facts_from_text, phones_in
from ingest.decode import clean_text
from kb.model import Fact

_NON_CLINIC_TYPES = {"webpage", "article", "blogposting", "faqpage", "question", "answer", "breadcrumblist",
                     "listitem", "website", "imageobject", "person", "searchaction", "medicalwebpage",
                     "readaction", "sitenavigationelement", "howto", "postaladdress", "geocoordinates"}


_LD_JSON = re.compile("ld\\+json", re.IGNORECASE)


def _jsonld_objects(tags: list[Tag]) -> Iterator[dict[str, Any]]:
    for script in tags:
        if script.name != "script" or not _LD_JSON.search(str(script.get("type") or "")):
            continue
        try:
            data = json.loads(script.string or script.get_text() or "null")
        except (json.JSONDecodeError, RecursionError):
            continue  # malformed JSON-LD is common; the visible text still has the facts
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))


def jsonld_objects(tags: list[Tag]) -> list[dict[str, Any]]:
    """Every JSON object inside the JSON-LD blocks among a page's tags (nested ones too)."""
    return list(_jsonld_objects(tags))


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type") or []
    return {str(t).lower() for t in (raw if isinstance(raw, list) else [raw])}


def _postal(address: Any) -> str | None:
    if isinstance(address, str):
        return clean_text(address)
    if isinstance(address, dict):
        region = " ".join(str(address.get(k, "")) for k in ("addressRegion", "postalCode")).strip()
        parts = [address.get("streetAddress"), address.get("addressLocality"), region]
        return ", ".join(clean_text(str(p)) for p in parts if p) or None
    return None


def facts_from_jsonld(objects: list[dict[str, Any]]) -> list[Fact]:
    """Contact facts of businesses described in schema.org JSON-LD (the objects of `jsonld_objects`)."""
    facts = []
    for obj in objects:
        types = _types(obj)
        if types & _NON_CLINIC_TYPES or not ("telephone" in obj or "address" in obj):
            continue
        if obj.get("name"):
            facts.append(Fact("name", clean_text(str(obj["name"])), "json-ld"))
        for phone in _as_list(obj.get("telephone")):
            facts += [Fact("phone", e164, "json-ld") for e164, _ in phones_in(str(phone))]
        for email in _as_list(obj.get("email")):
            facts.append(Fact("email", str(email).removeprefix("mailto:").lower(), "json-ld"))
        for address in _as_list(obj.get("address")):
            if postal := _postal(address):
                facts.append(Fact("address", postal, "json-ld"))
        for hours in _as_list(obj.get("openingHours")):
            facts.append(Fact("hours", clean_text(str(hours)), "json-ld"))
        for spec in _as_list(obj.get("openingHoursSpecification")):
            if isinstance(spec, dict):
                days = ", ".join(str(d).rsplit("/", 1)[-1] for d in _as_list(spec.get("dayOfWeek")))
                facts.append(Fact("hours", f"{days} {spec.get('opens', '')}–{spec.get('closes', '')}", "json-ld"))
        if obj.get("url"):
            facts.append(Fact("website", str(obj["url"]), "json-ld"))
    return facts


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def facts_from_markup(tags: list[Tag]) -> list[Fact]:
    """Contact facts from microdata, <address> blocks, tel: and mailto: links among a page's tags (in document
    order: a page's tags are listed once and each reader picks its own)."""
    facts = []
    for el in (t for t in tags if t.get("itemprop") is not None):
        prop = str(el.get("itemprop", "")).lower()
        value = clean_text(str(el.get("content") or el.get_text(" ")))
        if not value:
            continue
        if prop == "telephone":
            facts += [Fact("phone", e164, "microdata") for e164, _ in phones_in(value)]
        elif prop == "email":
            facts.append(Fact("email", value.removeprefix("mailto:").lower(), "microdata"))
        elif prop == "address":
            facts.append(Fact("address", value, "microdata"))
        elif prop == "name" and _in_business_scope(el):
            facts.append(Fact("name", value, "microdata"))
        elif prop == "openinghours":
            facts.append(Fact("hours", value, "microdata"))
    for el in (t for t in tags if t.name == "address"):
        text = clean_text(el.get_text(" "))
        facts += [Fact(f.kind, f.value, "address") for f in facts_from_text(text, "address", names=False)]
        if not addresses_in(text) and len(text.split()) <= 25 and re.search(r"\d", text):
            facts.append(Fact("address", text, "address"))
    for a in (t for t in tags if t.name == "a" and t.get("href") is not None):
        href = str(a["href"]).strip()
        if href.lower().startswith("tel:"):
            number = href[4:]
            facts += [Fact("phone", e164, "tel-link") for e164, _ in phones_in(number)]
        elif href.lower().startswith("mailto:"):
            email = href[7:].split("?")[0].strip().lower()
            if EMAIL.fullmatch(email):
                facts.append(Fact("email", email, "mailto-link"))
    return facts


def _in_business_scope(el: Tag) -> bool:
    scope = next((p for p in el.parents if p.get("itemscope") is not None), None)
    kind = str(scope.get("itemtype", "")).lower() if scope else ""
    return bool(kind) and not any(t in kind for t in ("person", "article", "webpage", "postaladdress"))
