"""Parsing real-world article shapes: messy HTML, Markdown front matter, scraped text, odd encodings."""

from __future__ import annotations

import codecs

import pytest

from ingest.decode import UndecodableError, decode
from ingest.markdown_article import FrontMatterError, parse_markdown
from ingest.parse import parse_article
from ingest.sentences import split_sentences
from ingest.text_article import parse_text
from kb.model import Article


def outline(article: Article) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(s.heading, [(b.kind, b.text) for b in s.blocks]) for s in article.sections]


MESSY = """<!DOCTYPE html><html lang="en"><head><title>TMJ Relief | Bayview Chiropractic</title>
<meta property="og:url" content="https://bayview.example.com/tmj">
<meta property="og:site_name" content="Bayview Chiropractic">
<style>.x{color:red}</style><script>var menu = "Dental Implants";</script></head><body>
<div class="cookie-banner">We use cookies. <a href="#">Accept</a></div>
<header class="site-header"><nav class="mega-menu"><ul><li><a href="/implants">Dental Implants</a></li>
<li><a href="/sciatica">Sciatica</a></li></ul></nav></header>
<img src="data:image/png;base64,iVBORw0KGgo=">
<article><h1>TMJ Relief<h1>
<p>Jaw pain <?php include('cta.php'); ?> often starts with clenching.</a> We see it daily.</p>
<p>What we treat:<ul><li>Jaw pain</li><li>Headaches <ul><li>Tension headaches</li></ul></li></ul></p>
<details><summary>How many sessions?</summary><p>Most people need 3-5 sessions.</p></details>
<figure><img src="x.jpg"><figcaption>A woman holding her jaw</figcaption></figure>
</article>
<aside class="related-posts"><h3>Related</h3><p>Sciatica stretches</p></aside>
<footer><p>Call <a href="tel:+15035550142">(503) 555-0142</a>, 12 Bay St, Portland, OR 97201</p></footer>
</body></html>"""


def test_messy_html_keeps_only_main_content() -> None:
    article = parse_article(MESSY, "tmj.html")
    assert article.title == "TMJ Relief"
    assert article.url == "https://bayview.example.com/tmj"
    assert article.site == "Bayview Chiropractic"
    assert outline(article) == [
        ("TMJ Relief", [("paragraph", "Jaw pain often starts with clenching. We see it daily."),
                        ("paragraph", "What we treat:"), ("item", "Jaw pain"), ("item", "Headaches"),
                        ("item", "Tension headaches")]),
        ("How many sessions?", [("paragraph", "Most people need 3-5 sessions.")]),
    ]
    text = " ".join(b.text for s in article.sections for b in s.blocks)
    for furniture in ("Dental Implants", "cookies", "Sciatica", "woman holding", "php"):
        assert furniture not in text


def test_contact_facts_come_from_the_whole_page() -> None:
    facts = {(f.kind, f.value) for f in parse_article(MESSY, "tmj.html").facts}
    assert ("phone", "+15035550142") in facts
    assert ("address", "12 Bay St, Portland, OR 97201") in facts
    assert ("name", "Bayview Chiropractic") in facts


def test_content_in_a_div_soup_without_article_element() -> None:
    html = ("<html><body><div id='menu'><a>Home</a><a>Botox</a></div><div class='entry-content'>"
            + "<h2>Shin splints</h2>" + "<div>Runners often feel pain along the shin bone after long runs. </div>" * 8
            + "</div><div class='footer-widgets'>Copyright</div></body></html>")
    article = parse_article(html, "shin.html")
    assert [s.heading for s in article.sections] == ["Shin splints"]
    assert "Botox" not in str(outline(article)) and "Copyright" not in str(outline(article))


def test_markdown_with_yaml_front_matter() -> None:
    text = ("---\ntitle: Plantar fasciitis\ndate: 2024-03-01\nurl: https://cedar.example.com/pf\nclinic: Cedar PT\n"
            "---\n# Plantar fasciitis\n\nHeel pain in the **morning**.\n\n## Benefits\n\n- Less pain\n- More walking\n")
    article = parse_markdown(text, "pf.md")
    assert (article.title, article.url, article.site, article.published) == (
        "Plantar fasciitis", "https://cedar.example.com/pf", "Cedar PT", "2024-03-01")
    assert outline(article) == [("Plantar fasciitis", [("paragraph", "Heel pain in the morning .")]),
                                ("Benefits", [("item", "Less pain"), ("item", "More walking")])]


def test_markdown_with_toml_front_matter_and_content_only_in_keys() -> None:
    text = ('+++\ntitle = "Cupping"\ndescription = "Cupping eases tight shoulders."\n'
            '[[faq]]\nq = "Does it hurt?"\na = "Most people find it relaxing."\n+++\n')
    assert outline(parse_markdown(text, "cupping.md")) == [
        ("Cupping", [("paragraph", "Cupping eases tight shoulders.")]),
        ("Does it hurt?", [("paragraph", "Most people find it relaxing.")])]


def test_broken_front_matter_is_a_clear_error() -> None:
    with pytest.raises(FrontMatterError, match="front matter is not valid"):
        parse_markdown("---\ntitle: [unclosed\n---\nbody\n", "x.md")


SCRAPED = ("Why Stretch?\r\n\r\nSkip to content\r\n\r\nStretching Helps Runners\r\n\r\nTight calves cause pain. "
           "Stretching helps.\r\n\r\nrunner stretching her calf\r\n\r\nWhat It Treats\r\n\r\n• Shin splints\r\n"
           "Plantar fasciitis\r\n• Calf cramps\r\n\r\nThe Takeaway\r\n\r\nStretch daily, gently and often, please.\r\n"
           "\r\nSummary\r\nArticle Name\r\nWhy Stretch?\r\nAuthor\r\nSome Clinic\r\nPublisher Logo\r\n"
           "Leave a comment\r\n")


def test_scraped_text_headings_bullets_captions_and_tail() -> None:
    assert outline(parse_text(SCRAPED, "stretch.txt")) == [
        ("Stretching Helps Runners", [("paragraph", "Tight calves cause pain. Stretching helps.")]),
        ("What It Treats", [("item", "Shin splints"), ("item", "Plantar fasciitis"), ("item", "Calf cramps")]),
        ("The Takeaway", [("paragraph", "Stretch daily, gently and often, please.")]),
    ]


def test_sentences_keep_abbreviations_together() -> None:
    assert split_sentences("Dr. Gill is here. Visit 927 128th St. SW today.It works.") == [
        "Dr. Gill is here.", "Visit 927 128th St. SW today.", "It works."]


@pytest.mark.parametrize(("data", "expected"), [
    (codecs.BOM_UTF8 + "café".encode(), "café"),
    ("<meta charset='iso-8859-1'>café".encode(), "<meta charset='iso-8859-1'>café"),  # declared wrong: UTF-8 wins
    ("<meta charset='windows-1252'>“café”".encode("cp1252"), "<meta charset='windows-1252'>“café”"),
    ("naïve “quotes” — déjà vu, café au lait, crème brûlée".encode("cp1252"),
     "naïve “quotes” — déjà vu, café au lait, crème brûlée"),
    ("café".encode("utf-16"), "café"),
])
def test_decoding(data: bytes, expected: str) -> None:
    assert decode(data)[0] == expected


def test_binary_is_undecodable() -> None:
    with pytest.raises(UndecodableError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
