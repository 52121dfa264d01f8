"""Open-world extraction: the ICD-10-CM second lexicon, lists without markup or headings, "X and Y" items, service
names, benefit verb phrasings and content kept in front-matter keys."""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.front_matter import front_matter_sections
from ingest.html_article import parse_html
from ingest.items import coordinated_parts, display_name, outcome_name
from ingest.markdown_article import parse_markdown
from ingest.merge import merge
from ingest.sentences import verb_objects
from ingest.visual_lists import visual_lists
from kb.cues import load_cues
from kb.model import Article, Block, Extraction, Section
from kb.vocabulary import Vocabulary, verb_forms


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


def found(vocab: Vocabulary, text: str, contexts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(m.term.name, m.via) for m in vocab.matcher.find(text, contexts)]


def named(ex: Extraction, kind: str) -> set[str]:
    return {m.name for m in ex.mentions if m.kind == kind and m.context != "context"}


def test_the_lexicon_names_conditions_only_where_a_page_speaks_of_conditions(vocab: Vocabulary) -> None:
    assert found(vocab, "Psoriasis") == []
    assert found(vocab, "Psoriasis", frozenset({"condition"})) == [("Psoriasis", "lexicon")]
    # British spellings beside the code set's, plurals folded
    assert found(vocab, "goitres and amenorrhoea", frozenset({"condition"})) == [
        ("Goitre", "lexicon"), ("Amenorrhoea", "lexicon")]
    # the curated vocabulary stays first
    assert found(vocab, "migraines", frozenset({"condition"})) == [("Migraine", "phrase")]


def test_the_lexicon_leaves_out_generic_words_adjectives_and_massage_strokes(vocab: Vocabulary) -> None:
    names = {t.name.lower() for t in vocab.lexicon}
    assert {"kyphosis", "hay fever", "psoriasis"} <= names
    assert not {"pain", "acute", "benign", "stroke", "foot", "toes", "symptoms", "nervous system disorder"} & names
    assert vocab.lexicon and all(t.kind == "condition" and t.icd10 and t.source == "icd10cm" for t in vocab.lexicon)


def test_lexicon_terms_never_reach_the_query_vocabulary(vocab: Vocabulary) -> None:
    assert ("psoriasis",) not in vocab.query_phrases
    assert not set(vocab.lexicon) & set(vocab.terms)


def test_benefits_are_read_in_their_verb_phrasings(vocab: Vocabulary) -> None:
    assert verb_forms("improved circulation")[:2] == ["improve circulation", "improves circulation"]
    assert "decrease pain" in verb_forms("pain relief")
    assert verb_forms("Relaxation") == []
    assert found(vocab, "to increase circulation and decrease pain") == [
        ("Improved blood circulation", "phrase"), ("Pain relief", "phrase")]


@pytest.mark.parametrize(("item", "parts"), [
    ("Migraines and headaches", ["Migraines", "headaches"]),
    ("Tinnitus & deafness", ["Tinnitus", "deafness"]),
    ("Psoriasis, eczema or acne", ["Psoriasis", "eczema", "acne"]),
    ("Neck and shoulder pain", ["Neck and shoulder pain"]),  # "neck" modifies "pain"
    ("Dryness of the mouth, nose and eyes", ["Dryness of the mouth, nose and eyes"]),  # places after "of"
    ("Pins and needles", ["Pins and needles"]),  # one known name across the joint
])
def test_list_items_joining_names_are_split(vocab: Vocabulary, item: str, parts: list[str]) -> None:
    assert coordinated_parts(item, vocab.matcher.find(item), load_cues()) == parts


def test_three_short_paragraphs_in_a_row_are_a_list() -> None:
    blocks = [Block("paragraph", "The benefits are many, and we list them here."), Block("paragraph", "Better sleep"),
              Block("paragraph", "Improved circulation"), Block("paragraph", "Reduced muscle tension"),
              Block("paragraph", "Book today.")]
    article = visual_lists(Article("a", "p.md", "T", None, [Section("T", 1, blocks)]))
    assert [b.kind for b in article.sections[0].blocks] == ["paragraph", "item", "item", "item", "paragraph"]
    assert len({b.list_id for b in article.sections[0].blocks[1:4]}) == 1


