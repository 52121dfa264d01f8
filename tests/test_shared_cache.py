"""The result cache shared by the workers of one `kb serve`: a file per index version in a folder of the server's."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from index.params import parse_params
from index.shared_cache import SharedCache, cache_file, make_folder
from index.store import DataDir
from kb.knowledge import KnowledgeBase
from kb.local_server import free_port, kb_executable, stop, wait_for
from web import create_app


@pytest.fixture()
def copy_of_samples(sample_data_dir: Path, tmp_path: Path) -> Path:
    """A data directory of the test's own with the samples index."""
    target = tmp_path / "kb-data"
    shutil.copytree(sample_data_dir, target)
    return target


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """The shared-cache folder a server would make."""
    path = tmp_path / "shared"
    path.mkdir(mode=0o700)
    return path


def _file(data: Path, folder: Path) -> Path:
    return cache_file(folder, DataDir(data).current() or "")


def _rows(data: Path, folder: Path) -> int:
    with sqlite3.connect(_file(data, folder)) as db:
        return int(db.execute("SELECT count(*) FROM results").fetchone()[0])


def test_a_search_one_process_made_is_read_by_another(copy_of_samples: Path, folder: Path) -> None:
    params = parse_params({"q": "sciatica massage"}, {})
    first = KnowledgeBase(copy_of_samples, shared_cache=folder).search(params)
    assert _rows(copy_of_samples, folder) == 1
    # Mark the stored result, then ask from a separate process (as a second gunicorn worker is): it answers with
    # the marked result, so it read the file instead of searching.
    with sqlite3.connect(_file(copy_of_samples, folder)) as db:
        db.execute("UPDATE results SET value = ?", (json.dumps({**first, "total": 12345}).encode(),))
    code = ("import json, sys; from pathlib import Path; from index.params import parse_params; "
            "from kb.knowledge import KnowledgeBase; "
            "kb = KnowledgeBase(Path(sys.argv[1]), shared_cache=Path(sys.argv[2])); "
            "print(json.dumps(kb.search(parse_params({'q': 'sciatica massage'}, {}))))")
    out = subprocess.run([sys.executable, "-c", code, str(copy_of_samples), str(folder)], capture_output=True,
                         text=True, check=True)
    assert json.loads(out.stdout) == {**json.loads(json.dumps(first)), "total": 12345}
    assert _rows(copy_of_samples, folder) == 1


def test_the_api_shares_bodies_between_apps_and_never_stores_query_text_as_a_key(copy_of_samples: Path,
                                                                                 folder: Path) -> None:
    config = {"DATA_DIR": str(copy_of_samples), "TESTING": True, "SHARED_CACHE_DIR": str(folder)}
    one, two = create_app(config).test_client(), create_app(config).test_client()
    a = one.get("/api/search?q=jaw+clicking")
    b = two.get("/api/search?q=jaw+clicking")
    assert a.status_code == b.status_code == 200 and a.data == b.data
    with sqlite3.connect(_file(copy_of_samples, folder)) as db:
        keys = [bytes(k) for (k,) in db.execute("SELECT key FROM results")]
    assert keys and all(b"jaw" not in k for k in keys)


def test_without_a_folder_nothing_is_written(copy_of_samples: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.rglob("*"))
    client = create_app({"DATA_DIR": str(copy_of_samples), "TESTING": True}).test_client()
    assert client.get("/api/search?q=sciatica").status_code == 200
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("damage", ["folder is a file", "file is not a database"])
def test_a_broken_cache_turns_itself_off_and_search_still_answers(copy_of_samples: Path, folder: Path, damage: str,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    if damage == "folder is a file":
        folder.rmdir()
        folder.write_text("not a folder")
    else:
        _file(copy_of_samples, folder).write_bytes(b"garbage " * 1000)
    config = {"DATA_DIR": str(copy_of_samples), "TESTING": True, "SHARED_CACHE_DIR": str(folder)}
    client = create_app(config).test_client()
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


def test_opening_a_version_deletes_the_caches_of_versions_no_longer_kept(copy_of_samples: Path,
                                                                        folder: Path) -> None:
    gone = cache_file(folder, "20000101T000000-000000")
    for path in (gone, gone.with_name(gone.name + "-wal")):
        path.write_bytes(b"")
    KnowledgeBase(copy_of_samples, shared_cache=folder).search(parse_params({"q": "sciatica"}, {}))
    assert _file(copy_of_samples, folder).exists()
    assert not gone.exists() and not gone.with_name(gone.name + "-wal").exists()


def test_kb_serve_shares_results_between_its_workers_and_removes_the_folder_when_it_stops(
        copy_of_samples: Path) -> None:
    shm = Path("/dev/shm")
    where = shm if shm.is_dir() else Path(tempfile.gettempdir())
    before = set(where.glob("kb-serve-cache-*"))
    port = free_port()
    kb = kb_executable()
    proc = subprocess.Popen([kb, "serve", "--data-dir", str(copy_of_samples), "--port", str(port), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        bodies = set()
        for _ in range(6):  # new connections: both workers answer some
            with urllib.request.urlopen(base + "/api/search?q=sciatica+massage", timeout=10) as response:
                bodies.add(response.read())
        assert len(bodies) == 1
        (folder,) = set(where.glob("kb-serve-cache-*")) - before
        assert folder.stat().st_mode & 0o077 == 0  # private to the server's user
        assert _rows(copy_of_samples, folder) == 1
    finally:
        stop(proc)
    assert not folder.exists()


def test_a_new_server_deletes_the_folders_of_killed_ones(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    mine = make_folder()
    alive = second = mine
    try:
        orphan = mine.with_name(mine.name + "-orphan")
        orphan.mkdir(mode=0o700)
        (orphan / "server.pid").write_text(dead.stdout.strip())
        (orphan / "v.sqlite").write_bytes(b"results of a killed server")
        alive = mine.with_name(mine.name + "-alive")
        alive.mkdir(mode=0o700)
        (alive / "server.pid").write_text(str(os.getpid()))
        second = make_folder()
        assert not orphan.exists() and alive.exists() and mine.exists()
    finally:
        for folder in (mine, alive, second):
            shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_others_can_read_or_one_that_is_gone_is_not_used(folder: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    folder.chmod(0o755)
    cache = SharedCache(folder / "v.sqlite")
    assert cache.get_or_compute("k", lambda: b"value") == b"value"
    assert cache.disabled and not list(folder.iterdir())
    folder.chmod(0o700)
    cache = SharedCache(folder / "v.sqlite")
    assert cache.get_or_compute("k", lambda: b"value") == b"value" and not cache.disabled
    shutil.rmtree(folder)
    cache.close()  # as a worker forked later, or one reconnecting, would
    assert cache.get_or_compute("k2", lambda: b"other") == b"other"
    assert cache.disabled and not folder.exists()  # never made again with looser permissions
    assert sum("shared result cache off" in r.getMessage() for r in caplog.records) == 2


def test_a_full_file_turns_the_cache_off_instead_of_failing_every_write(folder: Path) -> None:
    cache = SharedCache(folder / "v.sqlite")
    db = cache._connection()
    assert db is not None
    db.execute("PRAGMA max_page_count = 8")
    for i in range(50):
        assert cache.get_or_compute(f"k{i}", lambda: b"x" * 4000) == b"x" * 4000
    assert cache.disabled
