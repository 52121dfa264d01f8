"""Answer cards: what the articles say of the condition, technique or clinic a query names; quoted, never composed."""

from __future__ import annotations

import re
from collections import Counter
from itertools import islice
from typing import Any

from index.analysis import analyse, stemming_analyzer
from index.desk_facts import labels, sentence_topics
from index.entry_view import EntryView
from index.query import ParsedQuery
from index.reader import Snapshot
from kb.model import display_phone, entry_id

MAX_LISTED = 3  # clinics to call under an answer (the entry page lists them all)
_SEGMENTS = re.compile(r"\s+[·|•]\s+")  # a footer's or a banner's separators: each segment says one thing
MAX_FACT_NAMES = 3  # names listed under an answer's quote: a short line, not a paragraph
FACT_RESULTS = 5  # results whose best sentence may answer a front-desk question


def _names(entry: dict[str, Any], kind: str) -> list[str]:
    return list(dict.fromkeys(r["name"] for r in entry.get("related", []) if r["kind"] == kind))


def _phone(contact: dict[str, Any] | None) -> str | None:
    phones = (contact or {}).get("phones") or []
    return phones[0]["value"] if phones else None


def _display(e164: str | None) -> str | None:
    return display_phone(e164) if e164 else None


def clinic_summary(entry: dict[str, Any]) -> dict[str, Any]:
    """Name, first phone, address and hours of a clinic entry."""
    contact = entry.get("contact") or {}

    def first(field: str) -> str | None:
        values = contact.get(field) or []
        return values[0]["value"] if values else None

    phone = _phone(contact)
    # The page's own wording of the hours first ("Mon–Thu 7am–7pm"), structured data's only when it is all there is.
    hours = sorted(contact.get("hours") or [], key=lambda h: "json-ld" in h.get("origins", []))
    return {"id": entry["id"], "name": entry["name"], "phone": phone, "phone_display": _display(phone),
            "address": first("addresses"),
            "email": first("emails"), "hours": [h["value"] for h in hours][:2]}


def _listing(label: str, names: list[str]) -> str:
    if not names:
        return ""
    more = f" and {len(names) - MAX_FACT_NAMES} more" if len(names) > MAX_FACT_NAMES else ""
    return f" {label}: {', '.join(names[:MAX_FACT_NAMES])}{more}."


def _first_sources(view: EntryView, n: int) -> list[dict[str, Any]]:
    return [view.source(i) for i in range(min(n, view.source_count))]


def _clinic_answer(view: EntryView, topic: dict[str, Any] | None) -> dict[str, Any]:
    """A clinic's contacts; with a topic ("plantar fasciitis phone"), what this clinic's articles say of it."""
    entry = view.head
    info = clinic_summary(entry)
    parts = [entry["name"]]
    if info["phone"]:
        parts.append(f"phone {info['phone_display']}")
    if info["address"]:
        parts.append(f"address {info['address']}")
    if info["hours"]:
        parts.append("hours " + "; ".join(info["hours"]))
    text = " — ".join(parts) + "."
    quote = None
    sources = _first_sources(view, 3)
    if topic is not None:
        own = [s for s in topic.get("sources", []) if s.get("clinic") == entry["name"]]
        # The clinic's article about the topic quotes it best.
        own.sort(key=lambda s: topic["name"].lower() not in s["title"].lower())
        if own:
            text += f" Its articles discuss {topic['name']}."
            quote = own[0]
            sources = own
    answer: dict[str, Any] = {
        "entry_id": entry["id"], "kind": "clinic", "text": text,
        "quote": {k: quote[k] for k in ("sentence", "title", "path", "url")} if quote else None,
        "clinics": [info], "sources": sources}
    if quote and topic is not None:
        answer["topic"] = {"id": topic["id"], "name": topic["name"], "kind": topic["kind"]}
    return answer


def _topic_answer(view: EntryView, top: dict[str, Any], snap: Snapshot) -> dict[str, Any]:
    entry = view.head
    text = ""  # facts under the quote, short; the quote itself answers
    if entry["kind"] == "condition":
        text += _listing("Techniques the articles name for it", _names(entry, "technique"))
    elif entry["kind"] == "technique":
        text += _listing("Conditions the articles name it for", _names(entry, "condition"))
        text += _listing("Benefits they list", _names(entry, "benefit"))
    else:
        text += _listing("Techniques the articles link it to", _names(entry, "technique"))
    # The clinics with the most articles on this topic, first; only those listed are read (a popular technique
    # is related to hundreds of clinics; the entry page lists them all).
    related = {r["id"]: r["name"] for r in entry.get("related", []) if r["kind"] == "clinic"}
    ranked = sorted(related, key=lambda rid: -view.clinic_articles.get(related[rid], 0))
    clinics = list(islice((clinic_summary(c.head) for rid in ranked if (c := snap.view(rid)) is not None),
                          MAX_LISTED))
    sources = top.get("sources") or _first_sources(view, 5)
    quote = sources[0] if sources else None
    return {"entry_id": entry["id"], "kind": entry["kind"], "text": text.strip(),
            "quote": {"sentence": quote["sentence"], "title": quote["title"], "path": quote["path"],
                      "url": quote["url"]} if quote else None,
            "clinics": clinics, "sources": sources}


