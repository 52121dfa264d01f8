"""Deterministic query sets by type, and a Zipf-distributed query log (search traffic repeats)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.generate import COMMON_WORDS, Corpus, zipf_weights
from kb.vocabulary import Term

TYPES = ("single", "multi", "phrase", "typo", "facet", "suggest")
SEARCH_TYPES = TYPES[:-1]
REGIONS = ("back", "neck", "shoulder", "knee", "head", "leg", "hip", "foot")


@dataclass(frozen=True)
class Query:
    """One query as a user sends it, with what the peers need to run the same thing."""

    type: str
    text: str
    words: tuple[str, ...] = ()  # content words, each required (AND)
    phrase: bool = False  # the words are one phrase
    typo: bool = False  # the one word is misspelt: fuzzy match
    filters: tuple[tuple[str, str], ...] = field(default=())  # (facet, value), entry-level facet names

    def url(self) -> str:
        """The kb HTTP path for this query."""
        if self.type == "suggest":
            return "/api/suggest?" + urlencode({"q": self.text})
        return "/api/search?" + urlencode([("q", self.text), *self.filters])


def _one_word_names(terms: list[Term]) -> list[str]:
    return [t.name.lower() for t in terms if " " not in t.name and "-" not in t.name and len(t.name) >= 5]


def _multi_word_names(terms: list[Term]) -> list[str]:
    return [t.name.lower() for t in terms if 2 <= len(t.name.split()) <= 3 and "-" not in t.name
            and all(w.isalpha() for w in t.name.split())]


def misspell(rng: random.Random, word: str) -> str:
    """One edit (swap, drop, double or replace a letter) past the first letter, never the word itself."""
    while True:
        i = rng.randrange(1, len(word) - 1)
        op = rng.choice(("swap", "drop", "double", "replace"))
        if op == "swap":
            out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif op == "drop":
            out = word[:i] + word[i + 1:]
        elif op == "double":
            out = word[:i] + word[i] + word[i:]
        else:
            out = word[:i] + rng.choice("aeioulnrst") + word[i + 1:]
        if out != word:
            return out


def query_sets(corpus: Corpus, per_type: int, seed: int = 7) -> dict[str, list[Query]]:
    """`per_type` distinct queries of each type, drawn from the corpus's own vocabulary and clinics."""
    rng = random.Random(seed)
    terms = corpus.conditions + corpus.techniques + corpus.benefits  # each list in popularity order
    singles = _one_word_names(terms)
    phrases = _multi_word_names(terms)
    common = list(COMMON_WORDS[:120])
    out: dict[str, list[Query]] = {t: [] for t in TYPES}

    def add(query: Query) -> None:
        bucket = out[query.type]
        if len(bucket) < per_type and query not in bucket:
            bucket.append(query)

    for _ in range(per_type * 20):
        word = rng.choice(singles) if rng.random() < 0.5 else rng.choice(common)
        add(Query("single", word, (word,)))
        pair = rng.sample(common, 2) if rng.random() < 0.6 else [rng.choice(singles), rng.choice(common)]
        add(Query("multi", " ".join(pair), tuple(pair)))
        name = rng.choice(phrases)
        add(Query("phrase", name, tuple(name.split()), phrase=True))
        typo = misspell(rng, rng.choice([w for w in singles if len(w) >= 6]))
        add(Query("typo", typo, (typo,), typo=True))
        word = rng.choice(singles) if rng.random() < 0.5 else rng.choice(common)
        facet = rng.choice(("kind", "body_region", "clinic"))
        if facet == "kind":
            value = rng.choice(("condition", "technique", "benefit"))
        elif facet == "body_region":
            value = rng.choice(REGIONS)
        else:
            value = corpus.clinics[min(int(rng.paretovariate(1.0)) - 1, 30)].name
        add(Query("facet", word, (word,), filters=((facet, value),)))
        source = rng.choice(singles + phrases + [c.name.lower() for c in corpus.clinics[:50]])
        add(Query("suggest", source[: rng.randint(3, 5)].strip()))
    return out


def query_log(sets: dict[str, list[Query]], distinct: int, length: int, seed: int = 11) -> list[Query]:
    """A log of `length` searches drawn with Zipf frequencies from `distinct` queries of every search type."""
    rng = random.Random(seed)
    pool = [q for t in SEARCH_TYPES for q in sets[t]]
    rng.shuffle(pool)
    pool = pool[:distinct]
    return rng.choices(pool, cum_weights=zipf_weights(len(pool), 1.0), k=length)


def unique_queries(corpus: Corpus, n: int, seed: int = 13) -> list[Query]:
    """`n` searches, every one distinct (none repeats, so no result cache can answer), mixing the search types as
    patients type them: one to three words from the corpus's names and its common prose words, vocabulary names,
    misspelt names and filtered words."""
    rng = random.Random(seed)
    terms = corpus.conditions + corpus.techniques + corpus.benefits
    singles, phrases = _one_word_names(terms), _multi_word_names(terms)
    common = list(COMMON_WORDS[:600])
    out: dict[str, Query] = {}
    for _ in range(n * 50):
        if len(out) >= n:
            break
        kind = rng.choices(SEARCH_TYPES, weights=(3, 4, 1, 1, 1))[0]
        if kind == "single":
            word = rng.choice(singles) if rng.random() < 0.3 else rng.choice(common)
            query = Query("single", word, (word,))
        elif kind == "multi":
            words = rng.sample(common, rng.randint(2, 3))
            if rng.random() < 0.4:
                words[0] = rng.choice(singles)
            query = Query("multi", " ".join(words), tuple(words))
        elif kind == "phrase":
            name = rng.choice(phrases)
            query = Query("phrase", name, tuple(name.split()), phrase=True)
        elif kind == "typo":
            typo = misspell(rng, rng.choice([w for w in singles if len(w) >= 6]))
            query = Query("typo", typo, (typo,), typo=True)
        else:
            word = rng.choice(singles) if rng.random() < 0.5 else rng.choice(common)
            value = rng.choice(REGIONS)
            query = Query("facet", word, (word,), filters=(("body_region", value),))
        out.setdefault(query.url(), query)
    return list(out.values())


def typed_prefixes(queries: list[Query]) -> list[Query]:
    """Suggest-as-you-type: every prefix of each query's text, in typing order (a box asks at each keystroke)."""
    return [Query("suggest", q.text[:i]) for q in queries for i in range(1, len(q.text) + 1)
            if q.text[:i].strip() == q.text[:i]]
