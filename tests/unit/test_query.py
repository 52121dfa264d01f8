"""Query building is pure: words and vocabulary phrases to a Whoosh query, checked without an index."""

from __future__ import annotations

import pytest
from whoosh import query as Q

from index import query as qb
from kb.cues import load_cues
from kb.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


def groups(vocab: Vocabulary, text: str) -> list[tuple[str, list[str]]]:
    return [(g.text, [t.name for t in g.terms]) for g in qb.parse_query(text, vocab, load_cues()).groups]


def fuzzy_terms(q: Q.Query) -> list[tuple[str, str, int]]:
    return [(t.fieldname, t.text, t.maxdist) for t in q.leaves() if isinstance(t, Q.FuzzyTerm)]


@pytest.mark.parametrize(("word", "edits"), [("tmj", 0), ("neck", 0), ("tisue", 1), ("sciatia", 1),
                                              ("fasciitis", 2), ("temporomandibular", 2)])
def test_typo_tolerance_grows_with_word_length(word: str, edits: int) -> None:
    assert qb.max_edits(word) == edits


def test_lay_terms_and_misspellings_point_at_their_entries(vocab: Vocabulary) -> None:
    assert groups(vocab, "jaw clicking") == [("jaw clicking", ["TMJ disorder"])]
    assert groups(vocab, "plantar fascitis heel pain") == [("plantar fascitis", ["Plantar fasciitis"]),
                                                          ("heel pain", ["Plantar fasciitis"])]
    assert groups(vocab, "NMT for sciatia") == [("NMT", ["Neuromuscular massage therapy"]),
                                                ("sciatia", ["Sciatica"])]


def test_intent_words_are_not_topics(vocab: Vocabulary) -> None:
    parsed = qb.parse_query("how many sessions neuromuscular", vocab, load_cues())
    assert [g.text for g in parsed.groups] == ["sessions", "neuromuscular"]
    phone = qb.parse_query("everett phone", vocab, load_cues())
    assert (phone.contact, [g.text for g in phone.groups]) == (True, ["everett"])
    diff = qb.parse_query("difference deep tissue swedish", vocab, load_cues())
    assert diff.comparison and [(g.text, [t.name for t in g.terms]) for g in diff.groups] == [
        ("deep tissue", ["Deep tissue massage"]), ("swedish", ["Swedish massage"])]


def test_acronyms_and_short_words_never_match_by_typo(vocab: Vocabulary) -> None:
    parsed = qb.parse_query("TMJ tm neck", vocab, load_cues())
    assert [(g.text, g.exact) for g in parsed.groups] == [("TMJ", True), ("tm", True), ("neck", True)]
    built = qb.build_query(parsed)
    assert fuzzy_terms(built) == []
    assert not any(isinstance(t, Q.Prefix) for t in built.leaves())


def test_longer_words_get_fuzzy_variants_ranked_below_exact(vocab: Vocabulary) -> None:
    group = qb.parse_query("tisue", vocab, load_cues()).groups[0]
    assert fuzzy_terms(qb.group_query(group)) == []  # a word the index knows is taken as typed
    group.known = False  # the search marks words the index has never seen; only those get near spellings
    built = qb.group_query(group)
    assert fuzzy_terms(built) == [("names_plain", "tisue", 1), ("text_plain", "tisue", 1)]
    exact = max(t.boost for t in built.leaves() if isinstance(t, Q.Term) and not isinstance(t, Q.FuzzyTerm))
    assert all(t.boost < exact for t in built.leaves() if isinstance(t, Q.FuzzyTerm))


def test_multi_word_synonyms_are_phrases(vocab: Vocabulary) -> None:
    built = qb.group_query(qb.parse_query("jaw clicking", vocab, load_cues()).groups[0])
    ids = [t.text for t in built.leaves() if isinstance(t, Q.Term) and t.fieldname == "id"]
    assert ids == ["condition-tmj-disorder"]
    phrases = {(p.fieldname, tuple(p.words)) for p in built.children() for p in p.children()
               if isinstance(p, Q.Phrase)}
    assert ("name", ("tmj", "disord")) in phrases


def test_query_syntax_is_just_text(vocab: Vocabulary) -> None:
    parsed = qb.parse_query('name:"sciatica" AND( * OR', vocab, load_cues())
    assert [g.text for g in parsed.groups] == ["name", "sciatica"]
    assert qb.build_query(qb.parse_query("the of and", vocab, load_cues())) is Q.NullQuery


