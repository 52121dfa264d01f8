"""Query building, pure: words and vocabulary phrases of a query to a Whoosh query (no index needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from whoosh import query as Q
from whoosh.query import spans

from index.analysis import analyse, plain_analyzer, stemming_analyzer
from index.clinic_names import ClinicName, find_clinics
from index.desk_facts import asked
from kb.cues import Cues
from kb.vocabulary import DATA_DIR, Term, Vocabulary, fold, phrase_key, tokens
from kb.yaml_data import read_yaml

# How much a match in each field is worth; the entry's own name above its aliases above what articles say of it.
NAME_BOOST = 8.0
ALIASES_BOOST = 5.0
NAMES_PLAIN_BOOST = 3.0
RELATED_BOOST = 2.0
CONTACT_BOOST = 3.0
SUMMARY_BOOST = 1.5
EVIDENCE_BOOST = 1.0
# A vocabulary phrase in the query ("jaw clicking", "NMT") points straight at its entry.
TERM_ID_BOOST = 20.0
CLINIC_PAGE_BOOST = 10.0  # a page of the clinic the query names
# A typo-corrected word counts for less than the word as typed, so exact matches rank first.
FUZZY_BOOST = 0.25
FIELD_BOOSTS = {"name": NAME_BOOST, "aliases": ALIASES_BOOST, "related": RELATED_BOOST, "contact": CONTACT_BOOST,
                "summary": SUMMARY_BOOST, "evidence": EVIDENCE_BOOST}
PHRASE_FIELDS = ("name", "aliases", "related", "evidence")
# A named term's aliases and misspellings in an article's text, and its name's words close together in any order.
SYNONYM_BOOST = 1.0
NEAR_BOOST = 0.5
NEAR_SLOP = 3  # words between
NEAR_MAX_WORDS = 3
WORD_SYNONYM_BOOST = 0.5  # a page's word for a query word (kb/data/query_synonyms.yaml)
MAX_QUERY_CHARS = 200


def max_edits(word: str) -> int:
    """Typo tolerance by length: none below 5 characters, one edit from 5, two from 9."""
    return 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0


def is_acronym(raw: str) -> bool:
    """Short words and all-capitals words match exactly: never by prefix or typo ('TMJ' is not 'TMS')."""
    return len(raw) <= 4 or (raw.isupper() and len(raw) <= 6)


@dataclass
class Group:
    """One part of a query that a result must match: a vocabulary phrase (to its terms) or a free word."""

    text: str
    terms: list[Term] = field(default_factory=list)
    exact: bool = False  # an acronym or short word: no typo tolerance
    known: bool = True  # the word as typed is in the index; only unknown words are expanded to near spellings
    misspelt: bool = False  # the text is a vocabulary misspelling; terms[0].name is the right spelling
    clinic: ClinicName | None = None  # the clinic the text names (index/clinic_names.py)


@dataclass
class ParsedQuery:
    """What a query asks: its groups, and its intents."""

    text: str
    groups: list[Group]
    contact: bool = False
    comparison: bool = False
    definition: bool = False  # "what is X", "X meaning": a sentence saying what X is answers it
    desk: list[str] = field(default_factory=list)  # front-desk topics asked about (index/desk_facts.py)

    @property
    def terms(self) -> list[Term]:
        """Vocabulary terms the query names, in order."""
        return [t for g in self.groups for t in g.terms]


def normalise_query(q: str) -> str:
    """Collapse white space and drop control characters; Whoosh syntax has no meaning here (queries are built)."""
    q = re.sub(r"[\x00-\x1f\x7f]", " ", q)
    return re.sub(r"\s+", " ", q).strip()


# "doesn't" and "doesnt" are one word (an intent word); "Mariko's", "what's" and "I'm" are the word before the
# apostrophe. Applied to queries and to the vocabulary's phrases alike ("can't lift my arm" = "cant lift my arm").
_NOT = re.compile(r"(?<=\w)n['\u2019]t(?!\w)", re.IGNORECASE)
_CLITIC = re.compile(r"(?<=\w)['\u2019](?:s|m|re|ve|ll|d)(?!\w)", re.IGNORECASE)


# "my 10 year old", "a 6-year-old": a child, as pages say it.
_CHILD_AGE = re.compile(r"\b(?:1[0-7]|[1-9])[- ]?(?:years?|yrs?)[- ]?old\b", re.IGNORECASE)


def fold_contractions(text: str) -> str:
    """The text with contractions folded ("doesn't" to "doesnt", "Mariko's" to "Mariko", "I'm" to "I") and a
    child's age to "child"."""
    return _CHILD_AGE.sub("child", _CLITIC.sub("", _NOT.sub("nt", text)))


