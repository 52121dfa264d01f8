"""Extraction against the labelled corpus (tests/corpus): precision and recall of conditions and techniques."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.files import IngestResult
from kb.pipeline import extract_sources
from kb.vocabulary import Vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOLD: dict[str, dict[str, Any]] = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))["pages"]
THRESHOLD = 0.9
VOCAB = Vocabulary.load()


@pytest.fixture(scope="module")
def result() -> IngestResult:
    return extract_sources([CORPUS / "pages"], VOCAB)


def _found(result: IngestResult, kind: str) -> dict[str, set[str]]:
    return {ex.path: {m.name for m in ex.mentions if m.kind == kind and not m.discovered} for ex in result.extractions}


def scores(result: IngestResult, kind: str) -> tuple[float, float, Counter[str], Counter[str]]:
    """Micro precision and recall over every page kb ingested, with the false positives and negatives."""
    found = _found(result, kind)
    tp = fp = fn = 0
    extra: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for path, got in found.items():
        want = set(GOLD[path][kind + "s"])
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        extra.update(f"{path}: {n}" for n in got - want)
        missed.update(f"{path}: {n}" for n in want - got)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), extra, missed


@pytest.mark.parametrize("kind", ["condition", "technique"])
def test_precision_and_recall(result: IngestResult, kind: str) -> None:
    precision, recall, extra, missed = scores(result, kind)
    assert precision >= THRESHOLD, f"{kind} precision {precision:.3f}; false positives: {sorted(extra)}"
    assert recall >= THRESHOLD, f"{kind} recall {recall:.3f}; missed: {sorted(missed)}"


def test_benefits_are_mostly_right(result: IngestResult) -> None:
    precision, recall, extra, missed = scores(result, "benefit")
    assert precision >= 0.8 and recall >= 0.8, (precision, recall, sorted(extra), sorted(missed))


def test_navigation_only_mentions_are_never_extracted(result: IngestResult) -> None:
    leaks = []
    for ex in result.extractions:
        named = {m.name for m in ex.mentions}
        leaks += [f"{ex.path}: {name}" for name in GOLD[ex.path]["absent"] if name in named]
    assert leaks == []


def test_thin_and_other_language_pages_are_kept_and_named_but_name_nothing(result: IngestResult) -> None:
    """Nothing with facts is dropped: a page the labels call skippable (thin, a menu) or in a language the
    vocabulary cannot read is kept, says why in its outcome, and names no condition, technique or benefit."""
    outcomes = dict(result.outcomes)
    thin_or_foreign = {p for p, g in GOLD.items() if g.get("skip") or not VOCAB.reads(g.get("lang", "en"))}
    assert result.skipped == []
    for path in sorted(thin_or_foreign):
        assert outcomes[path].startswith("ok: ") and ("words of main content" in outcomes[path]
                                                      or "language " in outcomes[path]), (path, outcomes[path])
    extracted = {ex.path: ex for ex in result.extractions}
    assert {p: [m.name for m in extracted[p].mentions] for p in sorted(thin_or_foreign)} == {
        p: [] for p in sorted(thin_or_foreign)}


def test_discovered_list_items_are_reported(result: IngestResult) -> None:
    for ex in result.extractions:
        gold = GOLD[ex.path]["discovered"]
        for kind in ("condition", "benefit"):
            # Discovered then, or known since the vocabulary grew (a term the labels list as discovered).
            got = [m.name.lower() for m in ex.mentions if m.kind == kind]
            got += [a.lower() for t in VOCAB.terms if t.kind == kind and t.name.lower() in got for a in t.aliases]
            # The discovered entry is named by the item's lead words, which may run past the label.
            missing = [n for n in gold[kind + "s"] if not any(g.startswith(n.lower()) for g in got)]
            assert missing == [], (ex.path, kind, got)


def test_clinic_contact_facts(result: IngestResult) -> None:
    problems = []
    for ex in result.extractions:
        want = GOLD[ex.path]["clinic"]
        facts = ex.clinic_facts
        if want is None:
            continue
        if facts is None or facts["name"] is None:
            problems.append(f"{ex.path}: no clinic name")
            continue
        if facts["name"].lower() != want["name"].lower():
            problems.append(f"{ex.path}: name {facts['name']!r} != {want['name']!r}")
        phones = {p["value"] for p in facts["phones"]}
        if not set(want["phones"]) <= phones:
            problems.append(f"{ex.path}: phones {sorted(phones)} lack {want['phones']}")
        if want.get("email") and want["email"] not in {e["value"] for e in facts["emails"]}:
            problems.append(f"{ex.path}: no email {want['email']}")
        addresses = " | ".join(a["value"] for a in facts["addresses"])
        problems += [f"{ex.path}: address lacks {part!r}" for part in want["address_contains"] if part not in addresses]
    assert problems == []


def test_pages_in_languages_the_vocabulary_reads_say_so(result: IngestResult) -> None:
    """A page in a language with names of the curated terms is read with them, and its outcome says which."""
    outcomes = dict(result.outcomes)
    read = {p: g["lang"] for p, g in GOLD.items() if g.get("lang", "en") != "en" and VOCAB.reads(g["lang"])}
    assert read, "the corpus has a page in another language the vocabulary reads"
    for path, lang in read.items():
        assert outcomes[path].startswith(f"ok: language {lang}: read with the "), outcomes[path]

