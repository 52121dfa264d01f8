"""Property-based tests over the article parser: any text in any format gives an Article (or a front-matter error
for Markdown), any bytes give an Article or a skip reason, and never a parser crash.

Hypothesis runs derandomized and without an example database, so CI is deterministic.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.decode import UndecodableError, decode
from ingest.extract import extract
from ingest.files import Skipped, read_article
from ingest.markdown_article import FrontMatterError
from ingest.parse import parse_article
from kb.model import Article
from kb.vocabulary import Vocabulary

PARSE = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WORDS = ["sciatica", "massage", "deep", "tissue", "jaw", "pain", "relief", "sessions", "Call", "(425) 555-0100",
         "info@clinic.example", "Mon–Fri 9–5", "123 Main St", "TMJ", "vs", "benefits", "&amp;", "&lt;script&gt;",
         "&#0;", "&#xD800;", "&bogus;", "\u202e", "\x00", "\x0c", "é", "🙂", "<", ">", "\"", "'", "javascript:x()"]
TAGS = ["div", "p", "span", "a", "h1", "h2", "h3", "ul", "ol", "li", "table", "tr", "td", "main", "article", "nav",
        "header", "footer", "aside", "section", "details", "summary", "script", "style", "noscript", "template",
        "svg", "math", "form", "button", "br", "img", "iframe", "address", "blockquote", "pre", "code", "dl", "dt",
        "dd", "b", "i", "strong", "font", "center", "marquee", "x-custom", "body", "html", "head", "title", "meta"]
ATTRS = ["class", "id", "role", "href", "src", "style", "itemprop", "itemtype", "aria-hidden", "onclick", "lang",
         "content", "property", "name", "rel", "charset", "hidden"]
ATTR_VALUES = ["main", "content", "nav menu", "entry-content", "footer", "navigation", "main", "true",
               "display:none", "javascript:alert(1)", "https://example.com/a", "/relative", "tel:+14255550100",
               "mailto:a@b.c", "og:url", "canonical", "http://schema.org/Article", "", "\"", "'"]


def words() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=12).map(" ".join)


@st.composite
def html_fragment(draw: st.DrawFn, depth: int = 0) -> str:
    """Random markup: tags (closed or not), attributes, text, comments, CDATA, entities, JSON-LD."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 1))):
        kind = draw(st.sampled_from(["text", "tag", "tag", "tag", "comment", "jsonld", "junk"]))
        if kind == "text" or depth >= 6:
            parts.append(draw(words()))
        elif kind == "tag":
            tag = draw(st.sampled_from(TAGS))
            attrs = "".join(f' {a}="{v}"' for a, v in draw(st.lists(
                st.tuples(st.sampled_from(ATTRS), st.sampled_from(ATTR_VALUES)), max_size=3)))
            inner = draw(html_fragment(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</div>"]))
            parts.append(f"<{tag}{attrs}>{inner}{close}")
        elif kind == "comment":
            parts.append(draw(st.sampled_from(["<!-- ", "<!--x-->", "<![CDATA[", "]]>", "<?php echo 1 ?>", "<?xml "])))
        elif kind == "jsonld":
            value = draw(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                                      lambda c: st.lists(c, max_size=3) | st.dictionaries(
                                          st.sampled_from(["@type", "name", "telephone", "address", "url", "@graph",
                                                           "streetAddress", "openingHours", "email", "x"]), c,
                                          max_size=4), max_leaves=8))
            parts.append(f'<script type="application/ld+json">{json.dumps(value)}</script>')
        else:
            parts.append(draw(st.text(alphabet="<>/=\"'&;!-[]? \n", max_size=20)))
    return "".join(parts)


@st.composite
def markdown_text(draw: st.DrawFn) -> str:
    front = draw(st.sampled_from(["", "yaml", "toml", "broken"]))
    head = ""
    if front == "yaml":
        keys = draw(st.dictionaries(st.sampled_from(["title", "url", "canonical", "clinic", "description", "faq",
                                                     "date", "body", "tags", "summary"]), words(), max_size=4))
        head = "---\n" + "".join(f"{k}: {json.dumps(v)}\n" for k, v in keys.items()) + "---\n"
    elif front == "toml":
        head = f'+++\ntitle = {json.dumps(draw(words()))}\n+++\n'
    elif front == "broken":
        head = draw(st.sampled_from(["---\n: : :\n---\n", "---\n[\n---\n", "+++\n= x\n+++\n", "---\nno end\n"]))
    lines = draw(st.lists(st.one_of(
        words(), words().map(lambda w: "# " + w), words().map(lambda w: "- " + w), words().map(lambda w: "> " + w),
        words().map(lambda w: "1. " + w), st.just("```"), st.just("---"), html_fragment(),
        words().map(lambda w: f"[{w}](javascript:alert(1))"), st.just("| a | b |\n|---|---|\n| 1 | 2 |")),
        max_size=15))
    return head + "\n\n".join(lines)


def check_article(article: Article, path: str) -> None:
    assert isinstance(article, Article)
    assert article.path == path
    assert isinstance(article.title, str)
    assert article.url is None or article.url.startswith(("http://", "https://"))
    for section in article.sections:
        assert isinstance(section.heading, str)
        assert all(isinstance(b.text, str) and b.text.strip() for b in section.blocks), section  # no empty blocks


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


@given(body=html_fragment(), head=html_fragment())
@PARSE
def test_any_html_parses_to_an_article(body: str, head: str, vocab: Vocabulary) -> None:
    text = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    for path in ("page.html", "page.txt"):  # a .txt that is really HTML goes to the HTML parser too
        article = parse_article(text, path)
        check_article(article, path)
    extract(article, vocab)


@given(text=markdown_text())
@PARSE
def test_any_markdown_parses_or_says_its_front_matter_is_bad(text: str, vocab: Vocabulary) -> None:
    try:
        article = parse_article(text, "note.md")
    except FrontMatterError as exc:
        assert str(exc).startswith("front matter is not valid")
        return
    check_article(article, "note.md")
    extract(article, vocab)


@given(text=st.one_of(st.text(max_size=400), st.lists(words(), max_size=20).map("\n\n".join),
                      st.lists(st.one_of(words(), words().map(lambda w: w.upper()), words().map(lambda w: "* " + w),
                                         st.just(""), st.just("---")), max_size=20).map("\n".join)))
@PARSE
def test_any_plain_text_parses_to_an_article(text: str, vocab: Vocabulary) -> None:
    article = parse_article(text, "note.txt")
    check_article(article, "note.txt")
    extract(article, vocab)


@given(data=st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda t: t.encode("utf-16")),
                      st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.tuples(st.sampled_from(["utf-8", "latin-1", "utf-16", "base64", "utf-7", "x"]),
                                st.binary(max_size=200)).map(
                          lambda p: f'<meta charset="{p[0]}">'.encode() + p[1])))
