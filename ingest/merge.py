"""Per-article extractions to knowledge-base entries: one entry per kind and canonical name, with sources."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ingest.clinic_facts import same_value
from kb.cues import load_cues
from kb.model import Caution, Entry, Extraction, Mention, Passage, Relation, Source, display_phone, entry_id
from kb.vocabulary import Vocabulary, phrase_key

MAX_PASSAGES_PER_ARTICLE = 20  # sentences that name the entry, per article
MAX_CONTEXT_PER_ARTICLE = 60  # sentences of an article about the entry that name nothing (FAQ answers, prices)
_CONTEXT_RANK = {"prose": 0, "list": 1, "heading": 2, "title": 3, "context": 4}


def _passage_rank(mention: Mention, treat: re.Pattern[str]) -> tuple[int, int, int]:
    """Prose that states treatment first, then prose, then list items, headings, titles; long before short."""
    words = len(mention.sentence.split())
    return (_CONTEXT_RANK[mention.context], 0 if treat.search(mention.sentence) else 1, -min(words, 40))


def _source(ex: Extraction, section: str, sentence: str) -> Source:
    return Source(ex.article_id, ex.title, ex.path, ex.url, ex.clinic, section, sentence)


def _summary(entry: Entry, names: list[str]) -> str:
    """The passage that defines the entry ('X is …') when an article has one, else its best passage."""
    lowered = [n.lower() for n in names]
    for p in entry.passages:
        s = p.sentence.lower()
        if p.context == "prose" and any(s.startswith(n) or s.startswith("a " + n) for n in lowered) and " is " in s:
            return p.sentence
    prose = [p.sentence for p in entry.passages if p.context == "prose"]
    others = [p.sentence for p in entry.passages if p.context != "caution"]
    return prose[0] if prose else (others[0] if others else "")


def _discovered_names(extractions: list[Extraction]) -> dict[tuple[str, tuple[str, ...]], str]:
    """Each discovered name by kind and folded words, as first seen: "Kidney stones" and "Kidney stone" on two
    pages are one entry."""
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    for ex in sorted(extractions, key=lambda e: e.path):
        for m in ex.mentions:
            if m.discovered:
                names.setdefault((m.kind, phrase_key(m.name)), m.name)
    return names


def merge(extractions: list[Extraction], vocab: Vocabulary) -> list[Entry]:
    """Merge every article's extraction into entries (pure); ordering is stable for stable input."""
    treat = load_cues().pattern("treatment_verbs")
    entries: dict[str, Entry] = {}
    by_article: dict[str, Extraction] = {ex.article_id: ex for ex in extractions}
    # One seen-set per entry, kept across articles: rebuilding them per article made merging quadratic.
    seen_sentences: dict[str, set[str]] = defaultdict(set)
    linked: Linked = defaultdict(set)
    discovered_names = _discovered_names(extractions)
    for ex in sorted(extractions, key=lambda e: e.path):
        grouped: dict[str, list[Mention]] = defaultdict(list)
        for m in ex.mentions:
            name = discovered_names.get((m.kind, phrase_key(m.name)), m.name) if m.discovered else m.name
            grouped[entry_id(m.kind, name)].append(m)
        for eid, mentions in grouped.items():
            first = mentions[0]
            entry = entries.get(eid) or entries.setdefault(eid, _new_entry(eid, first, vocab))
            ranked = sorted(mentions, key=lambda m: _passage_rank(m, treat))
            best = ranked[0]
            entry.sources.append(_source(ex, best.section, best.sentence))
            seen = seen_sentences[eid]
            named = [m for m in ranked if m.context != "context"][:MAX_PASSAGES_PER_ARTICLE]
            unnamed = [m for m in mentions if m.context == "context"][:MAX_CONTEXT_PER_ARTICLE]
            for m in named + unnamed:
                if m.sentence not in seen:
                    seen.add(m.sentence)
                    entry.passages.append(Passage(ex.article_id, m.section, m.sentence, m.context))
    _relate(entries, extractions, linked)
    _clinics(entries, extractions, linked)
    for entry in entries.values():
        term = vocab.by_id.get(entry.id)
        entry.summary = _summary(entry, [entry.name, *(term.aliases if term else ())])
        entry.related.sort(key=lambda r: (r.kind, r.name, by_article[r.article_id].path))
    return sorted(entries.values(), key=lambda e: e.id)


def _new_entry(eid: str, mention: Mention, vocab: Vocabulary) -> Entry:
    term = vocab.by_id.get(eid)
    if term is None:
        return Entry(id=eid, kind=mention.kind, name=mention.name, discovered=mention.discovered)
    icd = {"code": term.icd10, "title": term.icd10_title or ""} if term.icd10 else None
    return Entry(
        id=eid, kind=mention.kind, name=term.name, aliases=[*term.aliases, *term.acronyms],
        body_region=list(term.body_region), icd10=icd, category=term.category,
    )


Linked = dict[str, set[tuple[str, str]]]  # entry id to the (related id, article id) pairs it already has


