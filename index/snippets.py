"""Snippets and quotes: per result, the sentence that best answers the query, with the query's words marked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from markupsafe import Markup, escape

from index.analysis import WORD, analyse, snowball_stem, stemming_analyzer
from index.definitions import defines, points_elsewhere
from index.desk_facts import TAG
from index.entry_view import NO_SOURCE, EntryView
from index.passages import PassagePostings
from index.query import ParsedQuery
from kb.vocabulary import Vocabulary

GENERIC_STEM_TERMS = 8  # a stem in this many vocabulary terms is generic


@dataclass(frozen=True)
class Stems:
    """Stems a snippet may mark: the words as typed (and corrected) weigh more than the named terms' synonyms."""

    typed: frozenset[str]
    synonyms: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        """Every stem that counts as a match."""
        return self.typed | self.synonyms


@cache
def generic_stems(vocab: Vocabulary) -> frozenset[str]:
    """Stems in many vocabulary names ('pain', 'syndrome', 'therapy'): too common to mark as a synonym."""
    analyzer = stemming_analyzer()
    counts: Counter[str] = Counter()
    for term in vocab.terms:
        counts.update({s for x in (term.name, *term.aliases) for s in analyse(analyzer, x)})
    return frozenset(s for s, n in counts.items() if n >= GENERIC_STEM_TERMS)


def query_stems(parsed: ParsedQuery, corrected: str | None, generic: frozenset[str] = frozenset()) -> Stems:
    """The typed words and their corrections, and the named terms with their aliases (less generic words)."""
    analyzer = stemming_analyzer()
    typed = [g.text for g in parsed.groups if not g.misspelt] + ([corrected] if corrected else [])
    if parsed.comparison:
        typed += ["difference", "differ", "different", "compare", "versus", "unlike"]
    synonyms = [x for term in parsed.terms for x in (term.name, *term.aliases, *term.acronyms)]
    desk = {TAG + topic for topic in parsed.desk}  # a sentence stating the fact asked for counts as a typed word
    return Stems(frozenset(s for t in typed for s in analyse(analyzer, t)) | desk,
                 frozenset(s for t in synonyms for s in analyse(analyzer, t) if s not in generic))


_NEVER_QUOTED = ("heading", "title")  # a heading answers nothing: it names what a section is about
_SNIPPET_TRIES = 8  # sentences of the first source read to find a snippet no earlier result shows
_QUOTE_TRIES = 2  # sentences of each other source read to quote an answer rather than a question
_FRAGMENT_WORDS = 6  # a list item or label shorter than this, without a full stop, is no sentence
_DEFINITION_TRIES = 120  # best-scored sentences of an entry read for one that says what the term is
_DEFINITION_BONUS = 30  # a defining sentence beats one that merely names the term (every typed word is 10)
_CONTEXT_BONUS = {"prose": 2, "list": 1, "context": 1}  # a sentence says more than a heading or a title


def highlight(sentence: str, stems: frozenset[str]) -> str:
    """The sentence as HTML: escaped, with words whose stems the query names in <mark>."""
    out: list[str] = []
    last = 0
    for m in WORD.finditer(sentence):
        if snowball_stem(m.group(0).lower()) in stems:
            out.append(str(escape(sentence[last : m.start()])))
            out.append(str(Markup("<mark>{}</mark>").format(m.group(0))))
            last = m.end()
    out.append(str(escape(sentence[last:])))
    return "".join(out)


def passage_scores(postings: PassagePostings, stems: Stems) -> dict[int, int]:
    """Scores of the passages holding a query stem: each word as typed counts most, then whether a synonym
    appears at all (prose over headings is added by the caller). Passages without one can't beat an article's
    own best sentence, so only these are looked at."""
    scores: Counter[int] = Counter()
    for stem in stems.typed:
        for i in postings.get(stem):
            scores[i] += 10
    with_synonym = {i for stem in stems.synonyms for i in postings.get(stem)}
    for i in with_synonym:
        scores[i] += 3
    return scores


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().rstrip("*_\"'”’)").endswith("?")


def _is_fragment(sentence: str) -> bool:
    """A short list item or label ("Sciatica and pinched nerves"): under six words and no sentence's full stop.
    A line with a figure ("$70 for 60 Minutes") states a fact and is no fragment."""
    return (len(WORD.findall(sentence)) < _FRAGMENT_WORDS and not sentence.rstrip().endswith((".", "!", "?"))
            and not any(c.isdigit() for c in sentence))


