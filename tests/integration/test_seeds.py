"""Exact extraction results on the two real seed articles (the user's own documents, bundled in samples/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.model import Extraction
from kb.pipeline import extract_sources
from kb.vocabulary import Vocabulary

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
NMT_BACK_PAIN = "000_bdca583351179dba.txt"
WHY_NMT = "004_106da2731041b397.txt"


@pytest.fixture(scope="module")
def seeds() -> dict[str, Extraction]:
    result = extract_sources([SAMPLES / NMT_BACK_PAIN, SAMPLES / WHY_NMT], Vocabulary.load())
    assert result.skipped == []
    return {ex.path: ex for ex in result.extractions}


def names(ex: Extraction, kind: str, discovered: bool = False) -> set[str]:
    return {m.name for m in ex.mentions if m.kind == kind and m.discovered == discovered}


def test_neuromuscular_back_pain_article_conditions(seeds: dict[str, Extraction]) -> None:
    assert names(seeds[NMT_BACK_PAIN], "condition") == {
        "Anxiety", "Back pain", "Carpal tunnel syndrome", "Chronic pain", "Depression", "Headache", "Hip pain",
        "Iliotibial band syndrome", "Jaw pain", "Knee pain", "Muscle cramps", "Muscle pain", "Muscle strain",
        "Muscle tightness", "Muscle weakness", "Myofascial pain syndrome", "Obesity", "Pinched nerve",
        "Plantar fasciitis", "Poor posture", "Repetitive strain injury", "Sciatica", "TMJ disorder", "Tendinitis",
    }


def test_neuromuscular_back_pain_article_techniques_and_benefits(seeds: dict[str, Extraction]) -> None:
    ex = seeds[NMT_BACK_PAIN]
    assert names(ex, "technique") == {
        "Deep tissue massage", "Massage therapy", "Neuromuscular massage therapy", "Physical therapy", "Shiatsu",
        "Soft tissue therapy", "Swedish massage", "Therapeutic exercise",
    }
    assert names(ex, "benefit") == {
        "Detoxification", "Drug-free pain management", "Improved balance", "Improved blood circulation",
        "Improved dopamine and serotonin levels", "Improved mood", "Improved posture", "Improved quality of life",
        "Increased energy", "Increased flexibility", "Non-invasive treatment", "Pain relief",
        "Reduced muscle tension", "Relaxation", "Stress reduction",
    }
    assert names(ex, "condition", discovered=True) == set()


def test_why_neuromuscular_article(seeds: dict[str, Extraction]) -> None:
    ex = seeds[WHY_NMT]
    assert names(ex, "condition") == {
        "Allergies", "Ankle sprain", "Back pain", "Car accident injury", "Carpal tunnel syndrome", "Chronic pain",
        "Gait abnormality", "Headache", "Hip pain", "Iliotibial band syndrome", "Jaw pain",
        "Joint replacement recovery", "Knee pain", "Low back pain", "Muscle cramps", "Muscle pain",
        "Myofascial pain syndrome", "Plantar fasciitis", "Poor posture", "Scar tissue", "Sciatica",
        "Soft tissue injury", "TMJ disorder", "Tendinitis", "Upper back pain", "Workplace injury",
    }
    assert names(ex, "technique") == {
        "Chiropractic adjustment", "Deep tissue massage", "Massage therapy", "Neuromuscular massage therapy",
        "Physical therapy", "Soft tissue therapy",
    }
    assert names(ex, "benefit") == {"Improved emotional well-being", "Improved mobility", "Pain relief"}


def test_misspelt_and_long_names_reach_their_conditions(seeds: dict[str, Extraction]) -> None:
    tmj = [m.sentence for m in seeds[WHY_NMT].mentions if m.name == "TMJ disorder"]
    assert any("Tempomandibular Joint Pain" in s for s in tmj)
    itbs = [m.sentence for m in seeds[NMT_BACK_PAIN].mentions if m.name == "Iliotibial band syndrome"]
    assert itbs == ["Iliotibial band friction syndrome"]  # a list item that lost its bullet in scraping
    knee = [m for m in seeds[NMT_BACK_PAIN].mentions if m.name == "Knee pain"]
    assert [m.sentence for m in knee] == ["Knee, hip, and jaw pain"]  # 'knee, hip, and jaw pain' distributes


def test_clinics_of_both_seeds(seeds: dict[str, Extraction]) -> None:
    first, second = seeds[NMT_BACK_PAIN].clinic_facts, seeds[WHY_NMT].clinic_facts
    assert first is not None and second is not None
    assert first["name"] == "Medical Fitness and Wellness Group"
    assert [p["value"] for p in first["phones"]] == ["+17706234078"]
    assert [a["value"] for a in first["addresses"]] == [
        "10700 Medlock Bridge Road Suite 105 Johns Creek, Georgia 30097"]
    assert second["name"] == "Everett Spine & Rehab"
    assert [p["value"] for p in second["phones"]] == ["+14253478614"]
    assert [a["value"] for a in second["addresses"]] == ["927 128th St SW Ste B, Everett, WA 98204"]


def test_page_furniture_of_scraped_text_is_not_content(seeds: dict[str, Extraction]) -> None:
    sentences = {m.sentence for ex in seeds.values() for m in ex.mentions}
    for furniture in ("Publisher Logo", "Leave a comment", "Skip to content", "Article Name",
                      "A woman awakes with back pain"):
        assert not any(furniture in s for s in sentences)


def test_treatment_relations_carry_their_evidence(seeds: dict[str, Extraction]) -> None:
    relations = {(a, b): s for a, b, s in seeds[NMT_BACK_PAIN].relations}
    assert relations[("technique-neuromuscular-massage-therapy", "condition-sciatica")] == "Symptoms of sciatica"
    assert ("technique-deep-tissue-massage", "technique-neuromuscular-massage-therapy") in relations
