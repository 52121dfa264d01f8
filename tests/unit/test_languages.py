"""Pages in other languages: read with the curated terms' names in that language (kb/data/translations) and in
English, structure and all; entries keep their English names, evidence the page's own sentences; search finds
them by those names."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from index.params import parse_params
from index.store import DataDir
from ingest.extract import extract
from ingest.files import extract_articles
from ingest.html_article import parse_html
from ingest.language import language_of
from ingest.markdown_article import parse_markdown
from kb import pipeline
from kb.knowledge import KnowledgeBase
from kb.model import Extraction
from kb.translations import load_translations
from kb.vocabulary import DATA_DIR, Vocabulary, phrase_key

VOCAB = Vocabulary.load()
TRANSLATIONS = load_translations(DATA_DIR / "translations")

GERMAN = """<!doctype html><html lang="de"><head><title>Physiotherapie | Praxis Lindenhof</title></head><body><main>
<h1>Physiotherapie in der Praxis Lindenhof</h1>
<p>Unsere Physiotherapeuten behandeln Rückenschmerzen, Migräne und einen Bandscheibenvorfall mit Manueller Therapie.
Wir nehmen uns für jede Behandlung Zeit und erstellen nach der Befundaufnahme einen Plan, der zu Ihrem Alltag
passt. Rufen Sie uns an oder buchen Sie Ihren Termin online.</p>
<h2>Unsere Leistungen</h2>
<ul><li>Manuelle Lymphdrainage</li><li>Klassische Massage</li><li>Kompression</li><li>Migränebehandlung</li>
<li>Rückenschule</li><li>Schneeschuhwandern</li></ul>
<h2>Wirkung</h2>
<ul><li>Linderung der Schmerzen</li><li>Beweglichkeit</li><li>fördert die Durchblutung</li></ul>
<h2>Kontraindikationen</h2>
<ul><li>Fieber</li><li>Osteoporose</li></ul>
</main></body></html>"""

CHINESE = """---
title: 拔罐與針灸
---

## 拔罐的類型

我們的診所提供多種拔罐療法，並以針灸配合治療慢性背痛、偏頭痛和肌肉緊繃，幫助病人緩解疼痛。每次治療前，中醫師會先了解您的病史和身體狀況，再為您安排合適的療程。

- 火罐：傳統方法
- 走罐：在皮膚上塗油後移動罐體
- 抽气罐：使用手动抽气泵

## 拔罐的益處