def test_a_bold_paragraph_heads_what_follows() -> None:
    html = ("<html><body><main><h1>Remedial massage</h1><p>Remedial massage treats the muscles and joints of "
            "people in pain.</p><p><strong>The benefits of remedial massage</strong></p><ul><li>Better sleep</li>"
            "</ul></main></body></html>")
    article = parse_html(html, "r.html")
    assert [(s.heading, s.level) for s in article.sections] == [
        ("Remedial massage", 1), ("The benefits of remedial massage", 6)]


def test_front_matter_keys_that_hold_content_become_sections() -> None:
    meta = {
        "title": "Cupping", "layout": "service", "image": "/img/cup.jpg",
        "benifits": ["Better sleep", "Relaxation"],  # misspelt key
        "related_services": ["hot-stone-massage", "swedish-massage"],  # sibling pages, never content
        "testimonial_1": {"name": "Jo", "quote": "Lovely"},
        "faq": {"title": "Questions", "entries": [
            {"q": "What can cupping treat?",
             "a": "Cupping is used for back pain, neck tension, tight shoulders and the aches that come with long "
                  "days at a desk."}]},
        "services": [{"title": "Fire cupping", "desc": "Classic glass cups."}],
    }
    sections = front_matter_sections(meta)
    assert [(s.heading, [b.text for b in s.blocks]) for s in sections] == [
        ("Benefits", ["Better sleep", "Relaxation"]),
        ("What can cupping treat?", [meta["faq"]["entries"][0]["a"]]),  # type: ignore[index]
        ("Services", ["Fire cupping: Classic glass cups."]),
    ]


def test_a_markdown_page_whose_content_is_in_front_matter_is_read(vocab: Vocabulary) -> None:
    text = ("---\ntitle: Acupuncture\ndescription: Acupuncture at our clinic, for pain and for the mind; each "
            "session is calm, unhurried and planned around what you tell us in the first visit, and we check in "
            "with you every week to see how the plan is going.\n"
            "conditions:\n  - Migraines and headaches\n  - Tinnitus\n  - Hay fever\nbenefits:\n"
            "  - Better sleep\n  - Calmer mind\n---\n")
    ex = extract(parse_markdown(text, "acu.md"), vocab)
    assert {"Migraine", "Headache", "Tinnitus", "Allergies"} <= named(ex, "condition")
    assert {"Better sleep", "Relaxation"} <= named(ex, "benefit")


LIST_PAGE = """<html><body><main><h1>Acupuncture in Riverbend</h1>
<p>Our acupuncturists have treated patients in Riverbend for twenty years, gently and with care, and we plan every
course of treatment around you and what you want from it.</p>
<ul><li>We specialise in the treatment of:</li><li>Psoriasis</li><li>Tinnitus and deafness</li><li>Sciatica</li>
<li>Kidney stones</li></ul>
<p>Podiatry services we offer:</p><ul><li>Bunion treatment</li><li>Vascular assessment</li><li>Nail surgery</li></ul>
<p>Dry needling is done with sterile needles and clean technique. Before treatment, tell us about your medical
history.</p><ul><li>Bleeding disorders</li><li>Recent surgery</li><li>Pregnancy</li></ul>
</main></body></html>"""


def test_list_lead_ins_list_kinds_and_service_names(vocab: Vocabulary) -> None:
    ex = extract(parse_html(LIST_PAGE, "list.html"), vocab)
    assert {"Psoriasis", "Tinnitus", "Hearing loss", "Sciatica", "Kidney stones"} <= named(ex, "condition")
    assert {"Bunion treatment", "Vascular assessment", "Nail surgery"} <= named(ex, "technique")
    # what a page asks to be told about is a caution, never a technique or a condition treated
    assert not {"Bleeding disorders", "Recent surgery", "Pregnancy"} & (named(ex, "technique") | named(ex, "condition"))
    assert {c[1] for c in ex.cautions} >= {"Bleeding disorders", "Recent surgery", "Pregnancy"}


def test_a_list_of_causes_is_no_list_of_conditions(vocab: Vocabulary) -> None:
    html = ("<html><body><main><h1>Whiplash</h1><p>Whiplash is a neck injury we treat every week, with gentle "
            "manual therapy and exercise, and most people recover well within a few months of starting.</p>"
            "<p>The sudden motion is caused by events such as:</p><ul><li>Horseback riding</li>"
            "<li>Cycling accidents</li><li>Falls</li></ul></main></body></html>")
    ex = extract(parse_html(html, "w.html"), vocab)
    assert named(ex, "condition") == {"Whiplash"}


