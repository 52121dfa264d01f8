"""The data directory: versioned index folders, an atomic CURRENT pointer, an ingest lock, clean-up and rollback.

Layout::

    DATA_DIR/CURRENT              name of the live version (replaced atomically with os.replace)
    DATA_DIR/versions/<version>/  a complete Whoosh index + extractions.jsonl + manifest.json (written last; it
                                  lists every file with its size and CRC-32, so damage is detected on open)
    DATA_DIR/versions/.build-*    a build in progress (deleted on failure, or by the next ingest after a crash)
    DATA_DIR/versions/.trash-*    a version being deleted (renamed first, so a half-deleted folder never looks whole)
    DATA_DIR/ingest.lock          held (flock) by the one running ingest or rollback; the OS frees it if that dies

A version folder is never changed after it is published. When CURRENT stops naming a version, the folder's mtime is
set to that moment; `clean()` deletes it only GRACE_SECONDS later, so serving processes that still read it finish.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import sys
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

INDEX_NAME = "kb"  # the Whoosh index name inside a version folder
MANIFEST = "manifest.json"
KEEP_VERSIONS = 3  # the live one and two to roll back to
GRACE_SECONDS = 60  # an old version stays this long after it stops being live, for searchers still reading it
_VERSION_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$")  # what CURRENT may name: never a path

# Testing only, inert when unset: "STAGE" or "STAGE=SECONDS" makes an ingest print "kb: paused at STAGE" to stderr
# and sleep there, so crash tests can SIGKILL it at a known point. Stages, in order: locked, indexing, built,
# renamed, published. Documented in the README (operations).
PAUSE_ENV = "KB_TEST_INGEST_PAUSE"
STAGES = ("locked", "indexing", "built", "renamed", "published")


class StoreError(RuntimeError):
    """The data directory can't do what was asked (no index, busy, corrupt)."""


def checkpoint(stage: str) -> None:
    """A named point of an ingest; pauses there only when the PAUSE_ENV test hook names it."""
    spec = os.environ.get(PAUSE_ENV)
    if not spec:
        return
    name, _, seconds = spec.partition("=")
    if name == stage:
        print(f"kb: paused at {stage}", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 3600))


def file_table(path: Path) -> dict[str, dict[str, int]]:
    """Size and CRC-32 of every file in a version folder but its manifest (recorded in the manifest)."""
    table: dict[str, dict[str, int]] = {}
    for file in sorted(path.rglob("*")):  # sites' own indexes live in sub-folders (index/scopes.py)
        if file.is_file() and file.relative_to(path).as_posix() != MANIFEST:
            table[file.relative_to(path).as_posix()] = {"bytes": file.stat().st_size, "crc32": _crc32(file)}
    return table


def _crc32(file: Path) -> int:
    crc = 0
    with open(file, "rb") as handle:
        while chunk := handle.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the version folder `path`; StoreError when it is missing or unreadable."""
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"index version {path.name}: manifest is missing or unreadable ({exc})") from exc
    if not isinstance(data, dict):
        raise StoreError(f"index version {path.name}: manifest is not an object")
    return data


def damage(path: Path, deep: bool = False) -> str | None:
    """Why a version folder is unusable, or None: missing files or wrong sizes; with `deep`, wrong checksums.

    Cheap without `deep` (a stat per file), so servers run it often. `extractions.jsonl` is only checked by size
    (`ingest --add` parses it and says so if it is damaged)."""
    try:
        manifest = read_manifest(path)
    except StoreError as exc:
        return str(exc)
    table = manifest.get("files")
    if not isinstance(table, dict):
        return None  # a version from before checksums: nothing to compare
    for name, want in table.items():
        file = path / name
        try:
            size = file.stat().st_size
        except OSError:
            return f"index version {path.name} is damaged: {name} is missing"
        if size != want.get("bytes"):
            return f"index version {path.name} is damaged: {name} has {size} bytes, expected {want.get('bytes')}"
        if deep and name not in ("extractions.jsonl", "articles.jsonl") and _crc32(file) != want.get("crc32"):
            return f"index version {path.name} is damaged: {name} fails its checksum"
    return None


def version_or_none(data: DataDir) -> str | None:
    """CURRENT's version name, or None when it is missing or damaged."""
    try:
        return data.current()
    except StoreError:
        return None


