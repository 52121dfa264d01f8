"""Front-desk facts (kb/data/desk_facts.yaml): which sentences state a price, hours, a session count…, and which
query words ask for one. Shared by the build (tags on passages and documents, facts kept on clinic entries) and the
search (intent words out of the search, the stating sentence quoted first)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from kb.vocabulary import DATA_DIR
from kb.yaml_data import read_yaml

TAG = "~"  # a topic's tag beside word stems ("~price"): no analyzed word starts with it
FACTS_PER_TOPIC = 2  # sentences a clinic entry keeps per topic


@dataclass(frozen=True)
class Topic:
    """One kind of front-desk fact."""

    id: str
    label: str
    asks: re.Pattern[str]
    keep: frozenset[str]
    states: tuple[re.Pattern[str], ...]


def _phrases(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


@cache
def topics() -> tuple[Topic, ...]:
    """The topics of kb/data/desk_facts.yaml."""
    raw = read_yaml(DATA_DIR / "desk_facts.yaml")
    return tuple(Topic(str(t["id"]), str(t["label"]), _phrases(t["asks"]), frozenset(k.lower() for k in t["keep"]),
                       tuple(re.compile(p, re.IGNORECASE) for p in t["states"])) for t in raw["desk_facts"])


def labels() -> dict[str, str]:
    """Topic ids to their labels."""
    return {t.id: t.label for t in topics()}


@lru_cache(maxsize=100_000)
def sentence_topics(sentence: str) -> frozenset[str]:
    """The topics a sentence states (a price with an amount, hours with a day and a time…)."""
    return frozenset(t.id for t in topics() if any(p.search(sentence) for p in t.states))


def tags(sentence: str) -> frozenset[str]:
    """The topic tags of a sentence, as stored beside its word stems."""
    return frozenset(TAG + t for t in sentence_topics(sentence))


def asked(q: str) -> tuple[list[str], str]:
    """The topics a query asks about, and the query with its pure intent phrases blanked out ("how much",
    "do you come to"; subject words such as "insurance" stay)."""
    found: list[str] = []
    text = q
    for t in topics():
        hits = list(t.asks.finditer(q))
        if not hits:
            continue
        found.append(t.id)
        for m in hits:
            if m.group(0).lower() in t.keep:
                continue
            # Word by word: "how many sessions" asks (how many) about sessions, which stay searched.
            kept = " ".join(w if w.lower() in t.keep else " " * len(w) for w in m.group(0).split(" "))
            text = text[: m.start()] + kept.ljust(len(m.group(0))) + text[m.end():]
    return found, text
