"""The data directory: versioned index folders, an atomic CURRENT pointer, an ingest lock, clean-up and rollback.

Layout::

    DATA_DIR/CURRENT              name of the live version (replaced atomically)
    DATA_DIR/versions/<version>/  a complete Whoosh index + manifest.json + extractions.jsonl
    DATA_DIR/versions/.build-*    a build in progress (deleted on failure, or by the next ingest after a crash)
    DATA_DIR/ingest.lock          held by the one running ingest
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

KEEP_VERSIONS = 3  # the live one and two to roll back to
GRACE_SECONDS = 60  # an old version stays this long after it stops being live, for searchers still reading it


class StoreError(RuntimeError):
    """The data directory can't do what was asked (no index, busy, corrupt)."""


class DataDir:
    """One knowledge base on disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.versions = self.root / "versions"
        self.pointer = self.root / "CURRENT"

    def current(self) -> str | None:
        """The live version's name, or None when nothing was ever published."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_path(self) -> Path:
        """The live version's folder; StoreError when there is none or it is missing."""
        name = self.current()
        if name is None:
            raise StoreError(f"no index in {self.root}: run `kb ingest PATH` first")
        path = self.versions / name
        if not (path / "manifest.json").is_file():
            raise StoreError(f"index version {name} named by {self.pointer} is missing or incomplete")
        return path

    def manifest(self, path: Path | None = None) -> dict[str, Any]:
        """The manifest of a version (default: the live one)."""
        path = path or self.current_path()
        try:
            return dict(json.loads((path / "manifest.json").read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise StoreError(f"index manifest in {path} is unreadable: {exc}") from exc

    def list_versions(self) -> list[str]:
        """Complete versions, oldest first."""
        if not self.versions.is_dir():
            return []
        return sorted(p.name for p in self.versions.iterdir()
                      if not p.name.startswith(".") and (p / "manifest.json").is_file())

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the ingest lock; StoreError at once if another ingest holds it (the OS frees it if that one dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "ingest.lock", "a+") as handle:
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
        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        path = self.versions / f".build-{version}"
        path.mkdir()
        try:
            yield version, path
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    def publish(self, version: str, build_path: Path) -> Path:
        """Move a finished build into place and switch CURRENT to it atomically."""
        final = self.versions / version
        _fsync_dir(build_path)
        os.rename(build_path, final)
        _fsync_dir(self.versions)
        self._point_to(version)
        return final

    def _point_to(self, version: str) -> None:
        tmp = self.root / f".CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)

    def rollback(self) -> str:
        """Point CURRENT at the version before the live one; returns its name."""
        versions = self.list_versions()
        current = self.current()
        older = [v for v in versions if current is None or v < current]
        if not older:
            raise StoreError("no older index version to roll back to")
        self._point_to(older[-1])
        return older[-1]

    def clean(self, keep: int = KEEP_VERSIONS, grace: float = GRACE_SECONDS) -> list[str]:
        """Delete crashed builds and versions beyond the newest `keep` (after `grace` seconds). Call under `lock()`."""
        removed: list[str] = []
        if not self.versions.is_dir():
            return removed
        for path in self.versions.iterdir():
            if path.name.startswith(".build-"):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        current = self.current()
        versions = self.list_versions()
        for name in versions[: max(0, len(versions) - keep)]:
            path = self.versions / name
            if name != current and time.time() - path.stat().st_mtime > grace:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
        for stray in self.root.glob(".CURRENT.*.tmp"):
            stray.unlink(missing_ok=True)
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
