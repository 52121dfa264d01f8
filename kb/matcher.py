"""Phrase matching of vocabulary terms in text: words folded (case, accents, plurals), longest phrase first."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from kb.model import entry_id
from kb.translations import Translation

MIN_COMPOUND_PART = 4  # letters of a compound's first part at least: shorter parts are prefixes, not names
MAX_REMEMBERED_FINDS = 50_000  # texts whose matches a Matcher keeps (some 10-20 MB at most)
# Words of Latin letters (combining accents included: text stored decomposed, "e" + U+0301); any other character is
# a token of its own, so a Chinese name matches as a run of characters inside a longer run.
_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F\u0300-\u036F]+|[^\sA-Za-z0-9\u00C0-\u024F'\u2019-]")


def fold(text: str) -> str:
    """Lower-case, accent-free, apostrophes removed: the form phrases are compared in."""
    if text.isascii():
        return text.lower().replace("'", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"['\u2019]", "", text.lower())


def singular(token: str) -> str:
    """A light plural fold so 'headaches' meets 'headache' (applied to both sides of a comparison)."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ics")):
        return token[:-1]
    return token


def tokens(text: str) -> list[tuple[str, str, int, int]]:
    """Tokens of `text` as (raw, folded key, start, end); punctuation tokens are kept so phrases never span them."""
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        out.append((raw, _token_key(raw), m.start(), m.end()))
    return out


@lru_cache(maxsize=100_000)
def _token_key(raw: str) -> str:
    # Remembered per word: ingest folds the same few thousand words over and over.
    return singular(fold(raw)) if raw[0].isalnum() else raw


def phrase_key(phrase: str, reader: Translation | None = None) -> tuple[str, ...]:
    """The token keys of a vocabulary phrase (as `reader`'s language folds its words, when given)."""
    return tuple(t[1] for t in _read(tokens(phrase.replace("-", " ")), reader) if t[0][0].isalnum())


def _read(toks: list[tuple[str, str, int, int]], reader: Translation | None) -> list[tuple[str, str, int, int]]:
    """Tokens keyed as another language folds its words, without its ignored words (articles)."""
    if reader is None:
        return toks
    out = []
    for raw, key, start, end in toks:
        if raw[0].isalnum() and (folded := fold(raw)) not in reader.ignored_words:
            out.append((raw, reader.key(folded), start, end))
        elif not raw[0].isalnum():
            out.append((raw, key, start, end))
    return out


def _is_acronym_key(key: str, acronyms: dict[str, Term]) -> bool:
    """A one-word phrase that is an acronym's lower-case form: it matches only as the acronym, in capitals."""
    return key.upper() in acronyms


@dataclass(frozen=True)
class Term:
    """One vocabulary item."""

    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    lay_terms: tuple[str, ...] = ()
    context_terms: tuple[str, ...] = ()
    body_region: tuple[str, ...] = ()
    icd10: str | None = None
    icd10_title: str | None = None
    category: str | None = None
    source: str | None = None

    @property
    def id(self) -> str:
        """The entry id this term becomes."""
        return entry_id(self.kind, self.name)

    def text_phrases(self) -> list[str]:
        """Phrases that identify the term in article text (name, aliases, misspellings)."""
        return [self.name, *self.aliases, *self.misspellings]


@dataclass(frozen=True)
class Match:
    """A vocabulary term found in a piece of text."""

    term: Term
    start: int  # character offsets in the text
    end: int
    via: str  # phrase, acronym, context, coordination


