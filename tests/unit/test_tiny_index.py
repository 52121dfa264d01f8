"""Search over a tiny index with exact expected values: four hand-made article extractions from two clinics, merged,
built and published into a temporary data directory with the real vocabulary (synonyms, lay terms, misspellings).

The knowledge base it makes, worked out by hand from the articles below:

    entry                          sources (path order)                     related
    clinic-harbor-physio           harbor-neck, harbor-sciatica             Neck pain, Sciatica, Deep tissue massage
    clinic-willow-massage          willow-leg, willow-sciatica              Sciatica, Swedish massage
    condition-neck-pain            harbor-neck                              Harbor Physio, Deep tissue massage
    condition-sciatica             harbor-sciatica, willow-leg,             Harbor Physio, Willow Massage,
                                   willow-sciatica                          Deep tissue massage, Swedish massage
    technique-deep-tissue-massage  harbor-neck, harbor-sciatica             Harbor Physio, Neck pain, Sciatica
    technique-swedish-massage      willow-sciatica                          Willow Massage, Sciatica

(willow-leg names sciatica only in passing prose: it states no treatment, so it links no clinic.)
"""

from __future__ import annotations

from typing import Any

import pytest

from index.build import write_version
from index.params import parse_params
from index.store import DataDir
from kb import pipeline
from kb.knowledge import KnowledgeBase, Version
from kb.model import Entry, Extraction, Mention, Passage
from kb.vocabulary import Vocabulary

HARBOR = {"name": "Harbor Physio", "names": [], "emails": [], "hours": [], "websites": [],
          "phones": [{"value": "+15035550100", "origins": ["page"]}],
          "addresses": [{"value": "1 Harbor Way, Portland, OR 97201", "origins": ["page"]}]}
WILLOW = {"name": "Willow Massage", "names": [], "emails": [], "websites": [],
          "phones": [{"value": "+15035550199", "origins": ["page"]}],
          "addresses": [{"value": "9 Willow Street, Salem, OR 97301", "origins": ["page"]}],
          "hours": [{"value": "Mon–Fri 9am–5pm", "origins": ["page"]}]}

NECK_DESK = "Neck pain often starts with long hours at a desk."
DEEP_NECK = "Deep tissue massage loosens the muscles that hold a stiff neck."
SCIATICA_IS = "Sciatica is pain that runs from the lower back & hip down the leg."
DEEP_SCIATIC = "Deep tissue massage eases the tight muscles around the sciatic nerve."
SCIATICA_SLEEP = "Sciatica can make sitting and sleeping hard."
SWEDISH_HELPS = "Swedish massage relaxes the back and helps with sciatica."
SCIATICA_LEG = "Sciatica is the most common reason for pain down one leg."


def article(number: int, path: str, title: str, clinic: dict[str, Any], phone: str,
            mentions: list[tuple[str, str, str]], treats: list[tuple[str, str, str]]) -> Extraction:
    """One article's extraction: (kind, name, sentence) mentions, all prose; (technique id, condition id, sentence)
    treatment relations; the clinic's contact facts and the sentence that names it."""
    return Extraction(
        article_id=f"a{number}", path=path, title=title, url=None, clinic=clinic["name"], published=None,
        updated=None, mentions=[Mention(kind, name, title, sentence, "prose") for kind, name, sentence in mentions],
        relations=treats, clinic_facts=clinic, clinic_evidence=[title, f"Call {clinic['name']} at {phone}."])


ARTICLES = [
    article(1, "harbor-neck.md", "Neck pain at the desk", HARBOR, "(503) 555-0100",
            [("condition", "Neck pain", NECK_DESK), ("technique", "Deep tissue massage", DEEP_NECK)],
            [("technique-deep-tissue-massage", "condition-neck-pain", DEEP_NECK)]),
    article(2, "harbor-sciatica.md", "Sciatica and deep tissue massage", HARBOR, "(503) 555-0100",
            [("condition", "Sciatica", SCIATICA_IS), ("technique", "Deep tissue massage", DEEP_SCIATIC)],
            [("technique-deep-tissue-massage", "condition-sciatica", DEEP_SCIATIC)]),
    article(3, "willow-sciatica.md", "Swedish massage for sciatica", WILLOW, "(503) 555-0199",
            [("condition", "Sciatica", SCIATICA_SLEEP), ("technique", "Swedish massage", SWEDISH_HELPS)],
            [("technique-swedish-massage", "condition-sciatica", SWEDISH_HELPS)]),
    article(4, "willow-leg.md", "When your leg hurts", WILLOW, "(503) 555-0199",
            [("condition", "Sciatica", SCIATICA_LEG)], []),
]


