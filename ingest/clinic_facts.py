"""Fold the contact facts seen on one page into one clinic record, keeping every value and where it was seen."""

from __future__ import annotations

import re
from typing import Any

from kb.model import Article, Fact

# Structured data states the clinic's own facts; text found by patterns is the weakest witness.
ORIGIN_RANK = {"json-ld": 0, "microdata": 1, "front-matter": 2, "meta": 3, "title": 3, "tel-link": 4,
               "mailto-link": 4, "address": 5, "page": 6, "main": 7, "copyright": 8}
FIELDS = {"name": "names", "address": "addresses", "phone": "phones", "email": "emails", "hours": "hours",
          "website": "websites"}


def same_value(a: str, b: str) -> bool:
    """Two spellings of one fact: equal but for case, punctuation and spacing."""
    return re.sub(r"[\W_]+", "", a.lower()) == re.sub(r"[\W_]+", "", b.lower())


def _fold_longer_names(names: dict[str, list[str]], addresses: list[str]) -> dict[str, list[str]]:
    """'Millbrook Physiotherapy Manchester' (a title naming the town) counts as 'Millbrook Physiotherapy'."""
    places = " ".join(addresses).lower()
    out: dict[str, list[str]] = {}
    for name in sorted(names, key=len):
        short = None
        for known in out:
            rest = name[len(known):].strip(" ,") if name.lower().startswith(known.lower()) else ""
            if rest and rest.lower() in places:
                short = known
        if short is None:
            out[name] = list(names[name])
        else:
            out[short] += [o for o in names[name] if o not in out[short]]
    # 'Copperline Rehab' in a title and 'Copperline Rehab & Physical Therapy' in the footer: one clinic, and
    # the fuller name is the one to show.
    for name in sorted(out, key=len):
        fuller = [n for n in out if n != name and _same_clinic(name, n)]
        if fuller:
            target = max(fuller, key=len)
            out[target] += [o for o in out.pop(name) if o not in out[target]]
    return out


def _words(name: str) -> list[str]:
    return re.findall(r"\w+", name.lower())


def _same_clinic(short: str, long: str) -> bool:
    """Both names start with the same word and the shorter one's words all stand in the longer one."""
    a, b = _words(short), _words(long)
    return len(a) < len(b) and a[0] == b[0] and set(a) <= set(b)


def _rank(fact: Fact) -> int:
    return ORIGIN_RANK.get(fact.origin, 9)


def clinic_facts(article: Article) -> dict[str, Any] | None:
    """The page's clinic: name, then names, addresses, phones... each with its origins; the name is None when the
    page names no clinic but gives contacts (a contact page, a footer include); None when it gives nothing."""
    grouped: dict[str, dict[str, list[str]]] = {field: {} for field in FIELDS.values()}
    for fact in sorted(article.facts, key=_rank):
        values = grouped[FIELDS[fact.kind]]
        key = next((v for v in values if same_value(v, fact.value)), fact.value)
        origins = values.setdefault(key, [])
        if fact.origin not in origins:
            origins.append(fact.origin)
    names = _fold_longer_names(grouped["names"], list(grouped["addresses"]))
    # A page title names what the page is about as often as who wrote it ("Providers of Fascial Facial Massage"):
    # it only confirms a name the page gives elsewhere, never names the clinic on its own.
    names = {n: o for n, o in names.items() if o != ["title"]}
    grouped["names"] = names
    if not names:
        if not any(grouped[f] for f in ("phones", "emails", "addresses")):
            return None
        return {"name": None, **{f: [{"value": v, "origins": o} for v, o in values.items()]
                                 for f, values in grouped.items()}}
    # The name the page states with most authority (structured data, then its title), each extra witness helping.
    name = min(names, key=lambda n: min(ORIGIN_RANK.get(o, 9) for o in names[n]) - 1.5 * (len(names[n]) - 1))
    record: dict[str, Any] = {"name": name}
    for field, values in grouped.items():
        record[field] = [{"value": v, "origins": o} for v, o in values.items()]
    return record