@cache
def query_phrases(vocab: Vocabulary) -> dict[tuple[str, ...], list[Term]]:
    """The vocabulary's query phrases keyed as a folded query is ("cant lift my arm"): contractions folded."""
    out: dict[tuple[str, ...], list[Term]] = {}
    for key, terms in vocab.query_phrases.items():
        # The key's words as the phrase had them: "can t" was "can't", "golfer s" was "golfer's".
        text = re.sub(r" (t|s)(?= |$)", r"'\1", " ".join(key))
        folded = phrase_key(fold_contractions(text))
        for term in terms:
            if term not in out.setdefault(folded or key, []):
                out[folded or key].append(term)
    return out


def parse_query(q: str, vocab: Vocabulary, cues: Cues,
                clinics: dict[tuple[str, ...], ClinicName] | None = None) -> ParsedQuery:
    """Split a query into the clinics it names (`clinics`: index/clinic_names.py), vocabulary phrases (longest
    first, lay terms included) and free content words."""
    text = normalise_query(q)
    named = find_clinics(text, clinics or {})
    shielded = text  # a clinic's name is no intent ("Open Door Massage" asks nothing about opening hours)
    for start, end, _ in named:
        shielded = shielded[:start] + " " * (end - start) + shielded[end:]
    desk, searched = asked(shielded)
    toks = [t for t in tokens(fold_contractions(searched).replace("-", " ")) if t[0][0].isalnum()]
    keys = [t[1] for t in toks]
    stop = cues.words("query_stopwords")
    contact_words, comparison_words = cues.words("contact_words"), cues.words("comparison_words")
    definition_words = cues.words("definition_words")
    folded = {fold(t[0]) for t in toks}
    folded |= {fold(t[0]) for t in tokens(shielded)}
    parsed = ParsedQuery(text, [], contact=bool(folded & contact_words),
                         comparison=bool(folded & comparison_words), desk=desk)
    parsed.groups += [Group(text[start:end], [], exact=True, clinic=clinic) for start, end, clinic in named]
    phrases = query_phrases(vocab)
    longest = max(map(len, phrases), default=1)  # map: C speed over thousands of phrases, per query
    i = 0
    while i < len(toks):
        raw = toks[i][0]
        match = None
        for n in range(min(longest, len(toks) - i), 0, -1):
            key = tuple(keys[i : i + n])
            terms = phrases.get(key)
            if terms and not (n == 1 and key[0] in stop) and (n > 1 or _acronym_ok(raw, terms)):
                match = (n, terms)
                break
        if match:
            n, terms = match
            surface = " ".join(t[0] for t in toks[i : i + n])
            misspelt = any(phrase_key(m) == tuple(keys[i : i + n]) for t in terms for m in t.misspellings)
            parsed.groups.append(Group(surface, list(terms), exact=n == 1 and is_acronym(raw), misspelt=misspelt))
            i += n
            continue
        word = fold(raw)
        if word not in stop and word not in contact_words and word not in comparison_words \
                and word not in definition_words:
            parsed.groups.append(Group(raw, [], exact=is_acronym(raw)))
        i += 1
    # What one thing is: "what is the best massage for sciatica" names two and asks no definition.
    parsed.definition = (len(parsed.groups) == 1 and not parsed.comparison and not parsed.desk
                         and bool(cues.pattern("definition_phrases").search(shielded)))
    return parsed


def _acronym_ok(raw: str, terms: list[Term]) -> bool:
    """A one-word vocabulary hit that is an acronym counts in capitals, or lower-case from three letters."""
    acronyms = {a for t in terms for a in t.acronyms if a.lower() == raw.lower()}
    return not acronyms or raw in acronyms or len(raw) >= 3


@cache
def word_synonyms() -> dict[str, tuple[str, ...]]:
    """Query words to the words pages use for them (kb/data/query_synonyms.yaml)."""
    raw = read_yaml(DATA_DIR / "query_synonyms.yaml")
    return {str(k).lower(): tuple(str(v) for v in vs) for k, vs in (raw.get("synonyms") or {}).items()}


def synonyms_of(word: str) -> tuple[str, ...]:
    """The words pages use for a query word ("tingly": tingling, pins and needles), or ()."""
    return word_synonyms().get(fold(word), ())


