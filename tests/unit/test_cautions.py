"""Never claim what a page warns about: warnings, exclusions, referrals and billing create no condition source and
no "treats" relation; they are kept on the clinic's entry as cautions, quoted as such."""

from __future__ import annotations

import pytest

from ingest.extract import extract
from ingest.html_article import parse_html
from ingest.merge import merge
from kb.model import Entry
from kb.vocabulary import Vocabulary

PAGE = """<!doctype html><html lang="en"><head><title>Remedial massage | Riverbend Massage Clinic</title>
<script type="application/ld+json">{{"@type": "HealthAndBeautyBusiness", "name": "Riverbend Massage Clinic",
"telephone": "+1 503 555 0100"}}</script></head><body><main><h1>Remedial massage</h1>
<p>Remedial massage treats back pain and sciatica, and our therapists see neck pain every day. Each session is
sixty minutes and starts with a short assessment of how you move, so the work fits what you need that day.</p>
<h2>Conditions we treat</h2><ul><li>Plantar fasciitis</li><li>Tension headaches</li></ul>
{caution}
</main></body></html>"""

CAUTIONS = {
    "a contraindication list": "<h2>When not to have a massage</h2><ul><li>Gout</li><li>Fever</li>"
                               "<li>Deep vein thrombosis</li></ul>",
    "a lead-in asking not to book": "<p>Please don't book if you have any of these:</p><ul><li>Fever</li>"
                                    "<li>Gout</li><li>Deep vein thrombosis</li></ul>",
    "a warning sentence": "<p>If you have a fever, gout or a deep vein thrombosis, please see a doctor before "
                          "booking a massage.</p>",
    "a billing answer": "<h2>Can I claim on my insurance?</h2><p>Yes: after a car accident we bill your insurer "
                        "directly for whiplash and fever-related claims.</p>",
}


def entries_of(html: str) -> dict[str, Entry]:
    vocab = Vocabulary.load()
    extraction = extract(parse_html(html, "remedial.html"), vocab)
    return {e.id: e for e in merge([extraction], vocab)}


@pytest.mark.parametrize("wording", sorted(CAUTIONS))
def test_what_a_page_warns_about_is_a_caution_not_a_condition(wording: str) -> None:
    entries = entries_of(PAGE.format(caution=CAUTIONS[wording]))
    ids = sorted(i for i in entries if i.startswith("condition-"))
    # The page's own conditions stay; nothing it warns about, excludes or bills for is one.
    assert ids == ["condition-back-pain", "condition-neck-pain", "condition-plantar-fasciitis", "condition-sciatica",
                   "condition-tension-headache"]
    clinic = entries["clinic-riverbend-massage-clinic"]
    assert clinic.cautions, "the warning is kept on the clinic's entry"
    assert all(c.path == "remedial.html" for c in clinic.cautions)
    assert {p.sentence for p in clinic.passages if p.context == "caution"} == {c.sentence for c in clinic.cautions}
    related = {r.id for r in clinic.related}
    assert not related & {"condition-gout", "condition-fever", "condition-deep-vein-thrombosis", "condition-whiplash"}


def test_the_same_conditions_treated_are_conditions() -> None:
    """The check above can fail: the same words in a "conditions we treat" list are conditions."""
    entries = entries_of(PAGE.format(caution="<h2>We also treat</h2><ul><li>Gout</li><li>Whiplash</li></ul>"))
    assert {"condition-gout", "condition-whiplash"} <= set(entries)
    assert entries["clinic-riverbend-massage-clinic"].cautions == []


def test_a_technique_the_clinic_says_it_does_not_use_is_no_technique() -> None:
    """"We do not use fire cupping" excludes it: the page offers no Fire cupping (it says it offers cupping)."""
    entries = entries_of(PAGE.format(caution="<h2>Cupping</h2><p>We offer cupping therapy with silicone cups for "
                                             "tight shoulders. We do not use fire cupping.</p>"))
    assert "technique-cupping-therapy" in entries
    assert "technique-fire-cupping" not in entries