def test_contractions_are_one_word_and_never_the_search(vocab: Vocabulary) -> None:
    assert qb.fold_contractions("doesn't it's Mariko's I’m won't") == "doesnt it Mariko I wont"
    assert groups(vocab, "gentle osteopath who doesn't crack your joints") == [
        ("gentle", []), ("osteopath", ["Osteopathic manipulative treatment"]), ("crack", []), ("joints", [])]
    # A vocabulary phrase with an apostrophe meets the query with or without it.
    assert groups(vocab, "i cant lift my arm") == groups(vocab, "I can't lift my arm") == [
        ("cant lift my arm", ["Frozen shoulder"])]


def test_yaml_booleans_and_english_function_words_are_intent_words(vocab: Vocabulary) -> None:
    # "on" is quoted in cues.yaml: bare, YAML would read it as true.
    assert groups(vocab, "open on Wednesday as well as Thursday too") == [
        ("Wednesday", []), ("well", []), ("Thursday", [])]


def test_a_childs_age_is_a_child(vocab: Vocabulary) -> None:
    assert groups(vocab, "my 10 year old has heel pain") == [("child", []), ("heel pain", ["Plantar fasciitis"])]
    assert qb.fold_contractions("a 6-year-old") == "a child"


def test_a_patients_word_also_matches_the_words_pages_print(vocab: Vocabulary) -> None:
    assert qb.synonyms_of("Tingly") == ("tingling", "tingle", "pins and needles")
    built = qb.group_query(qb.parse_query("tingly", vocab, load_cues()).groups[0])
    phrases = {(p.fieldname, tuple(p.words)) for p in built.leaves() if isinstance(p, Q.Phrase)}
    assert ("evidence", ("pin", "needl")) in phrases
    terms = {(t.fieldname, t.text) for t in built.leaves() if isinstance(t, Q.Term)}
    assert {("evidence", "tingl"), ("evidence", "ting")} <= terms  # "tingling", and "tingly" as typed


def test_a_named_term_matches_its_aliases_and_its_words_close_together(vocab: Vocabulary) -> None:
    built = qb.group_query(qb.parse_query("rolled my ankle", vocab, load_cues()).groups[0])
    phrases = {tuple(p.words) for p in built.leaves() if isinstance(p, Q.Phrase) and p.fieldname == "evidence"}
    assert ("sprain", "ankl") in phrases  # the alias "sprained ankle"
    near = [q for q in built.children() if isinstance(q, qb.spans.SpanNear2)]
    assert [(q.slop, q.ordered, [t.text for t in q.qs]) for q in near] == [(qb.NEAR_SLOP, False, ["ankl", "sprain"])]


def test_clinic_names_in_a_query(vocab: Vocabulary) -> None:
    from index.clinic_names import clinic_phrases, find_clinics

    cues = load_cues()
    table = clinic_phrases([("Open Door Massage", "clinic-open-door-massage"),
                            ("Brightwater Laser Dentistry", "clinic-brightwater-laser-dentistry"),
                            ("Trigger Point Massage Therapy", "clinic-trigger-point-massage-therapy"),
                            ("Harbour Dentistry: Smile & Care", "clinic-harbour-dentistry-smile-care")],
                           vocab, cues, frozenset(qb.query_phrases(vocab)))
    def named(text: str) -> list[str]:
        return [text[start:end] for start, end, _ in find_clinics(text, table)]
    assert named("does Open Door Massage travel to you") == ["Open Door Massage"]
    assert named("open door massage hours") == ["open door massage"]  # a whole name in any case
    assert named("Brightwater emergency number") == ["Brightwater"]  # its leading word, typed in capitals
    assert named("brightwater emergency number") == []
    assert named("Harbour Dentistry close on friday") == ["Harbour Dentistry"]  # the name ends at its colon
    assert named("Trigger Point massage for knots") == []  # a vocabulary term starts it: no short name
    # A clinic's name is never read as intent: "Open" asks nothing about opening hours.
    parsed = qb.parse_query("Open Door Massage in Stoke on Trent", vocab, cues, table)
    assert (parsed.desk, parsed.contact, [(g.text, g.clinic is not None) for g in parsed.groups]) == (
        [], False, [("Open Door Massage", True), ("Stoke", False), ("Trent", False)])


@pytest.mark.parametrize("text", ["what is neuromuscular therapy", "what's TMJ", "whats sciatica",
                                  "what does deep tissue massage involve", "sciatica meaning", "define TMJ"])
def test_a_definition_question_is_an_intent_not_a_search(vocab: Vocabulary, text: str) -> None:
    parsed = qb.parse_query(text, vocab, load_cues())
    assert parsed.definition
    assert len(parsed.groups) == 1 and parsed.groups[0].terms  # only the named term is searched


@pytest.mark.parametrize("text", ["sciatica", "what is the best massage for sciatica", "deep tissue massage",
                                  "difference deep tissue swedish"])
def test_other_questions_ask_no_definition(vocab: Vocabulary, text: str) -> None:
    assert not qb.parse_query(text, vocab, load_cues()).definition
