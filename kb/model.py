"""Domain model: articles as parsed, what extraction finds in them, and the merged entries."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import phonenumbers

KINDS = ("condition", "benefit", "technique", "clinic")
Kind = Literal["condition", "benefit", "technique", "clinic"]
BlockKind = Literal["paragraph", "item"]


def slugify(text: str) -> str:
    """A URL-safe, lower-case slug of `text` (ASCII letters, digits and hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def entry_id(kind: str, name: str) -> str:
    """The stable entry id for a kind and canonical name, e.g. ``condition-sciatica``."""
    return f"{kind}-{slugify(name)}"


def display_phone(e164: str) -> str:
    """A phone number as people write it in its own country, e.g. (425) 347-8614 or 0113 496 0123."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def article_id(path: str, url: str | None) -> str:
    """A stable article id: from the page's own URL when it declares one, else from its path."""
    key = url or path
    return "a-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class Block:
    """One paragraph or list item of main content."""

    kind: BlockKind
    text: str
    list_id: int | None = None  # items of one list share an id


@dataclass
class Section:
    """A heading and the blocks under it; the lead section has the article title as heading."""

    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Fact:
    """One contact fact seen on a page and where on the page it was seen."""

    kind: Literal["name", "address", "phone", "email", "hours", "website"]
    value: str
    origin: str  # json-ld, microdata, address, tel-link, mailto-link, footer, main, front-matter, meta


@dataclass
class Article:
    """A parsed article: metadata, main-content sections and the contact facts found anywhere on the page."""

    article_id: str
    path: str
    title: str
    url: str | None
    sections: list[Section]
    facts: list[Fact] = field(default_factory=list)
    site: str | None = None  # site or clinic name the page declares (og:site_name, front matter)
    published: str | None = None
    updated: str | None = None
    lang: str | None = None
    fmt: str = "html"

    def word_count(self) -> int:
        """Number of words of main content."""
        return sum(len(b.text.split()) for s in self.sections for b in s.blocks)


@dataclass
class Source:
    """One supporting article of an entry, with the evidence sentence (the contract's source object)."""

    article_id: str
    title: str
    path: str
    url: str | None
    clinic: str | None
    section: str
    sentence: str


@dataclass
class Passage:
    """A sentence of an article that mentions an entry; the best one per article becomes the source."""

    article_id: str
    section: str
    sentence: str
    context: Literal["heading", "list", "prose", "title", "context", "caution"]  # caution: see Caution


@dataclass
class Relation:
    """A link from one entry to another with the sentence that states it."""

    id: str
    kind: str
    name: str
    article_id: str
    sentence: str


@dataclass
class Caution:
    """A sentence of a clinic's article that warns, excludes, refers elsewhere or talks billing, and the
    conditions it names: quoted as a caution, never as something the clinic treats."""

    article_id: str
    title: str
    path: str
    url: str | None
    section: str
    sentence: str
    names: list[str] = field(default_factory=list)


@dataclass
class Entry:
    """A merged knowledge-base entry: one per kind and canonical name across all articles."""

    id: str
    kind: Kind
    name: str
    summary: str = ""
    aliases: list[str] = field(default_factory=list)
    body_region: list[str] = field(default_factory=list)
    icd10: dict[str, str] | None = None
    category: str | None = None
    discovered: bool = False
    sources: list[Source] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    related: list[Relation] = field(default_factory=list)
    contact: dict[str, Any] | None = None  # clinic entries: name, addresses, phones, emails, hours, websites
    cautions: list[Caution] = field(default_factory=list)  # clinic entries: what its articles warn about

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """The inverse of `to_dict`."""
        data = dict(data)
        data["sources"] = [Source(**s) for s in data.get("sources", [])]
        data["passages"] = [Passage(**p) for p in data.get("passages", [])]
        data["related"] = [Relation(**r) for r in data.get("related", [])]
        data["cautions"] = [Caution(**c) for c in data.get("cautions", [])]
        return cls(**data)


@dataclass
class Mention:
    """One place an article names a vocabulary term (or an unknown list item in a known context)."""

    kind: Kind
    name: str
    section: str
    sentence: str
    context: Literal["heading", "list", "prose", "title", "context"]  # context: a sentence naming no term
    discovered: bool = False


@dataclass
class Extraction:
    """Everything extraction finds in one article; what `kb ingest --add` keeps to re-merge later."""

    article_id: str
    path: str
    title: str
    url: str | None
    clinic: str | None
    published: str | None
    updated: str | None
    mentions: list[Mention] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (from id, to id, sentence)
    clinic_facts: dict[str, Any] | None = None
    clinic_evidence: list[str] | None = None  # [section, sentence] naming the clinic or its phone
    language: str = "en"  # two-letter code; read when the vocabulary has names in it (others keep their facts)
    cautions: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (section, sentence, conditions named)
    # (kind, phrase, section, sentence): unknown phrases in a condition, technique or benefit context that do not read
    # as names; never entries, listed in the ingest report for the clinic to review
    to_review: list[tuple[str, str, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """The inverse of `to_dict`."""
        data = dict(data)
        data["mentions"] = [Mention(**m) for m in data.get("mentions", [])]
        data["relations"] = [tuple(r) for r in data.get("relations", [])]
        data["cautions"] = [(c[0], c[1], list(c[2])) for c in data.get("cautions", [])]
        data["to_review"] = [tuple(r) for r in data.get("to_review", [])]
        return cls(**data)
