"""The result cache shared by the processes serving one index version (DATA_DIR/cache/<version>.sqlite)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from index.params import parse_params
from index.shared_cache import SharedCache
from index.store import DataDir
from kb.knowledge import KnowledgeBase
from web import create_app


@pytest.fixture()
def copy_of_samples(sample_data_dir: Path, tmp_path: Path) -> Path:
    """A data directory of the test's own with the samples index (and no shared cache yet)."""
    target = tmp_path / "kb-data"
    shutil.copytree(sample_data_dir, target, ignore=shutil.ignore_patterns("cache"))
    return target


def _rows(data: Path) -> int:
    path = DataDir(data).cache_path(DataDir(data).current() or "")
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM results").fetchone()[0])


def test_a_search_one_process_made_is_read_by_another(copy_of_samples: Path) -> None:
    params = parse_params({"q": "sciatica massage"}, {})
    first = KnowledgeBase(copy_of_samples, shared_cache=True).search(params)
    assert _rows(copy_of_samples) == 1
    # Mark the stored result, then ask from a separate process (as a second gunicorn worker is): it answers with
    # the marked result, so it read the file instead of searching.
    path = DataDir(copy_of_samples).cache_path(DataDir(copy_of_samples).current() or "")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET value = ?", (json.dumps({**first, "total": 12345}).encode(),))
    code = ("import json, sys; from pathlib import Path; from index.params import parse_params; "
            "from kb.knowledge import KnowledgeBase; "
            "kb = KnowledgeBase(Path(sys.argv[1]), shared_cache=True); "
            "print(json.dumps(kb.search(parse_params({'q': 'sciatica massage'}, {}))))")
    out = subprocess.run([sys.executable, "-c", code, str(copy_of_samples)], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == {**json.loads(json.dumps(first)), "total": 12345}
    assert _rows(copy_of_samples) == 1


def test_the_api_shares_bodies_between_apps_and_never_stores_query_text_as_a_key(copy_of_samples: Path) -> None:
    one = create_app({"DATA_DIR": str(copy_of_samples), "TESTING": True}).test_client()
    two = create_app({"DATA_DIR": str(copy_of_samples), "TESTING": True}).test_client()
    a = one.get("/api/search?q=jaw+clicking")
    b = two.get("/api/search?q=jaw+clicking")
    assert a.status_code == b.status_code == 200 and a.data == b.data
    path = DataDir(copy_of_samples).cache_path(DataDir(copy_of_samples).current() or "")
    with sqlite3.connect(path) as db:
        keys = [bytes(k) for (k,) in db.execute("SELECT key FROM results")]
    assert keys and all(b"jaw" not in k for k in keys)


def test_without_the_setting_nothing_is_written(copy_of_samples: Path) -> None:
    client = create_app({"DATA_DIR": str(copy_of_samples), "TESTING": True, "SHARED_CACHE": False}).test_client()
    assert client.get("/api/search?q=sciatica").status_code == 200
    assert not (copy_of_samples / "cache").exists()


@pytest.mark.parametrize("damage", ["cache folder is a file", "cache file is not a database"])
def test_a_broken_cache_turns_itself_off_and_search_still_answers(copy_of_samples: Path, damage: str,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    data = DataDir(copy_of_samples)
    if damage == "cache folder is a file":
        data.caches.write_text("not a folder")
    else:
        data.caches.mkdir()
        data.cache_path(data.current() or "").write_bytes(b"garbage " * 1000)
    client = create_app({"DATA_DIR": str(copy_of_samples), "TESTING": True}).test_client()
    for _ in range(2):
        response = client.get("/api/search?q=sciatica")
        assert response.status_code == 200 and response.get_json()["results"][0]["name"] == "Sciatica"
    assert any("shared result cache off" in r.getMessage() for r in caplog.records)


def test_the_cache_keeps_to_its_size(tmp_path: Path) -> None:
    cache = SharedCache(tmp_path / "v.sqlite", max_bytes=64 * 1024)
    for i in range(1000):
        assert cache.get_or_compute(f"key {i}", lambda i=i: bytes([i % 256]) * 1000) == bytes([i % 256]) * 1000
    with sqlite3.connect(tmp_path / "v.sqlite") as db:
        total, newest = db.execute("SELECT sum(length(value)), max(rowid) FROM results").fetchone()
    assert total <= 64 * 1024 and newest == 1000
    calls = []
    assert cache.get_or_compute("key 999", lambda: calls.append(1) or b"") == bytes([999 % 256]) * 1000
    assert not calls  # the newest survive the trim


def test_clean_deletes_the_caches_of_deleted_versions(copy_of_samples: Path) -> None:
    data = DataDir(copy_of_samples)
    KnowledgeBase(copy_of_samples, shared_cache=True).search(parse_params({"q": "sciatica"}, {}))
    live = data.cache_path(data.current() or "")
    gone = data.cache_path("20000101T000000-000000")
    for path in (gone, gone.with_name(gone.name + "-wal")):
        path.write_bytes(b"")
    with data.lock():
        data.clean()
    assert live.exists() and not gone.exists() and not gone.with_name(gone.name + "-wal").exists()
