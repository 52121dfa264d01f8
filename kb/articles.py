"""An article's text as kb read it: its sections and their sentences, what the index and the article page need."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

TextKind = Literal["paragraph", "item"]


@dataclass
class TextBlock:
    """One paragraph or list item, split into sentences."""

    kind: TextKind
    sentences: list[str]


@dataclass
class TextSection:
    """A heading and its blocks; the lead section's heading is the article's title."""

    heading: str
    level: int
    blocks: list[TextBlock] = field(default_factory=list)


@dataclass
class ArticleText:
    """An ingested article's main content: searchable as an `article` result and shown on its own page."""

    article_id: str
    path: str
    title: str
    url: str | None
    clinic: str | None
    sections: list[TextSection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleText:
        """The inverse of `to_dict`."""
        data = dict(data)
        data["sections"] = [TextSection(s["heading"], s["level"], [TextBlock(b["kind"], list(b["sentences"]))
                                                                   for b in s["blocks"]])
                            for s in data.get("sections", [])]
        return cls(**data)