def _word_query(word: str, exact: bool, fuzzy: bool) -> Q.Query:
    stem, plain = stemming_analyzer(), plain_analyzer()
    parts: list[Q.Query] = []
    for synonym in synonyms_of(word):
        words = analyse(stem, synonym)
        for fieldname in ("name", "aliases", "evidence"):
            boost = FIELD_BOOSTS[fieldname] * WORD_SYNONYM_BOOST
            if len(words) > 1:
                parts.append(Q.Phrase(fieldname, words, boost=boost))
            elif words:
                parts.append(Q.Term(fieldname, words[0], boost=boost))
    for fieldname, boost in FIELD_BOOSTS.items():
        analyzer = plain if fieldname == "contact" else stem
        for term in analyse(analyzer, word):
            parts.append(Q.Term(fieldname, term, boost=boost))
    for term in analyse(plain, word):
        parts.append(Q.Term("names_plain", term, boost=NAMES_PLAIN_BOOST))
        edits = max_edits(term)
        if fuzzy and not exact and edits:
            parts.append(Q.FuzzyTerm("names_plain", term, boost=NAMES_PLAIN_BOOST * FUZZY_BOOST, maxdist=edits,
                                     prefixlength=1))
            parts.append(Q.FuzzyTerm("text_plain", term, boost=EVIDENCE_BOOST * FUZZY_BOOST, maxdist=edits,
                                     prefixlength=1))
    return Q.Or(parts) if parts else Q.NullQuery


def _phrase_query(text: str, boost: float = 1.0) -> Q.Query:
    stem = stemming_analyzer()
    words = analyse(stem, text)
    if not words:
        return Q.NullQuery
    parts: list[Q.Query] = []
    for fieldname in PHRASE_FIELDS:
        b = FIELD_BOOSTS[fieldname] * boost
        parts.append(Q.Term(fieldname, words[0], boost=b) if len(words) == 1 else Q.Phrase(fieldname, words, boost=b))
    return Q.Or(parts)


def is_specific(group: Group, term: Term) -> bool:
    """Whether the words typed name the term fully: one generic word ("massage") for "Massage therapy" does not."""
    return len(phrase_key(group.text)) >= len(phrase_key(term.name)) or group.misspelt or group.exact


def _synonym_queries(term: Term) -> list[Q.Query]:
    """An article (or entry) that names the term another way: each alias and misspelling as a phrase of its
    text, and the name's words close together in any order ("ankle and knee sprains" for Ankle sprain)."""
    stem = stemming_analyzer()
    parts: list[Q.Query] = []
    for phrase in dict.fromkeys(p.lower() for p in (*term.aliases, *term.misspellings)):
        words = analyse(stem, phrase)
        if len(words) > 1:
            parts.append(Q.Phrase("evidence", words, boost=SYNONYM_BOOST))
        elif words:
            parts.append(Q.Term("evidence", words[0], boost=SYNONYM_BOOST))
    words = analyse(stem, term.name)
    if 1 < len(words) <= NEAR_MAX_WORDS:
        parts.append(spans.SpanNear2([Q.Term("evidence", w) for w in words], slop=NEAR_SLOP, ordered=False)
                     .with_boost(NEAR_BOOST))
    return parts


def group_query(group: Group) -> Q.Query:
    """The query for one group: its entries by id, by name and by their synonyms, or the free word in every
    field."""
    if group.clinic:
        return Q.Or([Q.Term("id", group.clinic.id, boost=TERM_ID_BOOST),
                     Q.ConstantScoreQuery(Q.Term("clinic", group.clinic.name), score=CLINIC_PAGE_BOOST)])
    if not group.terms:
        return _word_query(group.text, group.exact, fuzzy=not group.known)
    parts: list[Q.Query] = []
    for term in group.terms:
        boost = TERM_ID_BOOST if is_specific(group, term) else TERM_ID_BOOST / 3
        parts.append(Q.Term("id", term.id, boost=boost))
        parts.append(_phrase_query(term.name))
        parts += _synonym_queries(term)
    if not group.misspelt and not group.exact:
        parts.append(_phrase_query(group.text, boost=0.5))
    return Q.Or(parts)


def build_query(parsed: ParsedQuery) -> Q.Query:
    """The whole query: AND of its groups, each an OR over fields; NullQuery for no groups. (The search itself
    combines the groups' match sets in tiers; this is the strictest tier, as one Whoosh query.)"""
    subqueries = [q for q in (group_query(g) for g in parsed.groups) if q is not Q.NullQuery]
    if not subqueries:
        return Q.NullQuery
    return subqueries[0] if len(subqueries) == 1 else Q.And(subqueries)