- 促進血液循環
- 放松肌肉
"""


def _extract(html: str) -> Extraction:
    return extract(parse_html(html, "seite.html"), VOCAB)


def _names(ex: Extraction, kind: str) -> set[str]:
    return {m.name for m in ex.mentions if m.kind == kind}


# --- the data --------------------------------------------------------------------------------------------------


def test_translations_name_only_terms_the_vocabulary_has() -> None:
    ids = {t.id for t in VOCAB.terms}
    for lang, translation in TRANSLATIONS.items():
        unknown = sorted((set(translation.names) | set(translation.context_terms)) - ids)
        assert unknown == [], f"{lang}.yaml names no such term: {unknown}"


def test_at_least_the_main_languages_of_the_users_are_read() -> None:
    assert {"de", "fr", "es", "zh", "nl", "it"} <= set(TRANSLATIONS)
    assert all(VOCAB.reads(lang) for lang in TRANSLATIONS) and VOCAB.reads("en") and not VOCAB.reads("ja")


@pytest.mark.parametrize("lang", sorted(TRANSLATIONS))
def test_one_phrase_one_term_in_each_language(lang: str) -> None:
    """As in the English files: a phrase names one term (else the matcher would keep one silently)."""
    translation = TRANSLATIONS[lang]
    terms_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for source in (translation.names, translation.context_terms):
        for term_id, names in source.items():
            for name in names:
                key = phrase_key(name, translation)
                assert key, f"{lang}: {term_id} has an empty name"
                terms_of[key].add(term_id)
    assert {k: v for k, v in terms_of.items() if len(v) > 1} == {}


def test_chinese_names_are_two_characters_or_more() -> None:
    """A one-character name would match inside every run of text that holds the character."""
    zh = TRANSLATIONS["zh"]
    short = [n for names in [*zh.names.values(), *zh.context_terms.values()] for n in names if len(n) < 2]
    assert short == []


# --- reading a page --------------------------------------------------------------------------------------------


def test_a_german_page_names_english_entries_with_german_evidence() -> None:
    ex = _extract(GERMAN)
    assert ex.language == "de"
    assert {"Back pain", "Migraine", "Herniated disc"} <= _names(ex, "condition")
    migraine = {m.sentence for m in ex.mentions if m.name == "Migraine"}
    assert any("Migräne und einen Bandscheibenvorfall" in s for s in migraine)
    assert "Migränebehandlung" in migraine  # a compound of a name and "behandlung" names the term
    assert {"Manual therapy", "Manual lymphatic drainage", "Swedish massage", "Back school"} <= _names(ex, "technique")


def test_a_german_list_is_read_with_its_german_heading() -> None:
    """"Kompression" alone is Compression therapy only in a list of services; "Beweglichkeit" alone a benefit only
    under "Wirkung"; what a contraindication list names is a caution, never a condition."""
    ex = _extract(GERMAN)
    assert "Compression therapy" in _names(ex, "technique")
    assert {"Pain relief", "Improved mobility", "Improved blood circulation"} <= _names(ex, "benefit")
    assert "Osteoporosis" not in _names(ex, "condition")
    assert any(c[2] == ["Osteoporosis"] for c in ex.cautions)


def test_discovery_of_unknown_phrases_stays_english_only() -> None:
    """An unknown list item of another language is no discovered entry (what reads as a name is told by English
    words), nor a phrase to review."""
    ex = _extract(GERMAN)
    assert not any(m.discovered for m in ex.mentions) and ex.to_review == []


def test_without_names_in_its_language_a_page_names_nothing() -> None:
    """The checks above can fail: a vocabulary without German names does not read the page (kept for its facts)."""
    english_only = Vocabulary(VOCAB.terms, VOCAB.lexicon)
    ex = extract(parse_html(GERMAN, "seite.html"), english_only)
    assert ex.mentions == []


def test_a_chinese_page_is_read_inside_runs_of_characters_in_both_scripts() -> None:
    article = parse_markdown(CHINESE, "bagua.md")
    assert article.lang is None and language_of(article) == "zh"  # told by its script
    ex = extract(article, VOCAB)
    assert {"Cupping therapy", "Fire cupping", "Sliding cupping", "Suction cupping", "Acupuncture"} <= _names(
        ex, "technique")  # 抽气罐 simplified, the others traditional
    assert {"Back pain", "Migraine", "Muscle tightness"} <= _names(ex, "condition")
    assert {"Pain relief", "Improved blood circulation", "Reduced muscle tension"} <= _names(ex, "benefit")


def test_decomposed_accents_are_read_like_composed_ones() -> None:
    """Text stored with combining accents ("e" + U+0301) names what its composed form names."""
    reading = VOCAB.reading("fr")
    text = "Le massage assis permet de réduire le stress et des étirements."
    composed = [m.term.name for m in reading.matcher.find(text)]
    assert composed == ["Chair massage", "Stress reduction", "Stretching"]
    assert [m.term.name for m in reading.matcher.find(unicodedata.normalize("NFD", text))] == composed


# --- the ingest report ---------------------------------------------------------------------------------------


def test_the_outcome_names_the_language_and_its_vocabulary() -> None:
    japanese = parse_html("""<html lang="ja"><head><title>鍼灸院</title></head><body><main><p>"""
                          + "肩こりと腰痛の治療を行っています。" * 20 + "</p></main></body></html>", "ja.html")
    result = extract_articles([parse_html(GERMAN, "seite.html"), japanese], VOCAB, [])
    outcomes = dict(result.outcomes)
    assert outcomes["seite.html"].startswith("ok: language de: read with the German vocabulary; ")
    assert outcomes["ja.html"] == "ok: language ja: kept with its contact facts; the vocabulary has no names in it"


# --- search ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pages = tmp_path_factory.mktemp("pages")
    (pages / "seite.html").write_text(GERMAN, encoding="utf-8")
    (pages / "bagua.md").write_text(CHINESE, encoding="utf-8")
    data = DataDir(tmp_path_factory.mktemp("kb") / "kb-data")
    pipeline.ingest(data, [pages], VOCAB)
    return KnowledgeBase(data.root).current()


def _paths(result: dict[str, Any]) -> list[str]:
    return [s["path"] for r in result["results"][:5] for s in r.get("sources") or []]


@pytest.mark.parametrize(("query", "entry", "page"), [
    ("Migräne", "condition-migraine", "seite.html"),
    ("Rückenschule", "technique-back-school", "seite.html"),
    ("拔罐", "technique-cupping-therapy", "bagua.md"),
    ("偏头痛", "condition-migraine", "bagua.md"),  # simplified characters; the page writes traditional ones
])
def test_a_patient_searching_in_the_pages_language_finds_the_page(published: Any, query: str, entry: str,
                                                                  page: str) -> None:
    result = published.search(parse_params({"q": query}, {})).data
    assert result["results"][0]["id"] == entry
    assert page in _paths(result)


def test_the_page_is_found_by_the_english_name_too(published: Any) -> None:
    result = published.search(parse_params({"q": "cupping"}, {})).data
    assert "bagua.md" in _paths(result)


def test_no_reading_is_made_for_a_language_without_names() -> None:
    assert VOCAB.reading("ja") is VOCAB and VOCAB.reading("en") is VOCAB
    assert VOCAB.reading("de") is VOCAB.reading("de")  # made once


def test_the_translations_folder_is_optional(tmp_path: Path) -> None:
    assert load_translations(tmp_path / "none") == {}