def _link(entries: dict[str, Entry], linked: Linked, a: str, b: str, article_id: str, sentence: str) -> None:
    if a not in entries or b not in entries or a == b:
        return
    for x, y in ((a, b), (b, a)):
        if (y, article_id) not in linked[x]:
            linked[x].add((y, article_id))
            target = entries[y]
            entries[x].related.append(Relation(y, target.kind, target.name, article_id, sentence))


def _relate(entries: dict[str, Entry], extractions: list[Extraction], linked: Linked) -> None:
    for ex in extractions:
        for a, b, sentence in ex.relations:
            _link(entries, linked, a, b, ex.article_id, sentence)


def _treated_in(entries: dict[str, Entry], ex: Extraction) -> dict[str, str]:
    """Conditions and techniques an article presents as treated or offered, with the sentence that says so."""
    out: dict[str, str] = {}
    for a, b, sentence in ex.relations:
        for eid in (a, b):
            if eid in entries and entries[eid].kind in {"condition", "technique"}:
                out.setdefault(eid, sentence)
    for m in ex.mentions:
        eid = entry_id(m.kind, m.name)
        if m.kind == "condition" and m.context == "list" and not m.discovered:
            out.setdefault(eid, m.sentence)
    return out


def _clinics(entries: dict[str, Entry], extractions: list[Extraction], linked: Linked) -> None:
    ordered = sorted(extractions, key=lambda e: e.path)
    named = [ex for ex in ordered if ex.clinic_facts and ex.clinic_facts["name"]]
    unnamed = [ex for ex in ordered if ex.clinic_facts and not ex.clinic_facts["name"]]
    for ex in named + unnamed:  # pages that name no clinic join the clinic whose contacts they share
        facts = ex.clinic_facts
        assert facts is not None
        name = facts["name"] or _owner(entries, facts) or _unnamed_clinic(facts)
        eid = entry_id("clinic", name)
        entry = entries.setdefault(eid, Entry(id=eid, kind="clinic", name=name, contact=_empty_contact()))
        assert entry.contact is not None
        for field in ("names", "addresses", "phones", "emails", "hours", "websites"):
            _merge_values(entry.contact[field], facts.get(field, []), ex.article_id)
        sentence = _contact_sentence(ex, facts)
        entry.sources.append(_source(ex, sentence[0], sentence[1]))
        if sentence[1]:
            entry.passages.append(Passage(ex.article_id, sentence[0], sentence[1], "prose"))
        for eid_treated, evidence in _treated_in(entries, ex).items():
            _link(entries, linked, eid_treated, eid, ex.article_id, evidence)
        _add_cautions(entry, ex)


def _add_cautions(clinic: Entry, ex: Extraction) -> None:
    """The article's warnings, exclusions and billing sentences, kept on its clinic's entry: quoted as cautions and
    searchable ("massage with a fever"), never a source of the conditions they name."""
    known = {c.sentence for c in clinic.cautions}
    for section, sentence, names in ex.cautions:
        if sentence not in known:
            known.add(sentence)
            clinic.cautions.append(Caution(ex.article_id, ex.title, ex.path, ex.url, section, sentence, list(names)))
            clinic.passages.append(Passage(ex.article_id, section, sentence, "caution"))


def _owner(entries: dict[str, Entry], facts: dict[str, Any]) -> str | None:
    """The name of the one clinic already known with a phone, email or address of `facts` (a contact page or a footer
    include that names no clinic belongs to it), else None."""
    owners = {e.name for e in entries.values() if e.kind == "clinic" and e.contact
              and any(same_value(a["value"], b["value"]) for f in ("phones", "emails", "addresses")
                      for a in facts.get(f, []) for b in e.contact[f])}
    return owners.pop() if len(owners) == 1 else None


def _unnamed_clinic(facts: dict[str, Any]) -> str:
    """A name for contacts no page names a clinic for: where it is, else how to reach it (said plainly, so the
    front desk sees that no page gave a name)."""
    for field, label in (("addresses", "Clinic at"), ("phones", "Clinic with phone"), ("emails", "Clinic at")):
        if facts.get(field):
            value = facts[field][0]["value"]
            return f"{label} {display_phone(value) if field == 'phones' else value}"
    return "Unnamed clinic"


def _empty_contact() -> dict[str, Any]:
    return {"names": [], "addresses": [], "phones": [], "emails": [], "hours": [], "websites": []}


def _merge_values(into: list[dict[str, Any]], values: list[dict[str, Any]], article_id: str) -> None:
    for item in values:
        found = next((v for v in into if same_value(v["value"], item["value"])), None)
        if found is None:
            into.append({"value": item["value"], "origins": list(item["origins"]), "article_ids": [article_id]})
        else:
            found["origins"] = list(dict.fromkeys([*found["origins"], *item["origins"]]))
            found["article_ids"] = list(dict.fromkeys([*found["article_ids"], article_id]))


def _contact_sentence(ex: Extraction, facts: dict[str, Any]) -> tuple[str, str]:
    """(section, sentence) of the article's main content that names the clinic, if any."""
    if ex.clinic_evidence:
        return ex.clinic_evidence[0], ex.clinic_evidence[1]
    return ex.title, ""