def _pick(passages: list[dict[str, Any]], avoid: set[str] | frozenset[str]) -> dict[str, Any] | None:
    """The first passage no earlier result shows, an answer over a question and a sentence over a fragment."""
    fresh = [p for p in passages if p["sentence"] not in avoid]
    return next((p for p in fresh if not _is_question(p["sentence"]) and not _is_fragment(p["sentence"])),
                next((p for p in fresh if not _is_fragment(p["sentence"])), fresh[0] if fresh else None))


def _prefer_definitions(view: EntryView, candidates: dict[int, list[tuple[int, int]]], names: tuple[str, ...]) -> None:
    """Raise the entry's sentences that say what the named term is ("X is a type of ...") and lower pointers to a
    clinic ("For more information ..., visit ..."); only the best-scored few are read."""
    best = sorted(((score, i, n) for n, found in candidates.items() for score, i in found), key=lambda c: (-c[0], c[1]))
    read = {i: view.passage(i)["sentence"] for _, i, _ in best[:_DEFINITION_TRIES]}
    raised = {i for i, sentence in read.items() if defines(sentence, names)}
    lowered = {i for i, sentence in read.items() if points_elsewhere(sentence)}
    for n, found in candidates.items():
        candidates[n] = [(score + _DEFINITION_BONUS * ((i in raised) - (i in lowered)), i) for score, i in found]


def ranked_sources(view: EntryView, stems: Stems, postings: PassagePostings, limit: int,
                   avoid: set[str] | frozenset[str] = frozenset(),
                   define: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The entry's first `limit` sources, each quoting its article's best sentence for the query, best first;
    sources with no query word keep their own sentence and order. Headings and titles are never quoted, a short
    fragment only when its article has no full sentence that matches, and the first source's quote (the snippet)
    is not one of the `avoid` sentences (earlier results' snippets) when any shown source has another: a matching
    sentence, else a source's own sentence. With `define` (the names of a term asked "what is"), a sentence saying
    what it is comes first. Only the sources and passages shown are read."""
    candidates: dict[int, list[tuple[int, int]]] = {}  # source number to its (score, passage number), best first
    for i, base in sorted(passage_scores(postings, stems).items()):
        source = view.passage_source[i]
        context = view.context(i)
        if source == NO_SOURCE or context in _NEVER_QUOTED:
            continue
        candidates.setdefault(source, []).append((base + _CONTEXT_BONUS.get(context, 0), i))
    if define:
        _prefer_definitions(view, candidates, define)
    for found in candidates.values():
        found.sort(key=lambda c: (-c[0], c[1]))
    # Every scored passage holds a query word (score >= 3), so the scored sources lead, best first (ties in
    # source order), and the others follow in source order.
    order = sorted(candidates, key=lambda n: (-candidates[n][0][0], n))[:limit]
    if len(order) < limit:
        order += islice((n for n in range(view.source_count) if n not in candidates), limit - len(order))
    picked: dict[int, dict[str, Any]] = {}
    for rank, n in enumerate(order):
        if n in candidates:
            tries = candidates[n][:_SNIPPET_TRIES if rank == 0 else _QUOTE_TRIES]
            passages = [view.passage(i) for _, i in tries]
            # A question ("Can I use my health insurance?") asks what the next sentence answers: quote an answer.
            picked[n] = _pick(passages, avoid if rank == 0 else frozenset()) or passages[0]
    sources = {n: view.source(n) for n in order}
    for n, p in picked.items():
        own = sources[n].get("sentence") or ""
        if _is_fragment(p["sentence"]) and own and not _is_fragment(own) and own not in avoid:
            continue  # a bare label ("Achilles tendinopathy") says less than the source's own sentence
        sources[n].update(section=p["section"], sentence=p["sentence"])
        if "anchor" in p:
            sources[n]["anchor"] = p["anchor"]
    first = sources[order[0]]["sentence"] if order else ""
    if first in avoid or _is_fragment(first):
        # Earlier results already show this sentence, or it is a bare list item: another shown source's sentence
        # (one holding a query word first) says something new.
        fresh = [n for n in order[1:] if sources[n]["sentence"] not in avoid]
        full = next((n for n in fresh if not _is_fragment(sources[n]["sentence"])), None)
        swap = full if full is not None or first not in avoid else next(iter(fresh), None)
        if swap is not None:
            order.remove(swap)
            order.insert(0, swap)
    return [sources[n] for n in order]
