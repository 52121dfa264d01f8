"""The data directory under stress: versioned builds, atomic switches, grace periods, rollback, SIGKILLed ingests,
concurrent ingests and damaged indexes. Real Whoosh indexes on disk and real `kb ingest` processes throughout."""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from index.params import parse_params
from index.reader import IndexHandle, open_snapshot
from index.store import KEEP_VERSIONS, PAUSE_ENV, STAGES, DataDir, StoreError
from kb import pipeline
from kb.cli import main
from kb.cues import Cues, load_cues
from kb.knowledge import KnowledgeBase
from kb.local_server import kb_executable
from kb.model import Extraction
from kb.vocabulary import Vocabulary
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["harbourview-tmj-jaw-pain.html", "cedar-ridge-plantar-fasciitis.md", "harbourview-scoliosis.txt"]
KB = kb_executable()


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


@pytest.fixture(scope="module")
def cues() -> Cues:
    return load_cues()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three sample articles: enough for real entries, quick to ingest."""
    folder = tmp_path_factory.mktemp("small-corpus")
    for name in SMALL:
        shutil.copy(ROOT / "samples" / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def extractions(corpus: Path, vocab: Vocabulary) -> list[Extraction]:
    return pipeline.extract_sources([corpus], vocab).extractions


def publish(data: Path, extractions: list[Extraction], vocab: Vocabulary) -> str:
    """Build and publish a version from ready extractions (what `kb ingest` does after reading files)."""
    store = DataDir(data)
    with store.lock():
        return str(pipeline.publish(store, extractions, vocab, []).manifest["index_version"])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, corpus: Path, vocab: Vocabulary, cues: Cues) -> Path:
    """A data directory with one published version (tests copy it)."""
    data = tmp_path_factory.mktemp("base") / "kb-data"
    KnowledgeBase(data, vocab, cues).ingest([corpus])
    return data


@pytest.fixture()
def copy_of_base(base: Path, tmp_path: Path) -> Path:
    data = tmp_path / "kb-data"
    shutil.copytree(base, data)
    return data


def kb_of(data: Path, vocab: Vocabulary, cues: Cues) -> KnowledgeBase:
    return KnowledgeBase(data, vocab, cues)


def searchable(data: Path, vocab: Vocabulary, cues: Cues) -> int:
    """How many results `jaw pain` finds in the live version (opening it fresh, as a new server would)."""
    return int(kb_of(data, vocab, cues).current().search(parse_params({"q": "jaw pain"}, {})).data["total"])


def leftovers(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "versions").iterdir() if p.name.startswith(".")) + sorted(
        p.name for p in data.glob(".CURRENT.*"))


# Versions, switching, grace period


def test_an_ingest_builds_beside_the_live_version_and_switches_the_pointer(
        copy_of_base: Path, corpus: Path, vocab: Vocabulary, cues: Cues) -> None:
    data = DataDir(copy_of_base)
    before = data.current()
    report = kb_of(copy_of_base, vocab, cues).ingest([corpus])
    after = report.manifest["index_version"]
    assert data.list_versions() == [before, after]
    assert (copy_of_base / "CURRENT").read_text() == after + "\n"
    assert leftovers(copy_of_base) == []
    live = data.current_path()
    assert sorted(report.manifest["files"]) == sorted(p.name for p in live.iterdir() if p.name != "manifest.json")
    assert not any(p.name.endswith("WRITELOCK") for p in live.iterdir())
    assert data.damage(live, deep=True) is None


def test_version_names_sort_in_publish_order_even_within_one_second(
        tmp_path: Path, extractions: list[Extraction], vocab: Vocabulary) -> None:
    data = DataDir(tmp_path / "kb-data")
    published = [publish(data.root, extractions, vocab) for _ in range(3)]
    assert data.list_versions() == published  # all within the grace period
    assert published == sorted(published)
    assert data.current() == published[-1]


def test_a_serving_handle_switches_to_the_new_version_and_the_old_snapshot_keeps_answering(
        copy_of_base: Path, extractions: list[Extraction], vocab: Vocabulary) -> None:
    handle = IndexHandle(DataDir(copy_of_base), check_interval=0)
    old = handle.snapshot()
    publish(copy_of_base, extractions, vocab)
    new = handle.snapshot()
    assert new.version != old.version
    assert new.version == DataDir(copy_of_base).current()
    assert old.ids == new.ids  # a request that started on the old snapshot finishes on it
    assert old.view_at(0).head["id"] == new.view_at(0).head["id"]
    handle.close()


def test_grace_period_counts_from_when_a_version_stopped_being_live(
        copy_of_base: Path, extractions: list[Extraction], vocab: Vocabulary) -> None:
    """A version live for a long time is not deleted the moment newer ones pile up: servers may still read it."""
    data = DataDir(copy_of_base)
    handle = IndexHandle(data, check_interval=3600)  # a server that has not looked at CURRENT again yet
    first = handle.snapshot()
    an_hour_ago = time.time() - 3600
    os.utime(data.versions / first.version, (an_hour_ago, an_hour_ago))  # built long ago, live until now
    for _ in range(KEEP_VERSIONS + 1):
        publish(copy_of_base, extractions, vocab)
    assert first.version in data.list_versions(), "deleted within the grace period"
    assert len(data.list_versions()) == KEEP_VERSIONS + 2
    assert first.entry(next(iter(first.ids))) is not None

    with data.lock():
        removed = data.clean(grace=0)
    assert first.version in removed
    assert len(data.list_versions()) == KEEP_VERSIONS
    assert leftovers(copy_of_base) == []
    # Past the grace period the folder is gone; the searcher still holds its open files, and the process moves on.
    assert first.entry(next(iter(first.ids))) is not None
    handle.check_interval = 0
    assert handle.snapshot().version == data.current()
    handle.close()


def test_clean_removes_crashed_builds_trash_and_stray_pointer_files(copy_of_base: Path) -> None:
    data = DataDir(copy_of_base)
    for name in (".build-20200101T000000-000001", ".trash-20200101T000000-000002"):
        (data.versions / name).mkdir()
        (data.versions / name / "kb_WRITELOCK").write_text("")
    (copy_of_base / ".CURRENT.999.tmp").write_text("x")
    with data.lock():
        removed = data.clean()
    assert sorted(removed) == [".build-20200101T000000-000001", ".trash-20200101T000000-000002"]
    assert leftovers(copy_of_base) == []
    assert data.list_versions() == [data.current()]


# Rollback


def test_rollback_command(copy_of_base: Path, extractions: list[Extraction], vocab: Vocabulary, cues: Cues) -> None:
    kb = kb_of(copy_of_base, vocab, cues)
    v1 = kb.data.current()
    v2 = publish(copy_of_base, extractions, vocab)
    v3 = publish(copy_of_base, extractions, vocab)
    runner = CliRunner()
    args = ["--data-dir", str(copy_of_base)]

    result = runner.invoke(main, ["rollback", *args])
    assert result.exit_code == 0
    assert result.stdout == f"live index version is now {v2} (was {v3})\n"
    assert runner.invoke(main, ["rollback", "--list", *args]).stdout == f"{v1}\n{v2}  (live)\n{v3}\n"

    # A damaged older version is passed over for the next intact one.
    seg = next(p for p in (kb.data.versions / v1).iterdir() if p.suffix == ".seg")
    os.truncate(seg, seg.stat().st_size // 2)
    os.utime(kb.data.versions / v1)
    result = runner.invoke(main, ["rollback", *args])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"kb: index version {v1} is damaged")
    assert kb.data.current() == v2

    assert runner.invoke(main, ["rollback", "--to", v3, *args]).exit_code == 0
    assert kb.data.current() == v3
    result = runner.invoke(main, ["rollback", "--to", "nope", *args])
    assert result.exit_code == 1
    assert "no index version 'nope'" in result.stderr
    assert kb.current().search(parse_params({"q": "jaw"}, {})).data["total"] > 0


def test_rollback_mends_a_damaged_pointer(copy_of_base: Path) -> None:
    (copy_of_base / "CURRENT").write_text("../../etc\n")
    data = DataDir(copy_of_base)
    with pytest.raises(StoreError, match="CURRENT is damaged"):
        data.current()
    result = CliRunner().invoke(main, ["rollback", "--data-dir", str(copy_of_base)])
    assert result.exit_code == 0, result.output
    assert data.current() == data.list_versions()[-1]


# Concurrent and killed ingests


def test_a_second_ingest_fails_at_once_with_a_clear_message(copy_of_base: Path, corpus: Path) -> None:
    data = DataDir(copy_of_base)
    before = data.current()
    with data.lock():  # what a running ingest holds (flock: another open file, so another holder)
        result = CliRunner().invoke(main, ["ingest", str(corpus), "--data-dir", str(copy_of_base)])
        rollback = CliRunner().invoke(main, ["rollback", "--data-dir", str(copy_of_base)])
    for r in (result, rollback):
        assert r.exit_code == 1
        assert isinstance(r.exception, SystemExit)
        assert r.stderr == f"kb: another ingest is running on {copy_of_base}; try again when it has finished\n"
    assert data.current() == before


@dataclass
class Killed:
    """One `kb ingest` process killed with SIGKILL, and what was seen while it ran."""

    label: str
    data: Path
    before: str
    proc: subprocess.Popen[bytes]
    pause: str | None = None
    delay: float = 0.0
    stderr: bytes = b""
    killed: bool = False
    observed: dict[str, str] = field(default_factory=dict)


def _start(label: str, data: Path, corpus: Path, pause: str | None = None, delay: float = 0.0) -> Killed:
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    if pause:
        env[PAUSE_ENV] = pause
    proc = subprocess.Popen([KB, "ingest", str(corpus), "--data-dir", str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return Killed(label, data, DataDir(data).current() or "", proc, pause, delay)


def _run_until_killed(runs: list[Killed], on_pause: Callable[[Killed], None], timeout: float = 90) -> None:
    started = time.monotonic()
    pending = list(runs)
    while pending:
        assert time.monotonic() - started < timeout, f"ingests did not reach their pause: {[r.label for r in pending]}"
        for run in list(pending):
            assert run.proc.stderr is not None
            if run.pause:
                ready, _, _ = select.select([run.proc.stderr], [], [], 0)
                if ready:
                    chunk = os.read(run.proc.stderr.fileno(), 4096)
                    run.stderr += chunk
                    if f"kb: paused at {run.pause}".encode() in run.stderr:
                        on_pause(run)
                        run.proc.send_signal(signal.SIGKILL)
                        run.killed = True
                    elif not chunk:
                        pytest.fail(f"{run.label} ended before its pause: {run.stderr.decode()}")
            elif time.monotonic() - started >= run.delay and run.proc.poll() is None:
                run.proc.send_signal(signal.SIGKILL)
                run.killed = True
            if run.killed or run.proc.poll() is not None:
                run.proc.wait(timeout=30)
                run.proc.stderr.close()
                pending.remove(run)
        time.sleep(0.02)


@pytest.fixture(scope="module")
def killed_ingests(base: Path, corpus: Path, tmp_path_factory: pytest.TempPathFactory, vocab: Vocabulary,
                   cues: Cues) -> Iterator[list[Killed]]:
    """`kb ingest` SIGKILLed at every stage (test hook) and at three random moments, all in parallel."""
    root = tmp_path_factory.mktemp("killed")
    rng = random.Random(6)
    runs: list[Killed] = []
    for stage in STAGES:
        shutil.copytree(base, root / stage)
        runs.append(_start(f"stage {stage}", root / stage, corpus, pause=stage))
    for i in range(3):
        shutil.copytree(base, root / f"random-{i}")
        runs.append(_start(f"random {i}", root / f"random-{i}", corpus, delay=rng.uniform(0.5, 5.0)))

    def on_pause(run: Killed) -> None:
        # While the paused ingest holds the lock, a second one must fail cleanly, and the old version still serves.
        if run.pause == "locked":
            try:
                kb_of(run.data, vocab, cues).ingest([corpus])
            except StoreError as exc:
                run.observed["second ingest"] = str(exc)
        run.observed["build folders"] = " ".join(p.name for p in (run.data / "versions").glob(".build-*"))
        if run.pause == "indexing":
            run.observed["whoosh lock"] = " ".join(p.name for p in (run.data / "versions").glob(".build-*/*LOCK"))
        run.observed["results while paused"] = str(searchable(run.data, vocab, cues))

    try:
        _run_until_killed(runs, on_pause)
        yield runs
    finally:
        for run in runs:
            if run.proc.poll() is None:
                run.proc.kill()
                run.proc.wait()


def test_ingest_killed_at_every_stage_leaves_the_previous_version_serving(
        killed_ingests: list[Killed], vocab: Vocabulary, cues: Cues) -> None:
    for run in killed_ingests:
        if run.pause is None:
            continue
        assert run.killed, run.label
        data = DataDir(run.data)
        if run.pause == "published":  # the switch happened: the new version is complete and live
            assert data.current() != run.before
        else:
            assert data.current() == run.before, run.label
        assert int(run.observed["results while paused"]) > 0
        assert data.damage(data.current_path(), deep=True) is None
        assert searchable(run.data, vocab, cues) > 0, run.label
        client = create_app({"DATA_DIR": str(run.data), "TESTING": True}).test_client()
        assert client.get("/healthz").status_code == 200


def test_killed_ingest_leftovers_are_what_the_next_ingest_cleans(killed_ingests: list[Killed]) -> None:
    by_stage = {run.pause: run for run in killed_ingests if run.pause}
    assert by_stage["locked"].observed["second ingest"].startswith("another ingest is running")
    assert by_stage["indexing"].observed["whoosh lock"] == "kb_WRITELOCK"  # held by the dead writer: harmless
    assert by_stage["built"].observed["build folders"].startswith(".build-")
    renamed = by_stage["renamed"]  # complete but never live: rollback and clean treat it as a newer version
    assert len(DataDir(renamed.data).list_versions()) == 2
    for stage in ("locked", "indexing", "built"):
        assert leftovers(by_stage[stage].data) == ([] if stage == "locked" else
                                                  [by_stage[stage].observed["build folders"]])


def test_the_next_ingest_after_a_kill_succeeds(killed_ingests: list[Killed], corpus: Path, tmp_path: Path,
                                               extractions: list[Extraction], vocab: Vocabulary, cues: Cues) -> None:
    for i, run in enumerate(killed_ingests):
        # On a copy: the other tests read what the killed ingest left, whichever order they run in.
        data = tmp_path / run.data.name
        shutil.copytree(run.data, data, symlinks=True)
        assert leftovers(data) == leftovers(run.data), run.label  # the copy holds the same leftovers
        kb = kb_of(data, vocab, cues)
        # One through the whole ingest, the others through the build step alone (quicker, the same store path).
        version = kb.ingest([corpus]).manifest["index_version"] if i == 0 else publish(data, extractions, vocab)
        assert kb.data.current() == version == kb.data.list_versions()[-1], run.label
        assert leftovers(data) == [], run.label
        assert searchable(data, vocab, cues) > 0
        with DataDir(run.data).lock():  # the killed process's lock died with it (taking it changes nothing)
            pass


# Damaged and missing indexes


def _seg(data: Path) -> Path:
    return next(p for p in DataDir(data).current_path().iterdir() if p.suffix == ".seg")


def _flip(file: Path) -> None:
    raw = bytearray(file.read_bytes())
    for i in range(len(raw) // 3, len(raw) // 3 + 64):
        raw[i] ^= 0x5A
    file.write_bytes(bytes(raw))


DAMAGE: dict[str, Callable[[Path], object]] = {
    "truncated segment": lambda d: os.truncate(_seg(d), _seg(d).stat().st_size // 2),
    "segment bytes flipped": lambda d: _flip(_seg(d)),
    "segment deleted": lambda d: _seg(d).unlink(),
    "toc deleted": lambda d: next(DataDir(d).current_path().glob("*.toc")).unlink(),
    "version folder deleted": lambda d: shutil.rmtree(DataDir(d).current_path()),
    "manifest emptied": lambda d: (DataDir(d).current_path() / "manifest.json").write_text(""),
    "manifest not an object": lambda d: (DataDir(d).current_path() / "manifest.json").write_text("[]"),
    "CURRENT names a path": lambda d: (d / "CURRENT").write_text("../../etc\n"),
    "CURRENT is binary": lambda d: (d / "CURRENT").write_bytes(b"\xff\xfe\x00garbage"),
    "no index at all": lambda d: (d / "CURRENT").unlink(),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_index_is_503_with_a_reason_and_exit_1_with_one_line(copy_of_base: Path, damage: str) -> None:
    DAMAGE[damage](copy_of_base)
    client = create_app({"DATA_DIR": str(copy_of_base), "TESTING": True}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.get_json()
    assert body["ok"] is False and body["status"] == 503 and body["index_version"] is None
    assert body["errors"] == [body["reason"]] and body["reason"]
    assert "Traceback" not in body["reason"]
    assert str(copy_of_base.resolve()) not in health.get_data(as_text=True)  # where the data lives is not public
    for url in ("/api/search?q=jaw", "/api/suggest?q=ja", "/api/entries/condition-tmj"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert set(response.get_json()) == {"ok", "status", "error", "errors"}
        assert str(copy_of_base.resolve()) not in response.get_data(as_text=True)
    assert client.get("/search?q=jaw").status_code == 503

    result = CliRunner().invoke(main, ["search", "jaw", "--data-dir", str(copy_of_base)])
    assert_one_line_exit_1(result)


def assert_one_line_exit_1(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kb: "), result.stderr


def test_every_reading_command_fails_cleanly_on_a_damaged_index(copy_of_base: Path) -> None:
    DAMAGE["truncated segment"](copy_of_base)
    runner = CliRunner()
    for args in (["stats"], ["show", "condition-tmj"], ["export"], ["search", "jaw", "--json"]):
        assert_one_line_exit_1(runner.invoke(main, [*args, "--data-dir", str(copy_of_base)]))


def test_a_running_server_notices_damage_and_recovers_after_rollback(
        copy_of_base: Path, extractions: list[Extraction], vocab: Vocabulary) -> None:
    publish(copy_of_base, extractions, vocab)
    app = create_app({"DATA_DIR": str(copy_of_base), "TESTING": True})
    app.extensions["kb"].handle.check_interval = 0  # look at the disk on every request
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    os.truncate(_seg(copy_of_base), 100)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "is damaged" in health.get_json()["reason"]
    assert client.get("/api/search?q=jaw").status_code == 503

    assert CliRunner().invoke(main, ["rollback", "--data-dir", str(copy_of_base)]).exit_code == 0
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["index_version"] == DataDir(copy_of_base).current()

    shutil.rmtree(DataDir(copy_of_base).current_path())  # delete the live folder under the running server
    assert client.get("/healthz").status_code == 503


def test_a_broken_new_version_leaves_the_server_on_the_one_it_has(copy_of_base: Path) -> None:
    app = create_app({"DATA_DIR": str(copy_of_base), "TESTING": True})
    app.extensions["kb"].handle.check_interval = 0
    client = app.test_client()
    serving = client.get("/healthz").get_json()["index_version"]
    broken = DataDir(copy_of_base).versions / "29990101T000000-000000"
    shutil.copytree(DataDir(copy_of_base).current_path(), broken)
    _flip(next(broken.glob("*.seg")))
    (copy_of_base / "CURRENT").write_text(broken.name + "\n")
    assert client.get("/healthz").get_json()["index_version"] == serving
    assert client.get("/api/search?q=jaw").status_code == 200
    # A fresh process has nothing to fall back on: it reports the broken version.
    fresh = create_app({"DATA_DIR": str(copy_of_base), "TESTING": True}).test_client().get("/healthz")
    assert fresh.status_code == 503
    assert "fails its checksum" in fresh.get_json()["reason"]


def test_add_over_damaged_extractions_is_a_clear_error(copy_of_base: Path, corpus: Path) -> None:
    live = DataDir(copy_of_base).current_path()
    (live / "extractions.jsonl").write_text("{not json\n")
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--add", "--data-dir", str(copy_of_base)])
    assert result.exit_code == 1
    assert "extractions.jsonl is damaged" in result.stderr


def test_open_snapshot_names_the_version_in_every_error(copy_of_base: Path) -> None:
    _flip(_seg(copy_of_base))
    with pytest.raises(StoreError, match=r"index version \S+ is damaged: \S+\.seg fails its checksum"):
        open_snapshot(DataDir(copy_of_base))
    os.truncate(_seg(copy_of_base), 1000)
    manifest = json.loads((DataDir(copy_of_base).current_path() / "manifest.json").read_text())
    del manifest["files"]  # a version from before checksums: the stored documents are still read and checked
    (DataDir(copy_of_base).current_path() / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="is unreadable"):
        open_snapshot(DataDir(copy_of_base))
