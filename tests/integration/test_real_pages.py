"""The real-page gate: extraction on ../shared/corpus, real clinic pages nobody here wrote (read from there, never
copied here), scored by the corpus's own score.py. Prints every figure; fails below the floors.

The floors are the figures this code reaches, so that nothing slips back; the goals are issue 15's bars, printed
beside them until the floors reach them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.local_server import kb_executable

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
FLOORS = {"condition recall": 0.85, "condition precision": 0.87, "technique recall": 0.83, "benefit recall": 0.67,
          "phone recall": 0.95, "trap rate": 0.105}  # trap rate: a ceiling
GOALS = {"condition recall": 0.90, "condition precision": 0.80, "technique recall": 0.85, "benefit recall": 0.70,
         "phone recall": 0.90, "trap rate": 0.05}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every part's pages ingested into one knowledge base with the `kb` command, and exported (JSON Lines)."""
    assert (CORPUS / "score.py").is_file(), "../shared/corpus is missing: the real-page gate needs it beside the repo"
    data = tmp_path_factory.mktemp("real-pages") / "kb-data"
    parts = sorted(str(p) for p in CORPUS.glob("*/pages"))
    kb = kb_executable()
    subprocess.run([kb, "ingest", *parts, "--data-dir", str(data), "--json"], check=True, capture_output=True,
                   timeout=300)
    out = subprocess.run([kb, "export", "--data-dir", str(data)], check=True, capture_output=True, text=True)
    file = data.parent / "entries.jsonl"
    file.write_text(out.stdout, encoding="utf-8")
    return file


def figures(result: dict) -> dict[str, float]:
    return {"condition recall": result["recall"]["condition"], "condition precision": result["precision"]["condition"],
            "technique recall": result["recall"]["technique"], "benefit recall": result["recall"]["benefit"],
            "phone recall": result["phone_recall"], "trap rate": result["trap_rate"]}


def test_real_pages_gate(exported: Path) -> None:
    out = subprocess.run([sys.executable, str(CORPUS / "score.py"), str(exported), "--json"], check=True,
                         capture_output=True, text=True)  # the corpus's scorer, as its README runs it
    result = json.loads(out.stdout)
    got = figures(result)
    print(f"\nreal pages: {result['files']} files, {result['cited']} cited; precision technique "
          f"{result['precision']['technique']}, benefit {result['precision']['benefit']}")
    for name, value in got.items():
        print(f"  {name:<20} {value:.3f}  floor {FLOORS[name]:.2f}  goal {GOALS[name]:.2f}")
    below = [f"{n} {v:.3f}" for n, v in got.items()
             if (v > FLOORS[n] if n == "trap rate" else v < FLOORS[n])]
    assert below == [], f"below the real-page floors: {below}"


def test_every_page_with_a_phone_is_cited(exported: Path) -> None:
    """Nothing with facts is dropped: every page whose labels give a phone is cited by some entry."""
    gold = {f: g for part in sorted(CORPUS.glob("*/gold.json"))
            for f, g in json.loads(part.read_text(encoding="utf-8"))["files"].items()}
    entries = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines() if line.strip()]
    cited = {Path(s["path"]).name for e in entries for s in e.get("sources") or []}
    with_phone = {f for f, g in gold.items() if (g.get("clinic") or {}).get("phone")}
    assert sorted(with_phone - cited) == []
