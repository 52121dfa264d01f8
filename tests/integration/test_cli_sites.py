"""`kb site set`, `kb site list` and `kb ingest --site` through click's CliRunner: settings, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main
from kb.knowledge import KnowledgeBase

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEEDS = [SAMPLES / "000_bdca583351179dba.txt", SAMPLES / "004_106da2731041b397.txt"]


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str]:
    result = runner.invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_site_set_and_list(runner: CliRunner, data_dir: Path) -> None:
    code, out = run(runner, "site", "list", "--data-dir", data_dir)
    assert (code, out.split(":")[0]) == (0, "no sites configured")
    code, out = run(runner, "site", "set", "everett", "--name", "Everett Spine & Rehab", "--host", "everett.example",
                    "--host", "search.everett.example", "--origin", "https://www.everett.example", "--phone",
                    "(425) 347-8614", "--country", "US", "--booking", "https://www.everett.example/book",
                    "--data-dir", data_dir)
    assert code == 0, out
    assert out == ("everett: Everett Spine & Rehab; content own; hosts everett.example, search.everett.example; "
                   "origins https://www.everett.example; phone +14253478614; booking "
                   "https://www.everett.example/book; country US\n")
    code, out = run(runner, "site", "list", "--json", "--data-dir", data_dir)
    assert code == 0 and json.loads(out) == {"everett": {
        "name": "Everett Spine & Rehab", "hosts": ["everett.example", "search.everett.example"],
        "origins": ["https://www.everett.example"], "booking": "https://www.everett.example/book",
        "phone": "+14253478614", "country": "US", "content": "own"}}


def test_site_set_errors_exit_1_and_change_nothing(runner: CliRunner, data_dir: Path) -> None:
    assert run(runner, "site", "set", "a", "--name", "A", "--data-dir", data_dir)[0] == 0
    result = runner.invoke(main, ["site", "set", "a", "--phone", "123", "--country", "QQ", "--data-dir",
                                  str(data_dir)])
    assert result.exit_code == 1
    assert "kb: site 'a': phone '123' is not a valid number" in result.output
    assert "kb: site 'a': country 'QQ' has no emergency numbers" in result.output
    assert json.loads(run(runner, "site", "list", "--json", "--data-dir", data_dir)[1])["a"]["phone"] is None
    code, out = run(runner, "site", "set", "Not A Slug", "--data-dir", data_dir)
    assert code == 2 and "a site id is 1-40 lower-case letters" in out


def test_ingest_site_keeps_other_sites(runner: CliRunner, data_dir: Path) -> None:
    assert run(runner, "ingest", SEEDS[0], "--site", "one", "--data-dir", data_dir)[0] == 0
    assert run(runner, "ingest", SEEDS[1], "--site", "two", "--json", "--data-dir", data_dir)[0] == 0
    manifest = KnowledgeBase(data_dir).current().snap.manifest
    assert {k: v["articles"] for k, v in manifest["sites"].items()} == {"one": 1, "two": 1}
    assert manifest["articles"] == 2
    code, out = run(runner, "ingest", SEEDS[0], "--site", "Bad Site", "--data-dir", data_dir)
    assert code == 2 and "a site id is 1-40 lower-case letters" in out


def test_search_and_show_in_a_sites_scope(runner: CliRunner, data_dir: Path) -> None:
    assert run(runner, "ingest", SEEDS[0], "--site", "one", "--data-dir", data_dir)[0] == 0
    assert run(runner, "ingest", SEEDS[1], "--site", "two", "--data-dir", data_dir)[0] == 0
    code, out = run(runner, "search", "neuromuscular", "--site", "one", "--json", "--data-dir", data_dir)
    paths = {s["path"] for r in json.loads(out)["results"] for s in r["sources"]}
    assert code == 0 and paths == {SEEDS[0].name}
    code, out = run(runner, "show", "sciatica", "--site", "two", "--json", "--data-dir", data_dir)
    assert code == 0 and [s["path"] for s in json.loads(out)["sources"]] == [SEEDS[1].name]
    code, out = run(runner, "search", "neuromuscular", "--site", "three", "--data-dir", data_dir)
    assert code == 1 and "kb: no site 'three'" in out
