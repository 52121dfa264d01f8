"""Phrases left for the clinic to review, end to end: in the ingest report (and `kb ingest --json`), kept over
`--add`, and never in the A–Z, the suggestions or the entries patients see."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from kb.knowledge import KnowledgeBase
from kb.vocabulary import fold

INTRO = ("<p>Our therapists see people of all ages every day in the clinic, and every visit starts with a careful "
         "look at how you move, what you do all day and what you hope to get back to doing soon.</p>")
FEET = ("<html><body><main><h1>Foot clinic</h1>" + INTRO + "<h2>Conditions we treat</h2><ul><li>Bunions</li>"
        "<li>Stiff big toe</li><li>Whatever is slowing you down</li><li>Amazing relief in one visit</li>"
        "<li>Curly toes</li></ul></main></body></html>")
HANDS = ("<html><body><main><h1>Hand clinic</h1>" + INTRO + "<h2>Conditions we treat</h2><ul><li>Trigger finger</li>"
         "<li>Stiff little finger</li><li>Anything that keeps you from typing</li></ul></main></body></html>")


def _pages(folder: Path, **pages: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    return [folder / f"{name}.html" for name in pages]


def test_phrases_to_review_reach_the_report_only(tmp_path: Path) -> None:
    kb = KnowledgeBase(tmp_path / "kb-data")
    report = kb.ingest(_pages(tmp_path / "a", feet=FEET))
    phrases = {r["phrase"] for r in report.to_review}
    assert phrases == {"Whatever is slowing you down", "Amazing relief in one visit"}
    assert report.to_review_total == 2
    assert {r["path"] for r in report.to_review} == {"feet.html"}
    version = kb.current()
    az = {e["name"] for letter in version.conditions()["letters"] for e in letter["entries"]}
    assert {"Stiff big toe", "Curly toes"} <= az
    names = {e["name"] for e in version.entries()}
    assert not phrases & az and not phrases & names
    for prefix in ("whatever", "amazing", "amazing relief"):
        suggested = json.dumps(version.suggest(prefix)["suggestions"])
        assert "Whatever" not in suggested and "Amazing relief" not in suggested, suggested
    assert "stiff big toe" in fold(json.dumps(version.suggest("stiff big")))

    # --add: the earlier article's phrases ride with the version
    report = kb.ingest(_pages(tmp_path / "b", hands=HANDS), add=True)
    assert {(r["phrase"], r["path"]) for r in report.to_review} == {
        ("Whatever is slowing you down", "feet.html"), ("Amazing relief in one visit", "feet.html"),
        ("Anything that keeps you from typing", "hands.html")}


def test_kb_ingest_reports_phrases_to_review(tmp_path: Path) -> None:
    runner = CliRunner()
    pages = _pages(tmp_path / "a", feet=FEET)
    data = str(tmp_path / "kb-data")
    result = runner.invoke(main, ["ingest", str(pages[0]), "--json", "--data-dir", data])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["to_review_total"] == 2
    assert [{k: r[k] for k in ("phrase", "kind", "path", "section")} for r in summary["to_review"]] == [
        {"phrase": "Whatever is slowing you down", "kind": "condition", "path": "feet.html",
         "section": "Conditions we treat"},
        {"phrase": "Amazing relief in one visit", "kind": "condition", "path": "feet.html",
         "section": "Conditions we treat"}]
    result = runner.invoke(main, ["ingest", str(pages[0]), "--data-dir", data])
    assert result.exit_code == 0, result.output
    assert "To review: 2 phrase(s)" in result.output
    assert "Whatever is slowing you down" not in result.output
