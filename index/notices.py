"""Notices above results: emergency guidance for red-flag symptoms, and help when nothing matches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from index.reader import Snapshot
from kb.vocabulary import DATA_DIR
from kb.yaml_data import read_yaml


@dataclass(frozen=True)
class RedFlag:
    """One red flag: what a query must say, the message, and the public source it cites."""

    id: str
    pattern: re.Pattern[str]
    requires: re.Pattern[str] | None
    message: str
    source: dict[str, str]


@cache
def _red_flags() -> list[RedFlag]:
    raw = read_yaml(DATA_DIR / "red_flags.yaml")
    sources = {s["id"]: {"title": str(s["title"]), "url": str(s["url"])} for s in raw.get("sources", [])}

    def alternation(phrases: list[str]) -> re.Pattern[str]:
        body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    out = []
    for flag in raw["red_flags"]:
        requires = flag.get("requires_any") or []
        cited = str(flag["source"])
        source = sources.get(cited) or {"title": cited, "url": cited}
        out.append(RedFlag(str(flag["id"]), alternation(flag["patterns"]),
                           alternation(requires) if requires else None, str(flag["message"]), source))
    return out


@cache
def emergency_numbers() -> dict[str, Any]:
    """kb/data/emergency_numbers.yaml: the default country and each country's numbers."""
    data: dict[str, Any] = read_yaml(DATA_DIR / "emergency_numbers.yaml")
    return data


def country_numbers(country: str | None) -> tuple[str, dict[str, Any]]:
    """The country (upper-case ISO code) and its numbers; the data's default for an unknown or missing one."""
    data = emergency_numbers()
    code = (country or "").strip().upper()
    if code not in data["countries"]:
        code = str(data["default_country"])
    return code, data["countries"][code]


def _call(label: str, number: str) -> dict[str, str]:
    return {"label": label, "number": number, "tel": "tel:" + re.sub(r"[^0-9+]", "", number)}


def emergency_notice(q: str, country: str | None = None) -> dict[str, Any] | None:
    """The emergency notice for a query that describes a red-flag symptom, else None: the message with the
    numbers of `country` (kb/data/emergency_numbers.yaml), each number to call as a tel: link, and the source."""
    q = q.replace("\u2019", "'").replace("\u2018", "'")  # phone keyboards type curly apostrophes
    for flag in _red_flags():
        if flag.pattern.search(q) and (flag.requires is None or flag.requires.search(q)):
            code, numbers = country_numbers(country)
            emergency = str(numbers["emergency"])
            crisis = numbers.get("crisis") or {}
            urgent = numbers.get("urgent") or {}
            used = {"emergency": "{emergency}" in flag.message, "crisis": "{crisis}" in flag.message,
                    "urgent": "{urgent}" in flag.message}
            message = flag.message.format(
                emergency=emergency,
                crisis=f"{crisis['number']} ({crisis['label']})" if crisis else emergency,
                urgent=f"{urgent['number']} ({urgent['label']})" if urgent else emergency)
            calls = [_call("Emergency", emergency)]
            if used["crisis"] and crisis:
                calls.append(_call(str(crisis["label"]), str(crisis["number"])))
            if urgent and not used["crisis"]:
                calls.append(_call(str(urgent["label"]), str(urgent["number"])))
            return {"kind": "emergency", "id": flag.id, "message": message, "country": code, "calls": calls,
                    "source": flag.source}
    return None


def no_results_notice(q: str, snap: Snapshot) -> dict[str, Any]:
    """Say plainly that the articles do not cover the query, and what they do cover."""
    topics = snap.tables.topics
    names = ", ".join(t["text"] for t in topics)
    return {"kind": "no_results",
            "message": f"None of this clinic's articles cover “{q}”. They cover topics such as {names}.",
            "suggestions": topics}
