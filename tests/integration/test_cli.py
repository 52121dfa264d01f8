"""The `kb` command line through click's CliRunner: every contract verb, its JSON, and its exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kb.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SEEDS = [SAMPLES / "000_bdca583351179dba.txt", SAMPLES / "004_106da2731041b397.txt"]


def run(runner: CliRunner, *args: str | Path) -> tuple[int, str]:
    result = runner.invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_ingest_lists_entries_and_clinics(runner: CliRunner, data_dir: Path) -> None:
    code, out = run(runner, "ingest", *SEEDS, "--data-dir", data_dir)
    assert code == 0, out
    assert "Ingested 2 article(s)" in out
    for line in ("Sciatica", "TMJ disorder", "Iliotibial band syndrome", "Neuromuscular massage therapy",
                 "Increased flexibility",
                 "Clinic: Everett Spine & Rehab — (425) 347-8614; 927 128th St SW Ste B, Everett, WA 98204",
                 "Clinic: Medical Fitness and Wellness Group — (770) 623-4078; 10700 Medlock Bridge Road Suite 105 "
                 "Johns Creek, Georgia 30097"):
        assert line in out


def test_ingest_json_summary(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder)
    (folder / "empty.html").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not an article type: ignored, not skipped
    code, out = run(runner, "ingest", folder, "--json", "--data-dir", data_dir)
    assert code == 0, out
    summary = json.loads(out)
    assert set(summary) >= {"articles", "entries", "skipped", "index_version"}
    assert summary["articles"] == 1
    assert set(summary["entries"]) == {"condition", "benefit", "technique", "clinic"}
    assert summary["skipped"] == [{"path": "empty.html", "reason": "empty file"}]


def test_strict_and_nothing_ingested_exit_1(runner: CliRunner, data_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert run(runner, "ingest", empty, "--data-dir", data_dir)[0] == 1
    code, _ = run(runner, "ingest", SEEDS[0], empty, "--strict", "--data-dir", data_dir)
    assert code == 1
    assert not (data_dir / "CURRENT").exists()  # --strict published nothing
    assert run(runner, "ingest", "--data-dir", data_dir)[0] == 2  # usage: no path


def test_add_merges_and_replaces(runner: CliRunner, data_dir: Path) -> None:
    run(runner, "ingest", SEEDS[0], "--data-dir", data_dir)
    code, out = run(runner, "ingest", SEEDS[1], "--add", "--json", "--data-dir", data_dir)
    assert code == 0 and json.loads(out)["articles"] == 2
    code, out = run(runner, "ingest", SEEDS[1], "--add", "--json", "--data-dir", data_dir)
    assert json.loads(out)["articles"] == 2  # the same article again replaces itself
    code, out = run(runner, "ingest", SEEDS[1], "--json", "--data-dir", data_dir)
    assert json.loads(out)["articles"] == 1  # without --add the named sources are the whole knowledge base


def test_search_json_is_the_api_object(runner: CliRunner, sample_data_dir: Path, client) -> None:  # type: ignore[no-untyped-def]
    code, out = run(runner, "search", "sciatica", "--json", "--limit", "3", "--data-dir", sample_data_dir)
    assert code == 0
    result = json.loads(out)
    assert result == client.get("/api/search?q=sciatica&per_page=3").get_json()
    assert result["per_page"] == 3 and result["results"][0]["id"] == "condition-sciatica"


def test_search_text_kind_and_facets(runner: CliRunner, sample_data_dir: Path) -> None:
    code, out = run(runner, "search", "massage", "--kind", "clinic", "--facet", "clinic=Everett Spine & Rehab",
                    "--data-dir", sample_data_dir)
    assert code == 0
    assert "1 result(s)" in out and "Everett Spine & Rehab [clinic]" in out
    assert run(runner, "search", "x", "--facet", "colour=red", "--data-dir", sample_data_dir)[0] == 2
    assert run(runner, "search", "x" * 201, "--data-dir", sample_data_dir)[0] == 2


def test_show_and_missing_entry(runner: CliRunner, sample_data_dir: Path) -> None:
    code, out = run(runner, "show", "condition-sciatica", "--data-dir", sample_data_dir)
    assert code == 0 and "ICD-10-CM M54.3: Sciatica" in out and "000_bdca583351179dba.txt" in out
    entry = json.loads(run(runner, "show", "condition-sciatica", "--json", "--data-dir", sample_data_dir)[1])
    assert entry["id"] == "condition-sciatica" and entry["url"] == "/entries/condition-sciatica"
    code, out = run(runner, "show", "condition-nope", "--data-dir", sample_data_dir)
    assert code == 1 and "no entry with id or name 'condition-nope'" in out


def test_show_takes_a_name_or_alias_and_suggests_ids(runner: CliRunner, sample_data_dir: Path) -> None:
    by_id = run(runner, "show", "condition-sciatica", "--json", "--data-dir", sample_data_dir)[1]
    for name in ("sciatica", "Sciatica", "sciatic nerve pain"):
        assert run(runner, "show", name, "--json", "--data-dir", sample_data_dir) == (0, by_id)
    code, out = run(runner, "show", "sciatca", "--data-dir", sample_data_dir)
    assert code == 1 and "(did you mean: condition-sciatica" in out


def test_export_is_json_lines_of_entries(runner: CliRunner, sample_data_dir: Path) -> None:
    code, out = run(runner, "export", "--kind", "clinic", "--data-dir", sample_data_dir)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and lines and {e["kind"] for e in lines} == {"clinic"}
    assert all(e["contact"]["phones"] for e in lines)


def test_stats(runner: CliRunner, sample_data_dir: Path) -> None:
    stats = json.loads(run(runner, "stats", "--json", "--data-dir", sample_data_dir)[1])
    assert stats["articles"] == 16 and stats["entries"]["clinic"] >= 10
    assert stats["index_bytes"] > 0 and stats["index_version"]


def test_data_dir_from_environment(runner: CliRunner, sample_data_dir: Path) -> None:
    result = runner.invoke(main, ["stats", "--json"], env={"KB_DATA_DIR": str(sample_data_dir)})
    assert result.exit_code == 0 and json.loads(result.output)["articles"] == 16
