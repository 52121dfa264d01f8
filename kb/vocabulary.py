"""The vocabulary of conditions, techniques and benefits (data files in kb/data) and a phrase matcher over it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from kb.model import entry_id

DATA_DIR = Path(__file__).resolve().parent / "data"
IMPLIED_HEADS = {"massage", "therapy"}  # the last word of technique names that queries often leave out
MAX_REMEMBERED_FINDS = 50_000  # texts whose matches a Matcher keeps (some 10-20 MB at most)
VOCAB_FILES = {"condition": "conditions.yaml", "technique": "techniques.yaml", "benefit": "benefits.yaml"}
LEXICON_FILE = "icd10cm_lexicon.txt"  # the second condition lexicon (scripts/build_condition_lexicon.py)

_TOKEN = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+|[^\sA-Za-z0-9\u00C0-\u024F'\u2019-]")


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


def phrase_key(phrase: str) -> tuple[str, ...]:
    """The token keys of a vocabulary phrase."""
    return tuple(t[1] for t in tokens(phrase.replace("-", " ")) if t[0][0].isalnum())


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
        toks = tokens(text.replace("-", " "))
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
            if hit:
                n, term, via = hit
                found.append(Match(term, toks[i][2], toks[i + n - 1][3], via))
                found.extend(self._coordinated(toks, i, n))
                i += n
            else:
                i += 1
        return found

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


class Vocabulary:
    """Conditions, techniques and benefits loaded from YAML data files."""

    def __init__(self, terms: list[Term], lexicon: list[Term] | None = None):
        self.terms = terms
        # The second lexicon: condition names of ICD-10-CM, matched only where a page speaks of conditions (a list or
        # section of conditions, a "helps with" sentence); queries and the A-Z keep to the curated terms.
        self.lexicon = _beside_curated(terms, lexicon or [])
        self.by_id = {t.id: t for t in [*self.lexicon, *terms]}

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Vocabulary:
        """Load the three vocabulary files from `data_dir` (default: the package's data)."""
        data_dir = data_dir or DATA_DIR
        terms: list[Term] = []
        for kind, filename in VOCAB_FILES.items():
            raw = yaml.safe_load((data_dir / filename).read_text(encoding="utf-8"))
            for item in raw[kind + "s"]:
                terms.append(_term(kind, item))
        lexicon_path = data_dir / LEXICON_FILE
        return cls(terms, load_lexicon(lexicon_path) if lexicon_path.is_file() else [])

    @cached_property
    def matcher(self) -> Matcher:
        """The matcher for article text (lay terms excluded: they are for queries only)."""
        m = Matcher()
        for term in self.terms:
            for phrase in term.text_phrases():
                key = phrase_key(phrase)
                if key:
                    m.phrases.setdefault(key, term)
                    m.max_len = max(m.max_len, len(key))
            for phrase in term.context_terms:
                m.context_phrases.setdefault(phrase_key(phrase), term)
            for acronym in term.acronyms:
                m.acronyms[acronym] = term
        for term in (t for t in self.terms if t.kind == "benefit"):  # after the curated phrases, which win
            for phrase in term.text_phrases():
                for form in verb_forms(phrase):  # "increase circulation" for "improved circulation"
                    key = phrase_key(form)
                    if key and key not in m.phrases:
                        m.phrases[key] = term
                        m.max_len = max(m.max_len, len(key))
        for term in self.lexicon:  # after the curated phrases, which win
            for phrase in term.context_terms:
                key = phrase_key(phrase)
                if key and key not in m.phrases and key not in m.context_phrases:
                    m.lexicon_phrases.setdefault(key, term)
                    m.max_len = max(m.max_len, len(key))
        return m

    @cached_property
    def phrases_by_kind(self) -> dict[str, list[tuple[tuple[str, ...], Term]]]:
        """(phrase key, term) of every name, alias and misspelling, by kind: for loose matching of list items."""
        out: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        for term in self.terms:
            for phrase in term.text_phrases():
                if key := phrase_key(phrase):
                    out.setdefault(term.kind, []).append((key, term))
        return out

    @cached_property
    def query_phrases(self) -> dict[tuple[str, ...], list[Term]]:
        """Every phrase a query may use for a term (including lay terms and acronyms), to its terms."""
        out: dict[tuple[str, ...], list[Term]] = {}
        for term in self.terms:
            for phrase in [*term.text_phrases(), *term.lay_terms, *term.acronyms]:
                key = phrase_key(phrase)
                if key and term not in out.setdefault(key, []):
                    out[key].append(term)
        # People say "deep tissue" or "swedish" for Deep tissue massage and Swedish massage.
        for term in self.terms:
            short = phrase_key(term.name)
            while term.kind == "technique" and len(short) > 1 and short[-1] in IMPLIED_HEADS:
                short = short[:-1]
                if short not in out and (len(short) > 1 or len(short[0]) >= 5):
                    out[short] = [term]
        return out


_RAISING = ("improve", "improves", "improving", "increase", "increases", "increasing", "enhance", "enhances",
            "boost", "boosts", "promote", "promotes", "promoting")
_EASING_VERBS = ("reduce", "reduces", "reducing", "decrease", "decreases", "decreasing", "alleviate", "alleviates",
                 "alleviating", "ease", "eases", "easing", "relieve", "relieves", "relieving", "lessen", "lessens",
                 "release", "releases", "releasing")
_RAISED = re.compile(r"^(?:improved|increased|enhanced|better|greater|boosted)\s+(.+)$", re.IGNORECASE)
_EASED = re.compile(r"^(?:reduced|decreased|less|lower|relieved|eased)\s+(.+)$|^(.+?)\s+(?:relief|reduction)$",
                    re.IGNORECASE)


def verb_forms(phrase: str) -> list[str]:
    """The verb phrasings of a benefit's noun phrase: "improved circulation" → "improve circulation", "increases
    circulation", …; "pain relief" and "reduced pain" → "relieve pain", "decrease pain", …"""
    if m := _RAISED.match(phrase):
        return [f"{verb} {m.group(1)}" for verb in _RAISING]
    if m := _EASED.match(phrase):
        rest = m.group(1) or m.group(2)
        return [f"{verb} {rest}" for verb in _EASING_VERBS] + [f"relief of {rest}", f"relief from {rest}"]
    return []


def load_lexicon(path: Path) -> list[Term]:
    """The second condition lexicon: one context-only condition term per `code<TAB>phrase` line."""
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, phrase = line.split("\t")
            terms.append(Term("condition", phrase, context_terms=(phrase,), icd10=code, source=LEXICON_SOURCE))
    return terms


LEXICON_SOURCE = "icd10cm"


def _beside_curated(curated: list[Term], lexicon: list[Term]) -> list[Term]:
    """Lexicon terms whose id no curated term has: the curated vocabulary stays first."""
    ids = {t.id for t in curated}
    return [t for t in lexicon if t.id not in ids]


def _term(kind: str, item: dict[str, Any]) -> Term:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in item.get(key) or ())

    return Term(
        kind=kind,
        name=str(item["name"]),
        aliases=strings("aliases"),
        acronyms=strings("acronyms"),
        misspellings=strings("misspellings"),
        lay_terms=strings("lay_terms"),
        context_terms=strings("context_terms"),
        body_region=strings("body_region"),
        icd10=item.get("icd10"),
        icd10_title=item.get("icd10_title"),
        category=item.get("category"),
        source=item.get("source"),
    )
