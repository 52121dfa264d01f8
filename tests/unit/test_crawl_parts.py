"""The crawler's pure parts: URL normalizing, sitemap parsing, bounded decompression, links and robots meta tags,
and `kb ingest --if-empty` (what `make run` uses so it never replaces a knowledge base)."""

from __future__ import annotations

import gzip
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.crawl.body import TooBig, read_limited
from ingest.crawl.links import page_links
from ingest.crawl.sitemaps import parse_sitemap
from ingest.crawl.urls import normalize, same_site
from kb.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_urls_are_normalized_and_kept_to_one_site() -> None:
    assert normalize("HTTP://Clinic.Example:80/a b/?utm_source=x&page=2&fbclid=1#top") == \
        "http://clinic.example/a%20b/?page=2"
    assert normalize("../contact/", "https://clinic.example/services/massage/") == \
        "https://clinic.example/services/contact/"
    assert [normalize(u) for u in ("mailto:a@b.c", "tel:+1", "javascript:void(0)", "ftp://x/", "http://")] == [
        None] * 5
    assert same_site("https://clinic.example/x", "https://clinic.example")
    assert not same_site("http://clinic.example/x", "https://clinic.example")  # another scheme
    assert not same_site("https://www.clinic.example/x", "https://clinic.example")  # another host


def test_sitemaps_of_every_shape() -> None:
    base = "http://c.test/sitemap.xml"
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>http://c.test/a/</loc><lastmod>2026-01-01</lastmod></url><url><loc>/b/</loc></url></urlset>")
    assert parse_sitemap(urlset, base).pages == [("http://c.test/a/", "2026-01-01"), ("http://c.test/b/", None)]
    assert parse_sitemap(gzip.compress(urlset), base).pages[0][0] == "http://c.test/a/"
    index = b"<sitemapindex><sitemap><loc>http://c.test/s1.xml</loc></sitemap></sitemapindex>"
    assert parse_sitemap(index, base).sitemaps == ["http://c.test/s1.xml"]
    assert parse_sitemap(b"http://c.test/x/\n\nnot a url\n", base).pages == [("http://c.test/x/", None)]
    entity = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
              b"<urlset><url><loc>http://c.test/&e;</loc></url></urlset>")
    assert all("root" not in url for url, _ in parse_sitemap(entity, base).pages)  # no entity is ever expanded
    with pytest.raises(ValueError):
        parse_sitemap(b"<html><body>not a sitemap</body></html>", base)


def test_a_compression_bomb_stops_at_the_cap_without_inflating_it_all() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(packer.compress(b"\0" * 1048576) for _ in range(200)) + packer.flush()  # 200 MB of zeros
    chunks = [bomb[i:i + 65536] for i in range(0, len(bomb), 65536)]
    with pytest.raises(TooBig, match="decompressed"):
        read_limited(iter(chunks), "gzip", 1048576, time.monotonic() + 60)
    assert read_limited(iter([gzip.compress(b"<p>hi</p>")]), "gzip", 1024, time.monotonic() + 60) == b"<p>hi</p>"


def test_links_follow_base_and_skip_nofollow() -> None:
    html = (b'<html><head><base href="/blog/"><meta name="robots" content="noindex"></head><body>'
            b'<a href="post-1/">1</a><a rel="nofollow" href="/login/">x</a><a href="#top">top</a>'
            b'<a href="https://other.test/">o</a></body></html>')
    found = page_links(html, "http://c.test/")
    assert found.links == ["http://c.test/blog/post-1/", "http://c.test/blog/", "https://other.test/"]
    assert (found.noindex, found.nofollow) == (True, False)


def test_ingest_if_empty_never_replaces_a_knowledge_base(tmp_path: Path) -> None:
    data = tmp_path / "kb-data"
    sample = str(ROOT / "samples" / "harbourview-tmj-jaw-pain.html")
    first = CliRunner().invoke(main, ["ingest", sample, "--if-empty", "--data-dir", str(data)])
    assert first.exit_code == 0, first.output
    live = (data / "CURRENT").read_text()
    again = CliRunner().invoke(main, ["ingest", str(ROOT / "samples"), "--if-empty", "--data-dir", str(data)])
    assert again.exit_code == 0
    assert "already holds a knowledge base" in again.output
    assert (data / "CURRENT").read_text() == live
