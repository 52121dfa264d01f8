"""An entry as the index stores it: a small head, and sources and passages that can be read one at a time.

A search result needs an entry's name, summary and contacts, and of its thousands of sources and passages only
the few it quotes. Storing the entry as one JSON document meant decoding megabytes per result (and keeping them
decoded). Here the head is its own small JSON; sources and passages are JSON objects joined by commas with their
offsets, so one can be sliced out and decoded alone, and all of them decoded at once as a JSON array; and what
scoring needs of every passage (the source it belongs to, its context) is kept in two compact arrays.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from typing import Any

NO_SOURCE = 0xFFFFFFFF  # a passage whose article is not among the entry's sources
# Head keys decoded only when read: a clinic's or a technique's related entries run to hundreds of kilobytes, and
# a result shows none of them.
LATER = ("related",)


class Head(dict[str, Any]):
    """An entry's head, whose LATER keys are decoded from their JSON the first time anything reads them (by key,
    by `get`, `in`, iteration or comparison); until then the dict holds only the others."""

    def __init__(self, small: dict[str, Any] | None = None, later: str | None = None, order: tuple[str, ...] = ()):
        super().__init__(small or {})
        self._later = later
        self._order = order

    def _load(self) -> None:
        if self._later is not None:
            later, self._later = json.loads(self._later), None
            whole = {**dict(super().items()), **later}
            super().clear()
            super().update({k: whole[k] for k in self._order if k in whole} | whole)  # the entry's own key order

    def __missing__(self, key: str) -> Any:
        if self._later is None or key not in LATER:
            raise KeyError(key)
        self._load()
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key in LATER:
            self._load()
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if key in LATER:
            self._load()
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()

    def keys(self) -> Any:
        self._load()
        return super().keys()

    def values(self) -> Any:
        self._load()
        return super().values()

    def items(self) -> Any:
        self._load()
        return super().items()

    def __eq__(self, other: object) -> bool:
        self._load()
        return super().__eq__(other)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._load()
        return super().setdefault(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        self._load()
        return super().pop(key, *default)

    def __repr__(self) -> str:
        self._load()
        return super().__repr__()

    def copy(self) -> dict[str, Any]:
        self._load()
        return dict(super().items())

    def __reduce__(self) -> Any:
        return (dict, (self.copy(),))


def _joined(items: list[dict[str, Any]]) -> tuple[str, bytes]:
    """The items as comma-joined JSON objects, and the offset of each (plus the end) as 32-bit integers."""
    parts = [json.dumps(item, ensure_ascii=False) for item in items]
    offsets = array("I", [0])
    for part in parts:
        offsets.append(offsets[-1] + len(part) + 1)
    return ",".join(parts), offsets.tobytes()


def encode_view(entry: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an entry (a dict of strings and bytes, pickled by Whoosh as a STORED field)."""
    sources, passages = entry.get("sources", []), entry.get("passages", [])
    head = {k: v for k, v in entry.items() if k not in ("sources", "passages", *LATER)}
    later = {k: entry[k] for k in LATER if k in entry}
    by_article: dict[str, int] = {}
    for i, s in enumerate(sources):
        by_article.setdefault(s["article_id"], i)
    contexts = sorted({p.get("context", "prose") for p in passages})
    code = {c: i for i, c in enumerate(contexts)}
    source_text, source_offsets = _joined(sources)
    passage_text, passage_offsets = _joined(passages)
    return {
        "keys": list(entry),
        "head": json.dumps(head, ensure_ascii=False),
        "head_later": json.dumps(later, ensure_ascii=False),
        "clinic_articles": dict(Counter(s["clinic"] for s in sources if s.get("clinic"))),
        "sources": source_text, "source_offsets": source_offsets,
        "passages": passage_text, "passage_offsets": passage_offsets,
        "passage_source": array("I", [by_article.get(p["article_id"], NO_SOURCE) for p in passages]).tobytes(),
        "contexts": contexts, "passage_context": bytes(code[p.get("context", "prose")] for p in passages),
    }


class EntryView:
    """Read access to a stored entry: the head at once, sources and passages one by one or all together."""

    def __init__(self, stored: dict[str, Any]):
        self.head: dict[str, Any] = Head(json.loads(stored["head"]), stored.get("head_later"), tuple(stored["keys"]))
        self._keys: list[str] = stored["keys"]
        self.clinic_articles: dict[str, int] = stored["clinic_articles"]
        self._sources, self._passages = stored["sources"], stored["passages"]
        self._source_offsets = array("I", stored["source_offsets"])
        self._passage_offsets = array("I", stored["passage_offsets"])
        self.passage_source = array("I", stored["passage_source"])
        self._contexts: list[str] = stored["contexts"]
        self._passage_context: bytes = stored["passage_context"]
        # Characters held (about bytes: mostly ASCII), for the snapshot's cache bound.
        self.weight = len(self._sources) + len(self._passages) + len(stored["head"]) + 8 * len(self.passage_source)

    @classmethod
    def of_entry(cls, entry: dict[str, Any]) -> EntryView:
        """The view of a decoded entry (an index version written before views were stored)."""
        return cls(encode_view(entry))

    @property
    def source_count(self) -> int:
        """How many sources (articles) the entry has."""
        return len(self._source_offsets) - 1

    def source(self, i: int) -> dict[str, Any]:
        """Source number `i`."""
        return json.loads(self._sources[self._source_offsets[i] : self._source_offsets[i + 1] - 1])

    def passage(self, i: int) -> dict[str, Any]:
        """Passage number `i`."""
        return json.loads(self._passages[self._passage_offsets[i] : self._passage_offsets[i + 1] - 1])

    def context(self, i: int) -> str:
        """Passage `i`'s context: prose, list, heading, title or context."""
        return self._contexts[self._passage_context[i]]

    def sources(self) -> list[dict[str, Any]]:
        """Every source, decoded at once."""
        return json.loads(f"[{self._sources}]")

    def entry(self) -> dict[str, Any]:
        """The whole entry, as it was stored (keys in their order)."""
        lists = {"sources": self.sources(), "passages": json.loads(f"[{self._passages}]")}
        return {k: lists[k] if k in lists else self.head[k] for k in self._keys}
