"""Article + vocabulary to mentions and relations: vocabulary matching read together with document structure."""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from ingest.clinic_facts import clinic_facts
from ingest.items import (
    MAX_DISCOVERED_WORDS,
    coordinated_parts,
    display_name,
    eased_condition,
    loose_match,
    outcome_name,
    prefix_match,
    reads_as_name,
    strip_item,
    worth_review,
)
from ingest.language import content_words, in_language, language_of
from ingest.sentences import split_sentences, verb_objects
from ingest.short_pages import MIN_CONTENT_WORDS, readable_content
from kb.cues import Cues, load_cues
from kb.model import Article, Block, Extraction, Mention, Section
from kb.vocabulary import Match, Term, Vocabulary, fold

Context = Literal["heading", "list", "prose", "title", "context"]
_CONTEXT_LISTS = {"condition": "condition_context", "benefit": "benefit_context", "technique": "technique_context",
                  "caution": "caution_context"}
_DISCOVERABLE = ("condition", "benefit", "technique")  # kinds an unknown list item or heading may be, in order
_ENUMERATION = re.compile(r"(?:,?\s+(?:such as|including|like)\s*:?|:)\s+", re.IGNORECASE)
_ENUMERATION_SPLIT = re.compile(r"\s*[,;]\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
MAX_UNNAMED_SENTENCES = 60
MIN_LIST_ITEMS = 3
_BODY_NAME = re.compile(r"\s+(?:Association|Society|Institute|College|Federation|Council|Board|Academy)\b")
_QUOTES = str.maketrans({'"': " ", "\u201c": " ", "\u201d": " "})
_PREPOSITION = re.compile(r"\b(?:of|in|on|to|from|around|after|during|with|for)\b", re.IGNORECASE)
_LEAD_SPLIT = re.compile(r"\s+[–—-]\s+|:\s|\s\(")
MAX_REVIEW_WORDS = 2 * MAX_DISCOVERED_WORDS  # longer, an item is a sentence, not a phrase a clinic could name
MAX_REVIEW_PHRASES = 100  # per article: a page of prose read as a list must not flood the report


def contexts_of(text: str, cues: Cues) -> frozenset[str]:
    """Which kinds of list a heading or lead-in introduces (condition, benefit, technique; caution: warnings,
    exclusions, referrals, billing)."""
    kinds = frozenset(kind for kind, name in _CONTEXT_LISTS.items() if cues.pattern(name).search(text))
    return kinds - {"condition"} if "condition" in kinds and cues.pattern("cause_context").search(text) else kinds


class _Extractor:
    def __init__(self, article: Article, vocab: Vocabulary, cues: Cues):
        self.article, self.vocab, self.cues = article, vocab, cues
        self.mentions: list[Mention] = []
        self.unnamed: list[tuple[str, str]] = []  # sentences that name no term: context for the article's topics
        self.relations: list[tuple[str, str, str]] = []
        self.cautions: list[tuple[str, str, list[str]]] = []
        self.to_review: list[tuple[str, str, str, str]] = []  # (kind, phrase, section, sentence): not read as names
        self.treat = cues.pattern("treatment_verbs")
        self.warns = cues.pattern("caution_sentence")
        self.speaks_of_conditions = cues.pattern("condition_context")
        self.outcome_verbs = cues.words("outcome_verbs")
        self.causes = cues.pattern("cause_context")
        self.page_words = cues.words("not_name_words") | cues.words("not_name_starts")
        self._found: dict[tuple[str, frozenset[str]], list[Match]] = {}
        self._contexts: dict[str, frozenset[str]] = {}

    def find(self, text: str, contexts: frozenset[str] = frozenset()) -> list[Match]:
        """The matcher's finds, memoised per article (evidence look-ups read the same sentences again)."""
        key = (text, contexts)
        if key not in self._found:
            # "Sports Massage Association" names a professional body, not a technique the page offers.
            # Quotation marks around a word ('muscle "knots"') do not part a name; same length keeps the offsets.
            bare = text.translate(_QUOTES)
            self._found[key] = [m for m in self.vocab.matcher.find(bare, contexts)
                                if not _BODY_NAME.match(text, m.end)]
        return list(self._found[key])

    def contexts(self, text: str) -> frozenset[str]:
        """`contexts_of` a heading or lead-in, memoised per article (a list's lead-in is read for each item)."""
        if text not in self._contexts:
            self._contexts[text] = contexts_of(text, self.cues)
        return self._contexts[text]

    def add(self, matches: list[Match], section: str, sentence: str, context: Context) -> list[Term]:
        terms = []
        for m in matches:
            self.mentions.append(Mention(m.term.kind, m.term.name, section, sentence, context))  # type: ignore[arg-type]
            terms.append(m.term)
            eased = eased_condition(m.term, self.vocab)
            if eased is not None:  # "reduces anxiety": a benefit that eases a condition says the condition is helped
                self.mentions.append(Mention("condition", eased.name, section, sentence, context))
        return terms

    def run(self) -> Extraction:
        art = self.article
        find = self.find
        if "caution" in self.contexts(art.title):  # "Contraindications to massage": the title names no topic
            self.caution(art.title, art.title)
            title_terms = []
        else:
            title_terms = self.add(find(art.title), art.title, art.title, "title")
        primary = [t for t in title_terms if t.kind == "technique"] or self._most_named_techniques()
        parents: list[tuple[int, frozenset[str]]] = []  # the headings above the current one, by level
        for section in art.sections:
            while parents and parents[-1][0] >= section.level:
                parents.pop()
            inherited = frozenset().union(*(c for _, c in parents))
            self._section(section, primary, find, inherited)
            parents.append((section.level, self.contexts(section.heading)))
        self._attach_unnamed(title_terms)
        return Extraction(
            article_id=art.article_id, path=art.path, title=art.title, url=art.url,
            clinic=None, published=art.published, updated=art.updated,
            mentions=self.mentions, relations=list(dict.fromkeys(self.relations)), cautions=self.cautions,
            to_review=list(dict.fromkeys(self.to_review))[:MAX_REVIEW_PHRASES],
        )

    def _attach_unnamed(self, title_terms: list[Term]) -> None:
        """Sentences naming no term ('No referral is needed') still answer questions about the article's topics:
        keep them as context passages of the terms its title names (else of its most-named condition or technique)."""
        topics = [t for t in title_terms if t.kind in ("condition", "technique")]
        if not topics:
            counts = Counter(m.name for m in self.mentions if m.kind in ("condition", "technique") and not m.discovered)
            named = {m.name: m.kind for m in self.mentions}
            topics = [Term(named[n], n) for n, _ in counts.most_common(1)]
        for heading, sentence in self.unnamed[:MAX_UNNAMED_SENTENCES]:
            for term in dict.fromkeys(topics):
                self.mentions.append(Mention(term.kind, term.name, heading, sentence, "context"))  # type: ignore[arg-type]

    def _most_named_techniques(self) -> list[Term]:
        counts: Counter[Term] = Counter()
        for section in self.article.sections:
            for block in section.blocks:
                counts.update(m.term for m in self.find(block.text) if m.term.kind == "technique")
        return [counts.most_common(1)[0][0]] if counts else []

    def _section(self, section: Section, primary: list[Term], find, inherited: frozenset[str]) -> None:
        heading = section.heading
        contexts = self.contexts(heading)
        heading_terms = []
        if heading != self.article.title:
            if "caution" in contexts or "caution" in inherited:
                self.caution(heading, heading)
            else:
                heading_terms = self.add(find(heading, contexts), heading, heading, "heading")
                heading_terms += self._verb_benefits(heading, heading, heading_terms)
                if not heading_terms and not contexts:
                    self._discovered_heading(heading, inherited)
        if "caution" in contexts or "caution" in inherited:
            for block in section.blocks:
                sentences = [block.text] if block.kind == "item" else split_sentences(block.text)
                for sentence in sentences:
                    self.caution(heading, sentence)
            return
        heading_techniques = [t for t in heading_terms if t.kind == "technique"] or primary
        if len([t for t in heading_terms if t.kind == "technique"]) >= 2 and self.cues.pattern(
            "comparison_words"
        ).search(heading):
            self._compare(heading_terms, heading)
        for kind in ("benefit", "condition"):
            for term in (t for t in heading_terms if t.kind == kind):
                for tech in heading_techniques:
                    if tech is not term:
                        self.relations.append((tech.id, term.id, self._evidence(section, tech, heading)))
        lead_in = ""
        list_kinds = self._list_kinds(section.blocks)
        for block in section.blocks:
            if block.kind == "item" and block.text.rstrip().endswith(":") and self.contexts(block.text):
                lead_in = block.text  # "We specialise in the treatment of:" written as the list's first item
                continue
            if block.kind == "item":
                # Nearest first: the item's own heading, the sentence leading into the list, what most of the
                # list's items name, the headings above.
                nearness = [contexts, self.contexts(lead_in), list_kinds.get(block.list_id, frozenset()), inherited]
                if self.causes.search(lead_in):  # "caused by events such as:": what follows is no condition treated
                    nearness = [n - {"condition"} for n in nearness]
                lead_techniques = [m.term for m in find(lead_in) if m.term.kind == "technique"]
                self._item(block, heading, nearness, lead_techniques or heading_techniques)
            else:
                sentences = split_sentences(block.text)
                lead_in = sentences[-1] if sentences else block.text  # the sentence that leads into a list
                for sentence in sentences:
                    self._sentence(sentence, heading, contexts, heading_techniques)

    def _list_kinds(self, blocks: list[Block]) -> dict[int | None, frozenset[str]]:
        """The kinds most items of a list name (at least half of three or more): a list of conditions is one even
        without a heading saying so, and its unknown items are read as conditions too."""
        by_list: dict[int | None, list[str]] = {}
        for block in blocks:
            if block.kind == "item" and not block.text.rstrip().endswith(":"):
                by_list.setdefault(block.list_id, []).append(block.text)
        out: dict[int | None, frozenset[str]] = {}
        for list_id, texts in by_list.items():
            if len(texts) < MIN_LIST_ITEMS or list_id is None:
                continue
            named = [{m.term.kind for m in self.find(strip_item(t, self.cues))} for t in texts]
            out[list_id] = frozenset(k for k in _DISCOVERABLE if 2 * sum(k in n for n in named) >= len(texts))
        return out

    def _enumeration(self, sentence: str, heading: str, contexts: frozenset[str], techniques: list[Term]) -> None:
        """"techniques such as: Deep tissue, Neuromuscular, Hot stone": an inline list after a lead-in naming a kind
        is read item by item, as a list would be."""
        m = _ENUMERATION.search(sentence)
        if m is not None:
            lead, rest = sentence[: m.start()], sentence[m.end():].rstrip(" .;!")
        elif (m := self.speaks_of_conditions.search(sentence)) is not None:
            lead, rest = sentence[: m.end()], sentence[m.end():].rstrip(" .;!")  # "for treating pain, migraines, …"
        else:
            return
        near = self.contexts(lead) - {"caution"}
        parts = [p.strip() for p in _ENUMERATION_SPLIT.split(rest) if p.strip()]
        if not near or len(parts) < 3:
            return
        for part in parts:
            if len(part.split()) <= MAX_DISCOVERED_WORDS:  # known terms only: a sentence's list is no name list
                self._item(Block("item", part), heading, [near, contexts, frozenset()], techniques, sentence,
                           discover=False)

    def _discovered_heading(self, heading: str, inherited: frozenset[str]) -> None:
        """'Frozen shoulder' as an h3 under 'Conditions we treat': a heading naming no known term, under a heading that
        introduces a kind, names one of that kind."""
        kind = next((k for k in _DISCOVERABLE if k in inherited), None)
        name = heading.strip().rstrip(".;:,!")
        if kind and reads_as_name(name, self.cues, kind):
            self.mentions.append(Mention(kind, display_name(name, self.cues, kind), heading, heading, "heading",  # type: ignore[arg-type]
                                         discovered=True))
        elif kind:
            self._review(kind, name, heading, heading)

    def _review(self, kind: str, phrase: str, section: str, sentence: str) -> None:
        """An unknown phrase in a context of `kind` that does not read as a name: never an entry, kept for the
        ingest report so the clinic can review it (and add it to the vocabulary if it is one)."""
        phrase = " ".join(phrase.split())
        if len(phrase.split()) <= MAX_REVIEW_WORDS and worth_review(phrase, self.cues):
            self.to_review.append((kind, phrase, section, sentence))

    def caution(self, heading: str, sentence: str) -> None:
        """A warning, exclusion, referral or billing sentence: kept as a caution with the conditions it names, and
        never a mention ('gout' under 'When not to have a massage' is not a condition the clinic treats)."""
        names = [m.term.name for m in self.find(strip_item(sentence, self.cues), frozenset({"condition"}))
                 if m.term.kind == "condition"]
        self.cautions.append((heading, sentence, list(dict.fromkeys(names))))

    def _compare(self, terms: list[Term], heading: str) -> None:
        """'Deep tissue vs Swedish': each pair of techniques a comparison heading names is related by it."""
        techniques = [t for t in terms if t.kind == "technique"]
        for i, a in enumerate(techniques):
            for b in techniques[i + 1 :]:
                self.relations.append((a.id, b.id, heading))

    def _evidence(self, section: Section, technique: Term, fallback: str) -> str:
        """The first sentence of a section that names the technique, else the heading."""
        for block in section.blocks:
            for sentence in split_sentences(block.text):
                if any(m.term is technique for m in self.find(sentence)):
                    return sentence
        return fallback

    def _sentence(self, sentence: str, heading: str, contexts: frozenset[str], techniques: list[Term]) -> None:
        if self.warns.search(sentence):  # "see a doctor before booking if you have a severe sudden headache"
            self.caution(heading, sentence)
            return
        terms = self.add(self.find(sentence, contexts), heading, sentence, "prose")
        terms += self._verb_benefits(sentence, heading, terms)
        self._enumeration(sentence, heading, contexts, techniques)
        if not terms:
            self.unnamed.append((heading, sentence))
        named = [t for t in terms if t.kind == "technique"]
        if not named or not self.treat.search(sentence):
            return
        for term in terms:
            if term.kind in {"condition", "benefit"}:
                for tech in named:
                    self.relations.append((tech.id, term.id, sentence))

    def _verb_benefits(self, sentence: str, heading: str, terms: list[Term]) -> list[Term]:
        """Benefits said as a verb with several objects or a determiner ("relieve the pain and inflammation",
        "reduce pain, muscle tension and improve mobility"): each object read with its verb."""
        known = set(terms)
        found = []
        for phrase in verb_objects(sentence, self.outcome_verbs):
            for m in self.find(phrase):
                if m.term.kind == "benefit" and m.term not in known:
                    known.add(m.term)
                    found.append(m)
        return self.add(found, heading, sentence, "prose")

    def _item(self, block: Block, heading: str, nearness: list[frozenset[str]], techniques: list[Term],
              evidence: str | None = None, discover: bool = True) -> None:
        contexts = frozenset().union(*nearness)
        if "caution" in contexts or self.warns.search(block.text):  # a list led in by "please don't book if you have:"
            self.caution(heading, block.text)
            return
        text = strip_item(block.text, self.cues)
        whole = block.text.strip().rstrip(".;:,!")
        if text != whole and any(m.start == 0 and m.term.kind == "condition" for m in self.find(whole, contexts)):
            text = whole  # "Chronic fatigue syndrome" is a name, not "chronic" before one
        matches = self.find(text, contexts)
        nearest = next((k for ctx in nearness for k in _DISCOVERABLE if k in ctx), None)
        if discover and evidence is None and nearest != "benefit":  # "Improves skin tone and texture" is one
            parts = coordinated_parts(text, matches, self.cues)
            if len(parts) > 1:  # "Migraines and headaches", "Tinnitus and deafness": each part is an item
                for part in parts:
                    self._item(Block("item", part, block.list_id), heading, nearness, techniques, block.text)
                return
        if not any(m.term.kind == "benefit" for m in matches):  # "Improves Qi & Blood Circulation"
            matches += [Match(m.term, 0, len(text), "verb") for phrase in verb_objects(text, self.outcome_verbs)
                        for m in self.find(phrase) if m.term.kind == "benefit"]
        kinds_found = {m.term.kind for m in matches}
        for kind in contexts & {"condition", "benefit", "technique"}:
            if kind in kinds_found:
                continue
            phrases = self.vocab.phrases_by_kind.get(kind, [])
            term = loose_match(text, phrases)
            if term is None and kind == "technique" and not kinds_found and not set(fold(text).split()) <= \
                    self.page_words:  # "Hot stone" in a list of techniques, not "Home" in a breadcrumb
                term = prefix_match(text, phrases)
            if term is not None:
                matches.append(Match(term, 0, len(text), "loose"))
                kinds_found.add(kind)
        terms = self.add(matches, heading, evidence or block.text, "list")
        for term in terms:
            if term.kind in contexts & {"condition", "benefit"}:
                for tech in techniques:
                    self.relations.append((tech.id, term.id, block.text))
        heads = self.cues.words("technique_heads")
        words = fold(text).split()
        if discover and "technique" not in kinds_found and len(words) >= 2 and words[-1] in heads and \
                reads_as_name(text, self.cues, "technique") and not _PREPOSITION.search(text):
            # "Bunion treatment", "Neurological assessment", "Hard skin removal": a service, whatever it names
            self.mentions.append(Mention("technique", display_name(text), heading, evidence or block.text,
                                         "list", discovered=True))
            return
        if discover and nearest == "benefit" and "benefit" not in kinds_found and \
                (outcome := outcome_name(text, self.cues)) is not None and reads_as_name(outcome, self.cues, "benefit"):
            # "Relieve chronic muscle pain" under "Benefits": an outcome, whatever condition it names
            self.mentions.append(Mention("benefit", outcome, heading, evidence or block.text, "list", discovered=True))
            return
        if kinds_found or not discover:
            return
        # "<strong>A smoother golf swing.</strong> Yes, really…" or "Hockey hip – the deep groin soreness…":
        # the item's lead words name it.
        sentences = split_sentences(text)
        lead = _LEAD_SPLIT.split(sentences[0] if sentences else text)[0].strip().rstrip(".;:,!")
        # An unknown item counts once, as the kind its nearest context names.
        found = nearest
        if found is not None and reads_as_name(lead, self.cues, found):
            self.mentions.append(Mention(found, display_name(lead, self.cues, found), heading, evidence or block.text,  # type: ignore[arg-type]
                                         "list", discovered=True))
        elif found is not None:
            self._review(found, lead, heading, evidence or block.text)


def extract(article: Article, vocab: Vocabulary, cues: Cues | None = None) -> Extraction:
    """Mentions, relations and clinic facts of one article (pure)."""
    cues = cues or load_cues()
    language = language_of(article, cues)
    read_cues = in_language(cues, language)
    content = None
    if vocab.reads(language):
        content = article if content_words(article) >= MIN_CONTENT_WORDS else readable_content(article, read_cues)
    if content is not None:
        # A page in another language is read with its language's names of the curated terms and cue words, and
        # English (pages mix them); entries keep their English names.
        result = _Extractor(content, vocab.reading(language), read_cues).run()
        if language != "en":  # what reads as a name is told by English words: elsewhere only known terms count
            result.mentions = [m for m in result.mentions if not m.discovered]
            result.to_review = []
    else:
        # No names in the page's language, and a few words left after the page furniture are more often a menu
        # than content: the page is kept for its contact facts, its words name nothing.
        result = Extraction(article_id=article.article_id, path=article.path, title=article.title, url=article.url,
                            clinic=None, published=article.published, updated=article.updated)
    result.language = language
    facts = clinic_facts(article)
    result.clinic = facts["name"] if facts else None  # None too for a page giving contacts but no clinic name
    result.clinic_facts = facts
    if facts:
        result.clinic_evidence = _clinic_evidence(article, facts)
    return result


def _clinic_evidence(article: Article, facts: dict) -> list[str] | None:
    """The main-content sentence that names the clinic (or, failing that, gives its phone or address)."""
    needles = [facts["name"].lower()] if facts["name"] else []
    needles += [a["value"].lower()[:20] for a in facts.get("addresses", [])]
    for section in article.sections:
        for block in section.blocks:
            if any(n in block.text.lower() for n in needles):
                for sentence in split_sentences(block.text):
                    if any(n in sentence.lower() for n in needles):
                        return [section.heading, sentence]
    return None