@settings(max_examples=150, deadline=None, derandomize=True, database=None)
def test_any_bytes_decode_or_are_undecodable(data: bytes) -> None:
    try:
        text, encoding = decode(data)
    except UndecodableError:
        return
    assert isinstance(text, str) and encoding


@given(data=st.one_of(st.binary(max_size=800), html_fragment().map(lambda t: t.encode("utf-8", "surrogatepass")),
                      markdown_text().map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.text(st.characters(categories=("Cs", "Ll", "Zs")), max_size=12).map(lambda t: (
                          '<html><body><script type="application/ld+json">{"@type": "MedicalClinic", "name": '
                          f'{json.dumps(t)}}}</script><main><p>Sciatica massage {t}</p></main></body></html>').encode(
                              "utf-8", "surrogatepass"))),
       suffix=st.sampled_from([".html", ".md", ".txt", ".php", ".xhtml"]))
@PARSE
def test_any_file_is_an_article_or_a_skip_never_a_parser_error(tmp_path_factory: pytest.TempPathFactory,
                                                               data: bytes, suffix: str, vocab: Vocabulary) -> None:
    file = tmp_path_factory.mktemp("fuzz") / f"file{suffix}"
    file.write_bytes(data)
    outcome = read_article(file, file.name)
    if isinstance(outcome, Skipped):
        assert outcome.reason and not outcome.reason.startswith("could not be parsed"), outcome.reason
    else:
        check_article(outcome, file.name)
        # What ingest stores must be storable: UTF-8 all through (no lone surrogates from JSON or YAML escapes).
        json.dumps(asdict(outcome), ensure_ascii=False).encode("utf-8")
        json.dumps(extract(outcome, vocab).to_dict(), ensure_ascii=False).encode("utf-8")


def test_article_text_is_never_lost_to_entities_or_markup(vocab: Vocabulary) -> None:
    text = ("<html><body><main><h1>Sciatica &amp; you</h1><p>Patients type &lt;script&gt;alert(1)&lt;/script&gt; "
            "and <b onclick='x()'>deep tissue massage</b> helps sciatica.</p></main></body></html>")
    article = parse_article(text, "x.html")
    body = " ".join(b.text for s in article.sections for b in s.blocks)
    assert "<script>alert(1)</script>" in body  # kept as text: escaping is the output's job
    assert "deep tissue massage helps sciatica" in body
    assert Path("x.html").name == article.path
