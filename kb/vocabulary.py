"""The vocabulary of conditions, techniques and benefits (data files in kb/data), in English and other languages."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from kb.matcher import Bilingual, Match, Matcher, Term, fold, phrase_key, singular, tokens
from kb.translations import Translation, load_translations
from kb.yaml_data import read_yaml

__all__ = ["DATA_DIR", "Match", "Matcher", "Term", "Vocabulary", "fold", "phrase_key", "singular", "tokens",
           "verb_forms"]

DATA_DIR = Path(__file__).resolve().parent / "data"
IMPLIED_HEADS = {"massage", "therapy"}  # the last word of technique names that queries often leave out
VOCAB_FILES = {"condition": "conditions.yaml", "technique": "techniques.yaml", "benefit": "benefits.yaml"}
LEXICON_FILE = "icd10cm_lexicon.txt"  # the second condition lexicon (scripts/build_condition_lexicon.py)
TRANSLATIONS_DIR = "translations"  # the curated terms' names in other languages, one file per language


class Vocabulary:
    """Conditions, techniques and benefits loaded from YAML data files."""

    def __init__(self, terms: list[Term], lexicon: list[Term] | None = None,
                 translations: dict[str, Translation] | None = None):
        self.terms = terms
        # The second lexicon: condition names of ICD-10-CM, matched only where a page speaks of conditions (a list or
        # section of conditions, a "helps with" sentence); queries and the A-Z keep to the curated terms.
        self.lexicon = _beside_curated(terms, lexicon or [])
        self.by_id = {t.id: t for t in [*self.lexicon, *terms]}
        self.translations = translations or {}
        unknown = sorted({i for t in self.translations.values() for i in [*t.names, *t.context_terms]} -
                         {t.id for t in terms})
        if unknown:
            raise ValueError(f"translations name terms the vocabulary does not have: {', '.join(unknown)}")
        self._readings: dict[str, Vocabulary] = {}

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Vocabulary:
        """Load the three vocabulary files, the second lexicon and the translations from `data_dir` (default: the
        package's data)."""
        data_dir = data_dir or DATA_DIR
        terms: list[Term] = []
        for kind, filename in VOCAB_FILES.items():
            raw = read_yaml(data_dir / filename)
            for item in raw[kind + "s"]:
                terms.append(_term(kind, item))
        lexicon_path = data_dir / LEXICON_FILE
        return cls(terms, load_lexicon(lexicon_path) if lexicon_path.is_file() else [],
                   load_translations(data_dir / TRANSLATIONS_DIR))

    def reads(self, language: str) -> bool:
        """Whether the vocabulary can read pages in `language` (English, or a language with translations)."""
        return language == "en" or language in self.translations

    def reading(self, language: str) -> Vocabulary:
        """The vocabulary as it reads a page in `language`: the same terms, named in that language and in English
        (made once per language)."""
        if language == "en" or language not in self.translations:
            return self
        if language not in self._readings:
            self._readings[language] = _Reading(self, self.translations[language])
        return self._readings[language]

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
            for phrase in [*term.text_phrases(), *term.lay_terms, *term.acronyms, *self.translated(term)]:
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


    def translated(self, term: Term) -> list[str]:
        """The term's names in every language with translations (a patient may search "Migräne" or "偏頭痛")."""
        return [n for t in self.translations.values() for n in t.names.get(term.id, ())]


class _Reading(Vocabulary):
    """The vocabulary reading a page in another language: that language's names and English ones (pages mix them),
    each matched as its own language folds words. Entries keep their English names."""

    def __init__(self, english: Vocabulary, translation: Translation):
        self.terms, self.lexicon, self.by_id = english.terms, english.lexicon, english.by_id
        self.translations, self._readings = english.translations, {}
        self.english, self.translation = english, translation

    @cached_property
    def matcher(self) -> Matcher:
        """The page's language and English, read together."""
        native = Matcher(reader=self.translation)
        for term_id, names in self.translation.names.items():
            for phrase in names:
                if key := phrase_key(phrase, self.translation):
                    native.phrases.setdefault(key, self.by_id[term_id])
                    native.max_len = max(native.max_len, len(key))
        for term_id, names in self.translation.context_terms.items():
            for phrase in names:
                if key := phrase_key(phrase, self.translation):
                    native.context_phrases.setdefault(key, self.by_id[term_id])
                    native.max_len = max(native.max_len, len(key))
        return Bilingual(native=native, english=self.english.matcher)

    @cached_property
    def phrases_by_kind(self) -> dict[str, list[tuple[tuple[str, ...], Term]]]:
        """English phrases and the language's names, for loose matching of list items."""
        out = {kind: list(phrases) for kind, phrases in self.english.phrases_by_kind.items()}
        for term_id, names in self.translation.names.items():
            term = self.by_id[term_id]
            out.setdefault(term.kind, []).extend((k, term) for k in map(phrase_key, names) if k)
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
