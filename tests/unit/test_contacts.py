"""Clinic contact facts: phones of several countries, addresses, structured data, and disagreements kept."""

from __future__ import annotations

from ingest.clinic_facts import clinic_facts
from ingest.contacts import addresses_in, clinic_names_in, hours_in, phones_in
from ingest.parse import parse_article
from kb.model import display_phone


def test_phones_of_several_countries() -> None:
    assert [e for e, _ in phones_in("Call 770.623.4078, (503) 555-0142 or 1-800-555-0199. Not 30097, 3-5 sessions.")] \
        == ["+17706234078", "+15035550142", "+18005550199"]
    assert [e for e, _ in phones_in("Leeds LS6 3AB: 0113 496 0123 or +44 20 7946 0958")] == [
        "+441134960123", "+442079460958"]
    assert [e for e, _ in phones_in("Surry Hills NSW 2010, 02 5550 1234")] == ["+61255501234"]
    assert [e for e, _ in phones_in("Vancouver, BC V6G 1Z3; 604-555-0118")] == ["+16045550118"]
    assert [e for e, _ in phones_in("Our London clinic: 020 7946 0958")] == ["+442079460958"]  # no postcode


def test_phone_display_is_national() -> None:
    assert display_phone("+14253478614") == "(425) 347-8614"
    assert display_phone("+441134960123") == "0113 496 0123"


def test_addresses_end_at_a_postcode() -> None:
    text = ("Visit Medical Fitness and Wellness Group at our office at 10700 Medlock Bridge Road Suite 105 Johns "
            "Creek, Georgia 30097. Or call us. Our UK clinic: 18 Northgate Parade, Headingley, Leeds LS6 3AB. "
            "In Canada: 2150 Harbour Lane, Suite 210, Vancouver, BC V6G 1Z3; Sydney: Level 1, 214 Crown Street, "
            "Surry Hills NSW 2010.")
    assert addresses_in(text) == [
        "10700 Medlock Bridge Road Suite 105 Johns Creek, Georgia 30097",
        "2150 Harbour Lane, Suite 210, Vancouver, BC V6G 1Z3",
        "214 Crown Street, Surry Hills NSW 2010",
        "18 Northgate Parade, Headingley, Leeds LS6 3AB",
    ]


def test_clinic_names_after_visit_or_call() -> None:
    text = "Call Harbourview Chiropractic & Wellness at 604-555-0118, or visit Everett Spine & Rehab. Visit our office."
    assert clinic_names_in(text) == ["Harbourview Chiropractic & Wellness", "Everett Spine & Rehab"]


def test_opening_hours() -> None:
    assert hours_in("Open Mon–Fri 8am–6pm, Sat 9:00 - 13:00, Sun closed.") == [
        "Mon–Fri 8am–6pm", "Sat 9:00 - 13:00", "Sun closed"]


PAGE = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "Shin splints"},
 {"@type": ["MedicalBusiness", "Physiotherapy"], "name": "Bayside Physio", "telephone": "+61 3 7010 4821",
  "email": "team@bayside.example.com.au", "openingHours": "Mo-Fr 07:00-19:00",
  "address": {"@type": "PostalAddress", "streetAddress": "112 Bay Street", "addressLocality": "Brighton",
              "addressRegion": "VIC", "postalCode": "3186"}}]}</script></head>
<body><article><h1>Shin splints</h1><p>Shin splints are common in runners who add distance too quickly.</p></article>
<footer><div itemscope itemtype="https://schema.org/LocalBusiness"><span itemprop="name">Bayside Physio</span>
<span itemprop="telephone">03 7010 4821</span><address>Shop 3, 112 Bay Street, Brighton VIC 3186</address>
<a href="mailto:team@bayside.example.com.au">Email us</a></div></footer></body></html>"""


def test_structured_data_and_disagreements_are_kept_with_their_origins() -> None:
    facts = clinic_facts(parse_article(PAGE, "shin.html"))
    assert facts is not None
    assert facts["name"] == "Bayside Physio"
    assert facts["phones"] == [{"value": "+61370104821", "origins": ["json-ld", "microdata", "page"]}]
    assert facts["emails"] == [{"value": "team@bayside.example.com.au", "origins": ["json-ld", "mailto-link"]}]
    assert facts["hours"] == [{"value": "Mo-Fr 07:00-19:00", "origins": ["json-ld"]}]
    # One address written three ways (JSON-LD, <address>, footer text) is one fact with three witnesses.
    assert facts["addresses"] == [
        {"value": "112 Bay Street, Brighton, VIC 3186", "origins": ["json-ld", "address", "page"]}]


def test_disagreeing_phones_are_both_kept() -> None:
    page = PAGE.replace('"telephone">03 7010 4821<', '"telephone">03 7010 4999<')
    facts = clinic_facts(parse_article(page, "shin.html"))
    assert facts is not None
    assert [(p["value"], p["origins"]) for p in facts["phones"]] == [
        ("+61370104821", ["json-ld"]), ("+61370104999", ["microdata", "page"])]


def test_phone_parses_are_remembered_through_phonenumbers_own_matcher() -> None:
    """ingest.contacts hooks the matcher's per-candidate check (a private method of phonenumbers) to remember
    parses; if an upgrade renames it, this fails instead of ingest silently slowing down."""
    from ingest import contacts

    contacts._verified_number.cache_clear()
    text = "Call (425) 347-8614 today. Questions? (425) 347-8614."
    assert phones_in(text, ["US"]) == [("+14253478614", "(425) 347-8614")]
    assert phones_in(text, ["US"]) == [("+14253478614", "(425) 347-8614")]  # again: parsed from the memo
    info = contacts._verified_number.cache_info()
    assert info.misses >= 1 and info.hits >= 1


def test_fax_numbers_are_not_phones() -> None:
    assert phones_in("Phone: (425) 347-8614 Fax: (425) 347-8615") == [("+14253478614", "(425) 347-8614")]
    assert phones_in("Tel 0113 496 0123, fax no. 0113 496 0124") == [("+441134960123", "0113 496 0123")]


def test_a_page_title_alone_never_names_the_clinic() -> None:
    """'Swedish Massage | Providers of Fascial Facial Massage' says what the page offers; a name the page gives
    elsewhere (its copyright line) is the clinic's."""
    page = ("<html><head><title>Deep Tissue | Providers of Fascial Facial Massage</title></head><body><main>"
            "<h1>Deep tissue</h1><p>Call 0113 496 0123 to book.</p></main></body></html>")
    facts = clinic_facts(parse_article(page, "deep.html"))
    assert facts is not None and facts["name"] is None and facts["names"] == []
    signed = page.replace("</main>", "</main><footer>© 2024 Riverbend Massage Therapies</footer>")
    facts = clinic_facts(parse_article(signed, "deep.html"))
    assert facts is not None and facts["name"] == "Riverbend Massage Therapies"
