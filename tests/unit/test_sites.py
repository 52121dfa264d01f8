"""Site settings (kb/sites.py): what `sites.json` may say, every problem reported at once, and atomic writes."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from kb.sites import SITES_FILE, Site, SiteError, SiteRegistry, parse_sites, read_sites, set_site

WEB_STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def test_a_full_site_reads_back_normalised(tmp_path: Path):
    site = set_site(tmp_path, "everett", name="Everett Spine", hosts=("Everett.Example.",), phone="(425) 555-0100",
                    origins=("https://www.everett.example/",), booking="https://www.everett.example/book",
                    country="us")
    assert site == Site("everett", "Everett Spine", ("everett.example",), ("https://www.everett.example",),
                        "https://www.everett.example/book", "+14255550100", "US", "own")
    assert read_sites(tmp_path) == {"everett": site}
    assert site.public() == {"id": "everett", "name": "Everett Spine", "phone": "+14255550100",
                             "phone_display": "(425) 555-0100", "tel": "tel:+14255550100",
                             "booking": "https://www.everett.example/book", "country": "US"}


def test_set_changes_only_what_is_given(tmp_path: Path):
    set_site(tmp_path, "a", name="A", phone="+44 20 7946 0018", country="GB")
    changed = set_site(tmp_path, "a", booking="https://a.example/book")
    assert (changed.name, changed.phone, changed.country, changed.booking) == (
        "A", "+442079460018", "GB", "https://a.example/book")


def test_every_problem_is_reported_and_nothing_is_written(tmp_path: Path):
    set_site(tmp_path, "ok", name="Fine")
    before = (tmp_path / SITES_FILE).read_text(encoding="utf-8")
    with pytest.raises(SiteError) as caught:
        set_site(tmp_path, "ok", country="XX", phone="12", origins=("ftp://x.example/path",), booking="javascript:x",
                 hosts=("bad host",), content="some")
    assert [re.sub(r" \(known: .*\)", "", e) for e in caught.value.errors] == [
        "site 'ok': country 'XX' has no emergency numbers in kb/data/emergency_numbers.yaml",
        "site 'ok': host 'bad host' is not a host name (optionally with :port)",
        "site 'ok': origin 'ftp://x.example/path' must be scheme://host[:port], e.g. https://www.clinic.example",
        "site 'ok': booking 'javascript:x' must be an http(s) URL",
        "site 'ok': phone '12' is not a valid number",
        "site 'ok': content must be one of own, all"]
    assert (tmp_path / SITES_FILE).read_text(encoding="utf-8") == before


@pytest.mark.parametrize(("doc", "error"), [
    ([], 'sites.json must be an object {"sites": {ID: settings}}'),
    ({"sites": {"Bad Id": {}}}, "site 'Bad Id': an id is 1-40 lower-case letters, digits and hyphens (a slug)"),
    ({"sites": {"a": {"colour": "red"}}}, "site 'a': unknown setting(s) colour"),
    ({"sites": {"a": {"hosts": "a.example"}}}, "site 'a': hosts must be a list of strings"),
    ({"sites": {"a": {"hosts": ["x.example"]}, "b": {"hosts": ["x.example"]}}},
     "host 'x.example' is given to both 'a' and 'b'"),
])
def test_invalid_documents_say_why(doc: object, error: str):
    with pytest.raises(SiteError) as caught:
        parse_sites(doc)
    assert caught.value.errors == [error]


def test_a_file_that_is_not_json_says_so(tmp_path: Path):
    (tmp_path / SITES_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(SiteError, match="sites.json is not valid JSON"):
        read_sites(tmp_path)


def test_the_registry_rereads_a_changed_file_and_reports_a_broken_one(tmp_path: Path):
    registry = SiteRegistry(tmp_path)
    assert registry.sites() == {}
    set_site(tmp_path, "a", name="A")
    assert registry.sites()["a"].name == "A"
    (tmp_path / SITES_FILE).write_text(json.dumps({"sites": {"a": {"country": "??"}}}), encoding="utf-8")
    with pytest.raises(SiteError):
        registry.sites()
    (tmp_path / SITES_FILE).unlink()
    assert registry.sites() == {}


def test_the_embed_is_small_and_needs_no_unsafe_csp():
    """Under 20 KB gzipped with its stylesheet; no eval, no markup from strings, no cookies or storage."""
    script = (WEB_STATIC / "embed.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("//"))
    css = (WEB_STATIC / "embed.css").read_text(encoding="utf-8")
    assert len(gzip.compress(script.encode())) + len(gzip.compress(css.encode())) < 20 * 1024
    for banned in ("eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                   "document.cookie", "localStorage", "sessionStorage", ".style.", "setAttribute(\"style\""):
        assert banned not in code, banned
    assert "credentials: \"omit\"" in code