class DataDir:
    """One knowledge base on disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.versions = self.root / "versions"
        self.pointer = self.root / "CURRENT"

    def current(self) -> str | None:
        """The live version's name, or None when nothing was ever published; StoreError if CURRENT is damaged."""
        try:
            raw = self.pointer.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"CURRENT is unreadable: {exc.strerror}") from exc
        name = raw.decode("utf-8", "replace").strip()
        if not name:
            return None
        if not _VERSION_NAME.match(name):
            raise StoreError("CURRENT is damaged (it does not name a version): run `kb rollback` or `kb ingest`")
        return name

    def current_path(self) -> Path:
        """The live version's folder; StoreError when there is none or it is missing."""
        name = self.current()
        if name is None:
            raise StoreError(f"no index in {self.root}: run `kb ingest PATH` first")
        path = self.versions / name
        if not (path / MANIFEST).is_file():
            raise StoreError(f"index version {name} named by CURRENT is missing or incomplete: "
                             "run `kb rollback` or `kb ingest`")
        return path

    def manifest(self, path: Path | None = None) -> dict[str, Any]:
        """The manifest of a version (default: the live one)."""
        return read_manifest(path or self.current_path())

    def damage(self, path: Path, deep: bool = False) -> str | None:
        """Why a version folder is unusable, or None (see `damage`)."""
        return damage(path, deep)

    def list_versions(self) -> list[str]:
        """Complete versions, oldest first (names sort by build time)."""
        if not self.versions.is_dir():
            return []
        return sorted(p.name for p in self.versions.iterdir()
                      if _VERSION_NAME.match(p.name) and (p / MANIFEST).is_file())

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the ingest lock; StoreError at once if another ingest holds it (the OS frees it if that one dies)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(self.root / "ingest.lock", "a+")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise StoreError(f"can't use data directory {self.root}: {exc.strerror}") from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreError(f"another ingest is running on {self.root}; try again when it has finished") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def build(self) -> Iterator[tuple[str, Path]]:
        """A fresh build folder; deleted if the block raises. Call under `lock()`."""
        self.versions.mkdir(parents=True, exist_ok=True)
        version = self._new_version_name()
        path = self.versions / f".build-{version}"
        path.mkdir()
        try:
            yield version, path
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    def _new_version_name(self) -> str:
        # UTC time to the microsecond: names sort in build order, which rollback and clean rely on.
        name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f")
        existing = self.list_versions()
        if existing and name <= existing[-1]:
            name = existing[-1] + "-1"  # the clock went back: still sort after the newest
        return name

    def publish(self, version: str, build_path: Path) -> Path:
        """Move a finished build into place (its files synced to disk first) and switch CURRENT to it atomically."""
        for file in sorted(build_path.rglob("*"), reverse=True):  # files, then the folders holding them
            _fsync(file)
        _fsync(build_path)
        final = self.versions / version
        os.rename(build_path, final)
        _fsync(self.versions)
        checkpoint("renamed")
        self._point_to(version)
        return final

    def _point_to(self, version: str) -> None:
        previous = version_or_none(self)
        tmp = self.root / f".CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)
        _fsync(self.root)
        if previous and previous != version:
            with contextlib.suppress(OSError):
                os.utime(self.versions / previous)  # retired now: the grace period starts here

    def rollback(self, target: str | None = None) -> str:
        """Point CURRENT at `target`, or at the newest intact version older than the live one; returns its name."""
        versions = self.list_versions()
        current = version_or_none(self)  # None for a damaged pointer: any intact version is better
        if target is not None:
            if target not in versions:
                raise StoreError(f"no index version {target!r}; kept versions: {', '.join(versions) or 'none'}")
            candidates = [target]
        else:
            candidates = [v for v in reversed(versions) if current is None or v < current]
            if not candidates:
                raise StoreError("no older index version to roll back to")
        problems = []
        for name in candidates:
            problem = self.damage(self.versions / name, deep=True)
            if problem is None:
                self._point_to(name)
                return name
            problems.append(problem)
        raise StoreError("; ".join(problems))

    def clean(self, keep: int = KEEP_VERSIONS, grace: float = GRACE_SECONDS) -> list[str]:
        """Delete crashed builds, and versions beyond the newest `keep` that stopped being live over `grace`
        seconds ago (never the live one). Call under `lock()`."""
        removed: list[str] = []
        if not self.versions.is_dir():
            return removed
        for path in self.versions.iterdir():
            if path.name.startswith((".build-", ".trash-")):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        current = version_or_none(self)
        versions = self.list_versions()
        now = time.time()
        for name in versions[: max(0, len(versions) - keep)]:
            path = self.versions / name
            if name == current or now - path.stat().st_mtime <= grace:
                continue
            trash = self.versions / f".trash-{name}"
            try:
                os.rename(path, trash)  # atomic: the version vanishes whole, then its files go
            except OSError:
                continue
            shutil.rmtree(trash, ignore_errors=True)
            removed.append(name)
        for stray in self.root.glob(".CURRENT.*.tmp"):
            stray.unlink(missing_ok=True)
        return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