@dataclass
class Matcher:
    """Longest-first phrase matching of vocabulary terms over token sequences."""

    phrases: dict[tuple[str, ...], Term] = field(default_factory=dict)
    context_phrases: dict[tuple[str, ...], Term] = field(default_factory=dict)
    lexicon_phrases: dict[tuple[str, ...], Term] = field(default_factory=dict)  # the second lexicon's
    acronyms: dict[str, Term] = field(default_factory=dict)
    max_len: int = 1
    reader: Translation | None = None  # another language's word folding (None: English)
    _lengths: tuple[tuple[int, ...], dict[str, tuple[int, ...]]] | None = field(
        default=None, init=False, repr=False, compare=False)
    _found: dict[tuple[str, frozenset[str]], tuple[Match, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def _first_word_lengths(self) -> dict[str, tuple[int, ...]]:
        """For each word that starts a phrase or context phrase, the lengths (up to `max_len`) of those phrases,
        longest first: the only lengths worth trying at a token, where trying every length cost most of `find`."""
        state = (id(self.phrases), len(self.phrases), id(self.context_phrases), len(self.context_phrases),
                 len(self.lexicon_phrases), self.max_len)
        if self._lengths is None or self._lengths[0] != state:  # rebuilt if phrases were added since
            by_first: dict[str, set[int]] = {}
            for key in [*self.phrases, *self.context_phrases, *self.lexicon_phrases]:
                if key and len(key) <= self.max_len:
                    by_first.setdefault(key[0], set()).add(len(key))
            self._lengths = (state, {w: tuple(sorted(ns, reverse=True)) for w, ns in by_first.items()})
            self._found.clear()
        return self._lengths[1]

    def find(self, text: str, context_kinds: frozenset[str] = frozenset()) -> list[Match]:
        """Every term named in `text`; `context_kinds` enables context-only terms of those kinds."""
        lengths = self._first_word_lengths()
        # Remembered per text: a site's pages repeat sentences, headings and list items, and extraction asks again.
        key = (text, frozenset(context_kinds))
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= MAX_REMEMBERED_FINDS:
                self._found.clear()
            found = self._found[key] = tuple(self._find(text, key[1], lengths))
        return list(found)

    def _find(self, text: str, context_kinds: frozenset[str], lengths: dict[str, tuple[int, ...]]) -> list[Match]:
        toks = _read(tokens(text.replace("-", " ")), self.reader)
        keys = [t[1] for t in toks]
        found: list[Match] = []
        i = 0
        while i < len(toks):
            raw = toks[i][0]
            hit = None
            for n in lengths.get(keys[i], ()):
                if n > len(toks) - i:
                    continue
                key = tuple(keys[i : i + n])
                term = self.phrases.get(key)
                via = "phrase"
                if term is None and context_kinds:
                    ctx = self.context_phrases.get(key)
                    if ctx is not None and ctx.kind in context_kinds:
                        term, via = ctx, "context"
                    elif "condition" in context_kinds:
                        ctx = self.lexicon_phrases.get(key)
                        term, via = (ctx, "lexicon") if ctx is not None else (None, via)
                if term is not None and (n > 1 or not _is_acronym_key(key[0], self.acronyms)):
                    hit = (n, term, via)
                    break
            if hit is None and raw in self.acronyms:
                hit = (1, self.acronyms[raw], "acronym")
            if hit is None and self.reader is not None and self.reader.compound_heads:
                hit = self._compound(raw)
            if hit:
                n, term, via = hit
                found.append(Match(term, toks[i][2], toks[i + n - 1][3], via))
                found.extend(self._coordinated(toks, i, n))
                i += n
            else:
                i += 1
        return found

    def _compound(self, raw: str) -> tuple[int, Term, str] | None:
        """A compound whose first part is a one-word name and whose last is a head word of the language
        ("Migränebehandlung": Migräne + behandlung), with or without a linking s, e or n."""
        assert self.reader is not None
        word = fold(raw)
        for head in self.reader.compound_heads:
            first = word[: -len(head)]
            if not word.endswith(head) or len(first) < MIN_COMPOUND_PART:
                continue
            linked = (first[:-1] if first[-1] in "sne" else "", first[:-2] if first[-2:] in ("en", "es") else "")
            for part in (first, *linked):
                term = self.phrases.get((self.reader.key(part),)) if len(part) >= MIN_COMPOUND_PART else None
                if term is not None:
                    return (1, term, "compound")
        return None

    def _coordinated(self, toks: list[tuple[str, str, int, int]], i: int, n: int) -> list[Match]:
        """Expand 'knee, hip, and jaw pain' into knee pain and hip pain when those are terms too."""
        if n < 2:
            return []
        head = tuple(t[1] for t in toks[i + 1 : i + n])
        out = []
        j = i - 1
        saw_conjunction = False
        while j >= 0:
            key = toks[j][1]
            if key in {",", "and", "or", "&", "/"}:
                saw_conjunction = True
                j -= 1
                continue
            if not saw_conjunction:
                break
            term = self.phrases.get((key, *head))
            if term is None:
                break
            out.append(Match(term, toks[j][2], toks[j][3], "coordination"))
            saw_conjunction = False
            j -= 1
        return out


@dataclass
class Bilingual(Matcher):
    """A page's language and English read together (pages mix them): each matcher's finds, the longer of two that
    overlap kept (the page's own language first when they tie)."""

    native: Matcher = field(default_factory=Matcher)
    english: Matcher = field(default_factory=Matcher)

    def find(self, text: str, context_kinds: frozenset[str] = frozenset()) -> list[Match]:
        """Every term named in `text`, in either language."""
        found = [*self.native.find(text, context_kinds), *self.english.find(text, context_kinds)]
        kept: list[Match] = []
        for m in sorted(found, key=lambda m: m.start - m.end):  # stable: the native finds first among equals
            if all(m.end <= k.start or m.start >= k.end for k in kept):
                kept.append(m)
        return sorted(kept, key=lambda m: m.start)