def test_theme_settings_in_front_matter_are_not_content() -> None:
    meta = {"thesis_title": ["Acupuncture helps"], "thesis_thumb_width": ["66"], "yoast_keywords": ["a, b"],
            "highlights": ["Same-day appointments"]}
    assert [(s.heading, [b.text for b in s.blocks]) for s in front_matter_sections(meta)] == [
        ("Highlights", ["Same-day appointments"])]


def test_a_discovered_name_in_plural_and_singular_is_one_entry(vocab: Vocabulary) -> None:
    page = ("<html><body><main><h1>{title}</h1><p>Our podiatrists see feet of all ages every day in the clinic, and "
            "every visit starts with a careful look at how you stand and walk, what shoes you wear and what you "
            "hope to get back to doing.</p><h2>Conditions we treat</h2>"
            "<ul><li>{item}</li><li>Bunions</li><li>Heel pain</li></ul></main></body></html>")
    exs = [extract(parse_html(page.format(title=t, item=i), f"{n}.html"), vocab)
           for n, t, i in (("a", "Podiatry", "Toe walkers"), ("b", "Foot care", "Toe walker"))]
    found = [e for e in merge(exs, vocab) if e.discovered and e.name.startswith("Toe")]
    assert [(e.id, e.name, len(e.sources)) for e in found] == [
        ("condition-toe-walkers", "Toe walkers", 2)]


SHORT_PAGE = """<html><body><main><h1>Trigger point therapy</h1>
<p>Trigger point therapy uses focused pressure to relieve tight spots inside muscles.</p>
<h2>Benefits</h2><ul><li>Relieve chronic muscle pain</li><li>Improve flexibility</li><li>Faster recovery</li></ul>
</main></body></html>"""
MENU_PAGE = """<html><body><main><h1>Services</h1><ul><li>Home</li><li>Sports massage</li><li>Physiotherapy</li>
<li>Acupuncture</li></ul><p>Call 555 0100</p></main></body></html>"""


def test_a_short_page_is_read_for_its_sentences_and_lists_under_a_kind_heading(vocab: Vocabulary) -> None:
    ex = extract(parse_html(SHORT_PAGE, "short.html"), vocab)
    assert "Trigger point therapy" in named(ex, "technique")
    assert {"Increased flexibility", "Faster recovery", "Relieved chronic muscle pain"} <= named(ex, "benefit")
    # a short page of menu labels names nothing, whatever its heading says
    assert extract(parse_html(MENU_PAGE, "menu.html"), vocab).mentions == []


def test_an_outcome_item_under_benefits_is_a_discovered_benefit(vocab: Vocabulary) -> None:
    cues = load_cues()
    assert outcome_name("Reduces postural tension", cues) == "Reduced postural tension"
    assert outcome_name("Calms the nervous system", cues) == "Calmed the nervous system"
    assert outcome_name("Postural tension", cues) is None
    ex = extract(parse_html(SHORT_PAGE, "short.html"), vocab)
    assert [m.discovered for m in ex.mentions if m.name == "Relieved chronic muscle pain"] == [True]
    assert "Muscle pain" in named(ex, "condition")  # the condition it names is still one


def test_each_object_of_an_outcome_verb_is_read_with_the_verb(vocab: Vocabulary) -> None:
    verbs = load_cues().words("outcome_verbs")
    assert verb_objects("It can help relieve the pain and inflammation.", verbs) == [
        "relieve pain", "relieve inflammation"]
    assert verb_objects("Needling is used to reduce pain, muscle tension and improve mobility.", verbs) == [
        "reduce pain", "reduce muscle tension", "improve mobility"]
    page = ("<html><body><main><h1>Needling</h1><p>Our physiotherapists use needling with exercise and hands-on "
            "work, planned around what you want to get back to doing, and they explain each step first.</p>"
            "<p>Needling is used to reduce pain, muscle tension and improve your function.</p></main></body></html>")
    assert {"Pain relief", "Reduced muscle tension", "Improved function"} <= named(
        extract(parse_html(page, "needling.html"), vocab), "benefit")


def test_a_discovered_conditions_plural_head_is_shown_singular() -> None:
    cues = load_cues()
    assert display_name("Autoimmune diseases", cues, "condition") == "Autoimmune disease"
    assert display_name("shin splints", cues, "condition") == "Shin splints"  # the plural is the name
    assert display_name("Gut disorders", cues, "technique") == "Gut disorders"