def source(number: int, section: str, sentence: str) -> dict[str, Any]:
    """The source object of article `number` quoting `sentence`."""
    ex = ARTICLES[number - 1]
    return {"article_id": ex.article_id, "title": ex.title, "path": ex.path, "url": None, "clinic": ex.clinic,
            "section": section, "sentence": sentence}


HARBOR_CARD = {"id": "clinic-harbor-physio", "name": "Harbor Physio", "phone": "+15035550100",
               "phone_display": "(503) 555-0100", "address": "1 Harbor Way, Portland, OR 97201", "email": None,
               "hours": []}
WILLOW_CARD = {"id": "clinic-willow-massage", "name": "Willow Massage", "phone": "+15035550199",
               "phone_display": "(503) 555-0199", "address": "9 Willow Street, Salem, OR 97301", "email": None,
               "hours": ["Mon–Fri 9am–5pm"]}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Version:
    """The tiny knowledge base, published once for the module (the tests only read it)."""
    data = DataDir(tmp_path_factory.mktemp("tiny") / "kb-data")
    with data.lock():
        pipeline.publish(data, ARTICLES, Vocabulary.load(), [])
    return KnowledgeBase(data.root).current()


def search(kb: Version, q: str, **filters: list[str]) -> dict[str, Any]:
    return kb.search(parse_params({"q": q}, filters)).data


def ids(result: dict[str, Any]) -> list[str]:
    return [r["id"] for r in result["results"]]


def facet(result: dict[str, Any], name: str) -> list[tuple[str, int, bool]]:
    return [(v["value"], v["count"], v["selected"]) for v in result["facets"][name]]


SCIATICA_RANKING = ["condition-sciatica", "technique-swedish-massage", "clinic-willow-massage",
                    "technique-deep-tissue-massage", "clinic-harbor-physio"]


# --- ranking --------------------------------------------------------------------------------------------------


def test_the_named_entry_comes_first_then_the_entries_that_mention_it(kb: Version) -> None:
    """The query names condition-sciatica (its id is boosted above all). Then the entries whose text holds the word:
    Swedish massage in its related names and its evidence ("helps with sciatica"), then those with it in their
    related names only, shortest related field first (BM25): Willow (3 words), Deep tissue massage (5), Harbor (6).
    Neck pain never mentions sciatica."""
    result = search(kb, "sciatica")
    assert (result["total"], ids(result), result["corrected_query"]) == (5, SCIATICA_RANKING, None)


@pytest.mark.parametrize(("query", "corrected"), [
    ("sciatia", "sciatica"),  # a misspelling the vocabulary lists: searched as the term, and said
    ("pain down the leg", None),  # a lay term
    ("sciatic nerve pain", None),  # an alias
])
def test_misspellings_lay_terms_and_aliases_rank_like_the_name(kb: Version, query: str, corrected: str | None) -> None:
    result = search(kb, query)
    assert (ids(result), result["corrected_query"]) == (SCIATICA_RANKING, corrected)


def test_a_typo_in_a_free_word_is_matched_and_corrected(kb: Version) -> None:
    """'deep tisue' names no term: 'tisue' is not in the index, so it matches near spellings ('tissue'). The entry
    named so comes first; then those with the words in their related names, where Neck pain's four aliases make
    its name field longer (so weaker) than Harbor's; Sciatica's related field is the longest."""
    result = search(kb, "deep tisue")
    assert ids(result) == ["technique-deep-tissue-massage", "clinic-harbor-physio", "condition-neck-pain",
                           "condition-sciatica"]
    assert result["corrected_query"] == "deep tissue"


def test_a_plural_of_an_indexed_word_is_no_typo(kb: Version) -> None:
    """'desks' is not in the index but 'desk' is: the stemmed search finds it, so nothing is offered as a fix."""
    result = search(kb, "neck desks")
    assert (ids(result)[0], result["corrected_query"]) == ("condition-neck-pain", None)


def test_a_lay_term_names_its_condition(kb: Version) -> None:
    """'stiff neck' is a lay term of Neck pain; Deep tissue massage's evidence says "stiff neck" too, which puts it
    above Harbor (Neck pain in its related names only)."""
    assert ids(search(kb, "stiff neck")) == ["condition-neck-pain", "technique-deep-tissue-massage",
                                             "clinic-harbor-physio"]


