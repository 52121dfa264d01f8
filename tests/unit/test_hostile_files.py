"""Single hostile files: impossible charset declarations, folders and FIFOs named like articles, symlink loops, deep
nesting, a bad article among good ones. Each written inline into a temporary folder; the whole generated corpus
(tests/hostile) is ingested in tests/integration/test_hostile_corpus.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import ARTICLE, page

from ingest.decode import declared_charset, decode
from ingest.files import MAX_NESTING, discover, read_article
from kb.pipeline import extract_sources
from kb.vocabulary import Vocabulary


@pytest.mark.parametrize(("label", "expected"), [
    ("base64", None), ("rot13", None), ("zlib", None), ("utf-16", None), ("utf-7", None), ("no-such", None),
    ("latin-1", "cp1252"), ("windows-1251", "cp1251"), ("shift_jis", "shift_jis")])
def test_declared_charset_ignores_non_text_and_impossible_labels(label: str, expected: str | None) -> None:
    assert declared_charset(f'<meta charset="{label}">'.encode()) == expected


def test_decode_survives_hostile_declarations() -> None:
    body = "<p>Caf\xe9 ok</p>".encode("cp1252")
    for label in ("base64", "utf-16", "uu", "hex"):
        text, encoding = decode(f'<html><head><meta charset="{label}"></head><body>'.encode() + body)
        assert "Café ok" in text, (label, encoding)


def test_read_article_never_raises_on_a_folder_named_like_an_article(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like.html"
    folder.mkdir()
    outcome = read_article(folder, "looks-like.html")
    assert getattr(outcome, "reason", "").startswith("not a regular file")


def test_a_path_argument_that_is_a_fifo_is_skipped_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    found, skipped = discover([fifo])
    assert found == []
    assert [s.reason for s in skipped] == ["not a regular file or folder (a pipe, device or socket)"]


def test_symlinked_folder_loops_end(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "side").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "a" / "b" / "note.md").write_text("# Sciatica\n\n" + ARTICLE)
    found, skipped = discover([tmp_path / "a"])
    assert [rel for rel, _ in found] == ["b/note.md"]
    assert sorted(s.path for s in skipped) == ["b/up", "side"]


def test_nesting_limit_is_generous_for_real_pages(tmp_path: Path) -> None:
    depth = MAX_NESTING - 10
    file = tmp_path / "nested.html"
    file.write_text(page("Sciatica", "<div>" * depth + f"<p>{ARTICLE}</p>" + "</div>" * depth))
    assert not hasattr(read_article(file, "nested.html"), "reason")


def test_a_bad_article_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(page("Sciatica", f"<p>{ARTICLE}</p>"))
    (tmp_path / "bad.md").write_text("---\ntitle: *undefined_alias\n---\n" + ARTICLE)
    result = extract_sources([tmp_path], Vocabulary.load())
    assert [e.path for e in result.extractions] == ["good.html"]
    assert [s.path for s in result.skipped] == ["bad.md"]
