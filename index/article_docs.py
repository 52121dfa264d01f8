"""The one mapping from an ingested article to its Whoosh document: an `article` result, found by its sections.

An article is one document (not one per section): a result is a page a patient can open, facets count pages, and
the best section is chosen per query from the article's sentences, as an entry's best source is (index/search.py).
Every sentence is a passage carrying its section's heading and anchor, so the result quotes and links that section.
"""

from __future__ import annotations

import json
from typing import Any

from index.desk_facts import FACTS_PER_TOPIC, sentence_topics
from index.documents import MAX_EVIDENCE_PASSAGES, _facet, desk_keywords
from index.entry_view import encode_view
from index.passages import encode_postings
from kb.articles import ArticleText
from kb.model import Entry

ARTICLE_KIND = "article"
SUMMARY_SENTENCES = 1


def section_anchor(number: int) -> str:
    """The fragment id of section `number` on an article's page."""
    return f"s{number}"


def named_entries(entries: list[Entry]) -> dict[str, list[dict[str, str]]]:
    """Per article id, the entries (not clinics) that cite it, in entry order: what the article names."""
    out: dict[str, list[dict[str, str]]] = {}
    for e in entries:
        if e.kind == "clinic":
            continue
        for article_id in dict.fromkeys(s.article_id for s in e.sources):
            out.setdefault(article_id, []).append({"id": e.id, "kind": e.kind, "name": e.name})
    return out


def passages_of(article: ArticleText) -> list[dict[str, str]]:
    """Every sentence of the article as a passage: its section's heading and anchor, and prose or list."""
    out = []
    for n, section in enumerate(article.sections):
        for block in section.blocks:
            context = "list" if block.kind == "item" else "prose"
            out += [{"article_id": article.article_id, "section": section.heading, "sentence": s, "context": context,
                     "anchor": section_anchor(n)} for s in block.sentences]
    return out


def article_head(article: ArticleText, named: list[dict[str, str]]) -> dict[str, Any]:
    """The article as a result's head: title as name, first prose sentence as summary, the entries it names."""
    passages = passages_of(article)
    prose = [p["sentence"] for p in passages if p["context"] == "prose"] or [p["sentence"] for p in passages]
    return {"id": article.article_id, "kind": ARTICLE_KIND, "name": article.title or article.path,
            "summary": " ".join(prose[:SUMMARY_SENTENCES]), "path": article.path, "url": article.url,
            "clinic": article.clinic, "entries": named}


def to_article_document(article: ArticleText, named: list[dict[str, str]],
                        regions: dict[str, list[str]]) -> dict[str, Any]:
    """The Whoosh document of `article`; `named` are the entries it names, `regions` condition ids' body regions."""
    passages = passages_of(article)
    head = article_head(article, named)
    facets: dict[str, list[str]] = {"condition": [], "technique": [], "benefit": [], "body_region": [],
                                    "clinic": [article.clinic] if article.clinic else []}
    for e in named:
        facets[e["kind"]].append(e["name"])
        facets["body_region"] += regions.get(e["id"], [])
    source = {"article_id": article.article_id, "title": head["name"], "path": article.path, "url": article.url,
              "clinic": article.clinic, "section": passages[0]["section"] if passages else "",
              "sentence": head["summary"]}
    view = {**head, "sources": [source], "passages": passages}
    text = " ".join(p["sentence"] for p in passages[:MAX_EVIDENCE_PASSAGES])
    related = " ".join(sorted({e["name"] for e in named}))
    headings = " ".join(dict.fromkeys(s.heading for s in article.sections[1:] if s.heading))
    return {
        "id": article.article_id,
        "kind": ARTICLE_KIND,
        "name": head["name"],
        "related": related,
        "summary": headings,
        "evidence": text,
        "names_plain": f"{head['name']} {related}",
        "text_plain": f"{head['name']} {headings} {text}",
        **{k: _facet(v) for k, v in facets.items()},
        "desk": desk_keywords([p["sentence"] for p in passages]),
        "n_sources": 1,
        "view": encode_view(view),
        "passage_stems": encode_postings([p["sentence"] for p in passages]),
        "names": head["name"],
        "article": json.dumps(article.to_dict(), ensure_ascii=False),
    }


def clinic_facts(texts: list[ArticleText]) -> dict[str, list[dict[str, Any]]]:
    """Per clinic name, the front-desk facts its articles state: topic, sentence and the article it is from (the
    first FACTS_PER_TOPIC sentences per topic, in article order)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for article in texts:
        if not article.clinic:
            continue
        facts = out.setdefault(article.clinic, [])
        for p in passages_of(article):
            for topic in sorted(sentence_topics(p["sentence"])):
                if sum(f["topic"] == topic for f in facts) < FACTS_PER_TOPIC:
                    facts.append({"topic": topic, "sentence": p["sentence"], "section": p["section"],
                                  "article_id": article.article_id, "title": article.title or article.path,
                                  "path": article.path, "url": article.url})
    return out