def test_a_word_in_the_name_outranks_an_alias_the_summary_and_the_evidence(tmp_path_factory: pytest.TempPathFactory
                                                                            ) -> None:
    """Four entries written straight into a version, each with the made-up word 'quillwort' in one field only, in
    the reverse of the expected order and most often where it counts least: only the field boosts put the name
    first, then the aliases, the summary, the evidence."""
    evidence = Passage("a1", "Intro", "Quillwort, quillwort, quillwort.", "prose")
    entries = [
        Entry("condition-dry-skin", "condition", "Dry skin", passages=[evidence]),
        Entry("benefit-calm", "benefit", "Calm", summary="Quillwort baths, quillwort soaps and quillwort oils."),
        Entry("technique-herbal-wrap", "technique", "Herbal wrap", aliases=["warm herbal wrap with quillwort oil"]),
        Entry("technique-stone-wrap", "technique", "Warm stone and quillwort herbal body wrap"),
    ]
    data = DataDir(tmp_path_factory.mktemp("boosts") / "kb-data")
    with data.lock(), data.build() as (version, path):
        write_version(path, version, entries, [], [])
        data.publish(version, path)
    assert ids(search(KnowledgeBase(data.root).current(), "quillwort")) == [
        "technique-stone-wrap", "technique-herbal-wrap", "benefit-calm", "condition-dry-skin"]


# --- facets ---------------------------------------------------------------------------------------------------


def test_a_query_sharing_one_word_with_the_articles_presents_nothing(kb: Version) -> None:
    """'sciatica for horses or dogs': no article says anything of horses or dogs, so the best match holds a small
    share of what the query asks (the words nothing matches weigh most). No result, no answer: the notice."""
    result = search(kb, "sciatica for horses or dogs")
    assert (result["total"], result["results"], result["answer"], result["notice"]["kind"]) == (0, [], None,
                                                                                              "no_results")


def test_a_page_matching_one_of_two_words_presents_nothing(kb: Version) -> None:
    """'desk sleeping': no page says both; a page with one of two words is no answer, however rare the word.
    'neck desk' is (Neck pain's article says both)."""
    assert search(kb, "desk sleeping")["total"] == 0
    assert ids(search(kb, "neck desk"))[0] == "condition-neck-pain"


def test_a_clinic_named_or_its_town_finds_the_clinic_first(kb: Version) -> None:
    """A clinic's name, or a word of its address no vocabulary term uses, names the clinic: its entry leads, and
    the words never become intent ("Willow Massage" is no question about massage)."""
    assert ids(search(kb, "Willow Massage phone"))[0] == "clinic-willow-massage"
    assert ids(search(kb, "Salem opening hours"))[0] == "clinic-willow-massage"
    assert search(kb, "Salem opening hours")["answer"]["clinics"] == [WILLOW_CARD]


def test_filters_alone_browse_with_or_within_a_facet(kb: Version) -> None:
    """Two kinds selected: either kind passes, most-backed entries first (two articles each, then Swedish massage's
    one; ties in id order). The kind facet counts every entry as if no kind were selected."""
    result = search(kb, "", kind=["technique", "clinic"])
    assert (result["total"], ids(result)) == (4, ["clinic-harbor-physio", "clinic-willow-massage",
                                                  "technique-deep-tissue-massage", "technique-swedish-massage"])
    assert facet(result, "kind") == [("clinic", 2, True), ("condition", 2, False), ("technique", 2, True)]
    assert facet(result, "condition") == [("Sciatica", 4, False), ("Neck pain", 2, False)]


def test_facets_and_across_each_facet_ignoring_its_own_selection(kb: Version) -> None:
    """kind=technique AND clinic=Willow Massage leaves Swedish massage. Each facet counts the matches that pass the
    other facets' selections: kind over Willow's entries (Sciatica, Swedish massage, Willow itself), clinic over
    both techniques (one Harbor's, one Willow's), the rest over Swedish massage alone."""
    result = search(kb, "", kind=["technique"], clinic=["Willow Massage"])
    assert ids(result) == ["technique-swedish-massage"]
    assert {name: facet(result, name) for name in result["facets"]} == {
        "kind": [("clinic", 1, False), ("condition", 1, False), ("technique", 1, True)],
        "condition": [("Sciatica", 1, False)],
        "technique": [("Swedish massage", 1, False)],
        "benefit": [],
        "body_region": [("back", 1, False), ("leg", 1, False)],  # Sciatica's regions, through the relation
        "clinic": [("Harbor Physio", 1, False), ("Willow Massage", 1, True)],
    }


# --- sources and snippets -------------------------------------------------------------------------------------