def _main_clinic(view: EntryView | None) -> str | None:
    """The id of the clinic whose articles discuss this entry most."""
    if view is None:
        return None
    clinics = {r["name"]: r["id"] for r in view.head.get("related", []) if r["kind"] == "clinic"}
    ranked = [name for name, _ in Counter(view.clinic_articles).most_common() if name in clinics]
    return clinics[ranked[0]] if ranked else None


def _clinic_named(snap: Snapshot, name: str | None) -> dict[str, Any] | None:
    """The contacts of the clinic entry of this name, or None."""
    view = snap.view(entry_id("clinic", name)) if name else None
    return clinic_summary(view.head) if view is not None else None


def _about(result: dict[str, Any], parsed: ParsedQuery) -> bool:
    """Whether a result is about every vocabulary term the query names (it is the term, or names it)."""
    return all(result["id"] == t.id or t.name in result["facets"].get(t.kind, ()) for t in parsed.terms)


def _says_topic(result: dict[str, Any], sentence: str, parsed: ParsedQuery) -> bool:
    """Whether a fact sentence is about what the query names: its result is the named term, or the sentence (with
    its result's name, an article's title) holds the words the patient typed for it (a back-pain page's session
    count is no answer about neuromuscular massage; "$70 for 60 minutes" on "Pregnancy Massage" is one for massage)."""
    said = set(analyse(stemming_analyzer(), f"{result.get('name', '')} {sentence}"))
    return all(result["id"] in {t.id for t in g.terms} or set(analyse(stemming_analyzer(), g.text)) <= said
               for g in parsed.groups if g.terms)


def _stating_part(sentence: str, topic: str) -> str:
    """Of a line of segments ("Clinic · Mon–Fri 9–5 · Read our blog"), the segments that state the fact, verbatim;
    a sentence otherwise."""
    parts = _SEGMENTS.split(sentence)
    stating = [p for p in parts if topic in sentence_topics(p)]
    return " · ".join(stating) if len(parts) > 1 and stating else sentence


def _fact_answer(parsed: ParsedQuery, results: list[dict[str, Any]], snap: Snapshot) -> dict[str, Any] | None:
    """A front-desk question ("do you take insurance"): the best sentence that states such a fact, quoted first,
    with its source and the clinic to call."""
    asked = set(parsed.desk)
    best: tuple[int, dict[str, Any], dict[str, Any]] | None = None  # (topics stated, result, source)
    for r in results[:FACT_RESULTS]:
        if not _about(r, parsed):
            continue  # "how many sessions neuromuscular": a count of another treatment's sessions answers nothing
        for source in (r.get("sources") or [])[:1]:
            if not _says_topic(r, source["sentence"], parsed):
                continue
            stated = len(asked & sentence_topics(source["sentence"]))
            if stated and (best is None or stated > best[0]):
                best = (stated, r, source)
    if best is None:
        return None
    _, r, source = best
    topic = next(t for t in parsed.desk if t in sentence_topics(source["sentence"]))
    clinic = _clinic_named(snap, source.get("clinic"))
    quote = {k: source[k] for k in ("sentence", "title", "path", "url")}
    quote["sentence"] = _stating_part(quote["sentence"], topic)
    return {"entry_id": r["id"], "kind": r["kind"], "fact": topic, "text": labels()[topic], "quote": quote,
            "clinics": [clinic] if clinic else [], "sources": [source]}


def build_answer(parsed: ParsedQuery, results: list[dict[str, Any]], snap: Snapshot) -> dict[str, Any] | None:
    """An answer card: for a front-desk question the sentence stating the fact; when the query names a condition,
    technique or benefit, what the articles say of it; or a clinic's contacts."""
    if parsed.desk and (fact := _fact_answer(parsed, results, snap)):
        return fact
    named = {t.id for t in parsed.terms}
    top = next((r for r in results[:3] if r["id"] in named and r["kind"] != "clinic"), None)
    if parsed.contact:
        # "plantar fasciitis phone": the clinic with most articles on the topic; "everett phone": the top clinic.
        clinic_id = _main_clinic(snap.view(top["id"])) if top else None
        clinic_id = clinic_id or next((r["id"] for r in results[:5] if r["kind"] == "clinic"), None)
        if clinic_id and (clinic := snap.view(clinic_id)):
            return _clinic_answer(clinic, top)
    if top is None:
        return None
    view = snap.view(top["id"])
    return _topic_answer(view, top, snap) if view else None
