"""The vocabulary matcher: phrases, plurals, acronyms, misspellings, coordination, context-only terms."""

from __future__ import annotations

import pytest

from kb.vocabulary import Term, Vocabulary


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary([
        Term("condition", "TMJ disorder", aliases=("temporomandibular joint disorder",), acronyms=("TMJ",),
             misspellings=("tempomandibular joint pain",), lay_terms=("jaw clicking",)),
        Term("condition", "Knee pain"), Term("condition", "Hip pain"), Term("condition", "Jaw pain"),
        Term("condition", "Headache"),
        Term("technique", "Neuromuscular massage therapy", aliases=("neuromuscular therapy",), acronyms=("NMT",)),
        Term("benefit", "Increased flexibility", aliases=("more flexible",), context_terms=("flexibility",)),
    ])


def found(vocab: Vocabulary, text: str, contexts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(m.term.name, text[m.start:m.end]) for m in vocab.matcher.find(text, contexts)]


def test_phrases_plurals_and_case(vocab: Vocabulary) -> None:
    assert found(vocab, "Headaches and Neuromuscular Therapy.") == [
        ("Headache", "Headaches"), ("Neuromuscular massage therapy", "Neuromuscular Therapy")]


def test_acronyms_match_only_as_written(vocab: Vocabulary) -> None:
    assert found(vocab, "TMJ pain, NMT sessions") == [("TMJ disorder", "TMJ"), ("Neuromuscular massage therapy", "NMT")]
    assert found(vocab, "tmj and nmt and TMJs") == []


def test_misspellings_match_but_lay_terms_do_not(vocab: Vocabulary) -> None:
    assert found(vocab, "Tempomandibular Joint Pain (TMJ disorders)") == [
        ("TMJ disorder", "Tempomandibular Joint Pain"), ("TMJ disorder", "TMJ disorders")]
    assert found(vocab, "my jaw clicking when I chew") == []


def test_coordinated_modifiers_share_the_head_noun(vocab: Vocabulary) -> None:
    assert sorted(found(vocab, "Knee, hip, and jaw pain")) == [
        ("Hip pain", "hip"), ("Jaw pain", "jaw pain"), ("Knee pain", "Knee")]
    assert found(vocab, "the knee. Jaw pain") == [("Jaw pain", "Jaw pain")]


def test_context_terms_only_in_their_context(vocab: Vocabulary) -> None:
    assert found(vocab, "Flexibility") == []
    assert found(vocab, "Flexibility", frozenset({"benefit"})) == [("Increased flexibility", "Flexibility")]
    assert found(vocab, "you feel more flexible") == [("Increased flexibility", "more flexible")]


def test_phrases_never_span_punctuation(vocab: Vocabulary) -> None:
    assert found(vocab, "knee. Pain") == []


def test_query_phrases_include_lay_terms_and_acronyms(vocab: Vocabulary) -> None:
    phrases = vocab.query_phrases
    assert [t.name for t in phrases[("jaw", "clicking")]] == ["TMJ disorder"]
    assert [t.name for t in phrases[("tmj",)]] == ["TMJ disorder"]