def test_sources_quote_the_best_sentence_first_and_the_snippet_marks_the_query(kb: Version) -> None:
    """'sleeping' is only in willow-sciatica's sentence, so that source leads; the other two hold 'sciatica' alone
    and keep their own (path) order."""
    top = search(kb, "sciatica sleeping")["results"][0]
    assert top["sources"] == [source(3, "Swedish massage for sciatica", SCIATICA_SLEEP),
                              source(2, "Sciatica and deep tissue massage", SCIATICA_IS),
                              source(4, "When your leg hurts", SCIATICA_LEG)]
    assert top["snippet"] == "<mark>Sciatica</mark> can make sitting and <mark>sleeping</mark> hard."


def test_a_snippet_is_escaped_html(kb: Version) -> None:
    top = search(kb, "sciatica")["results"][0]
    assert top["snippet"] == "<mark>Sciatica</mark> is pain that runs from the lower back &amp; hip down the leg."


# --- answer cards ---------------------------------------------------------------------------------------------


def test_a_condition_answer_names_techniques_and_the_clinics_with_most_articles_first(kb: Version) -> None:
    """The quote first; a short line of what the articles name for it below; the clinics to call, most articles
    on the topic first (no generated paragraph listing them)."""
    answer = search(kb, "sciatica")["answer"]
    assert answer == {
        "entry_id": "condition-sciatica", "kind": "condition",
        "text": "Techniques the articles name for it: Deep tissue massage, Swedish massage.",
        "quote": {"sentence": SCIATICA_IS, "title": "Sciatica and deep tissue massage", "path": "harbor-sciatica.md",
                  "url": None},
        "clinics": [WILLOW_CARD, HARBOR_CARD],  # Willow has two articles on sciatica, Harbor one
        "sources": [source(2, "Sciatica and deep tissue massage", SCIATICA_IS),
                    source(4, "When your leg hurts", SCIATICA_LEG),
                    source(3, "Swedish massage for sciatica", SCIATICA_SLEEP)],
        "url": None,  # the facade names no page URLs here (no entry_url given)
    }


def test_a_contact_question_answers_with_the_clinics_contacts(kb: Version) -> None:
    answer = search(kb, "harbor phone")["answer"]
    assert answer == {
        "entry_id": "clinic-harbor-physio", "kind": "clinic",
        "text": "Harbor Physio — phone (503) 555-0100 — address 1 Harbor Way, Portland, OR 97201.",
        "quote": None,
        "clinics": [HARBOR_CARD],
        "sources": [source(1, "Neck pain at the desk", "Call Harbor Physio at (503) 555-0100."),
                    source(2, "Sciatica and deep tissue massage", "Call Harbor Physio at (503) 555-0100.")],
        "url": None,
    }


def test_a_contact_question_naming_a_topic_answers_with_the_clinic_that_writes_most_on_it(kb: Version) -> None:
    """Willow has two articles on sciatica; the one with the topic in its title is quoted first."""
    answer = search(kb, "sciatica phone")["answer"]
    assert answer == {
        "entry_id": "clinic-willow-massage", "kind": "clinic",
        "text": "Willow Massage — phone (503) 555-0199 — address 9 Willow Street, Salem, OR 97301 — hours Mon–Fri "
                "9am–5pm. Its articles discuss Sciatica.",
        "quote": {"sentence": SCIATICA_SLEEP, "title": "Swedish massage for sciatica", "path": "willow-sciatica.md",
                  "url": None},
        "clinics": [WILLOW_CARD],
        "sources": [source(3, "Swedish massage for sciatica", SCIATICA_SLEEP),
                    source(4, "When your leg hurts", SCIATICA_LEG)],
        "topic": {"id": "condition-sciatica", "name": "Sciatica", "kind": "condition"},
        "url": None,
    }


# --- suggestions ----------------------------------------------------------------------------------------------


def test_suggestions(kb: Version) -> None:
    """A name's first word before a later word; then more articles first, a name before an alias, shorter first;
    one suggestion per entry."""
    assert {prefix: [(s["text"], s["id"]) for s in kb.suggest(prefix)["suggestions"]]
            for prefix in ("s", "sc", "deep", "massage", "pain")} == {
        "s": [],  # two characters at least
        "sc": [("Sciatica", "condition-sciatica")],
        "deep": [("Deep tissue massage", "technique-deep-tissue-massage")],
        "massage": [("Willow Massage", "clinic-willow-massage"),  # two articles, shorter than Deep tissue massage
                    ("Deep tissue massage", "technique-deep-tissue-massage"),
                    ("Swedish massage", "technique-swedish-massage")],
        "pain": [("sciatic pain", "condition-sciatica"),  # an alias: Sciatica has three articles, Neck pain one
                 ("Neck pain", "condition-neck-pain")],
    }
