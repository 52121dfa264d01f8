"""Search results shared by the processes of one server: a small SQLite file per index version.

Each gunicorn worker keeps its own in-memory cache, so without this every worker pays for every distinct query
once. `kb serve` makes a private folder for the files in memory (/dev/shm where there is one) and deletes it when it
stops (a new server also deletes the folders of servers that were killed); a worker that opens a new version
deletes the files of versions the data directory no longer has. Keys are hashes, not query text; the values are
search results (which quote the query), never who asked, so a folder that others could read, or one that is gone,
is not used. Any failure but a moment's lock (a full or damaged file, a missing folder) turns the shared cache off
for the process with one warning: it is an optimisation, never a dependency.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("kb.index")

MAX_BYTES = 48 * 1024 * 1024  # per version (3 are kept, in memory): the oldest results go first past this
TRIM_EVERY = 200  # writes between size checks
BUSY_MS = 200  # a writer waits this long for another process's write, then the value is simply not shared


FOLDER_PREFIX = "kb-serve-cache-"
OWNER_FILE = "server.pid"
_TRANSIENT = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}  # another process is writing: skip, don't give up


def make_folder() -> Path:
    """A new private folder for a server's shared caches: in memory (/dev/shm) where the system has one. Folders of
    servers that died without deleting theirs (killed) are deleted first."""
    shm = Path("/dev/shm")
    where = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    for folder in where.glob(FOLDER_PREFIX + "*"):
        if not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=where))  # mode 0700
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    return folder


def _owner_alive(folder: Path) -> bool:
    try:
        pid = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError):
        return True  # another user's, or being made right now: not ours to judge
    return True


def cache_file(folder: Path, version: str) -> Path:
    """The shared cache of one index version in a server's folder."""
    return folder / f"{version}.sqlite"


def remove_stale(folder: Path, versions: Iterable[str]) -> None:
    """Delete the caches (with their -wal and -shm files) of versions not in `versions`."""
    keep = set(versions)
    for path in folder.glob("*.sqlite*"):
        if path.name.split(".sqlite")[0] not in keep:
            path.unlink(missing_ok=True)


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()


class SharedCache:
    """Bytes by key for one index version, in a file every worker of a server opens (after the fork)."""

    def __init__(self, path: Path, max_bytes: int = MAX_BYTES):
        self.path = path
        self.max_bytes = max_bytes
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._writes = 0
        self.disabled = False

    def get_or_compute(self, key: str, compute: Callable[[], bytes]) -> bytes:
        """The stored value for `key`, else `compute()` stored for the other processes."""
        digest = _digest(key)
        value = self._get(digest)
        if value is not None:
            return value
        value = compute()
        self._put(digest, value)
        return value

    def close(self) -> None:
        """Close this process's connection."""
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def _connection(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._db is None or self._pid != os.getpid():  # a connection must not cross a fork
            try:
                mode = self.path.parent.stat().st_mode  # never made here: a missing folder turns the cache off
                if not stat.S_ISDIR(mode) or mode & 0o077:
                    raise PermissionError(f"{self.path.parent.name} is not a private folder")
                db = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a lost write costs one recomputation
                db.execute("CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, value BLOB NOT NULL)")
            except (OSError, sqlite3.Error) as exc:
                self._disable(exc)
                return None
            self._db, self._pid = db, os.getpid()
        return self._db

    def _get(self, digest: bytes) -> bytes | None:
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM results WHERE key = ?", (digest,)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)  # busy: compute it here this time
            return None
        return bytes(row[0]) if row else None

    def _put(self, digest: bytes, value: bytes) -> None:
        db = self._connection()
        if db is None or len(value) > self.max_bytes // 16:
            return
        try:
            db.execute("INSERT OR IGNORE INTO results (key, value) VALUES (?, ?)", (digest, value))
            self._writes += 1
            if self._writes % TRIM_EVERY == 0:
                self._trim(db)
        except sqlite3.Error as exc:
            self._failed(exc)  # busy: the next process to ask computes it too

    def _trim(self, db: sqlite3.Connection) -> None:
        """Delete the oldest rows until the file's results fit in max_bytes."""
        total = db.execute("SELECT coalesce(sum(length(value)), 0) FROM results").fetchone()[0]
        if total <= self.max_bytes:
            return
        excess = total - self.max_bytes * 3 // 4
        cut = 0
        for rowid, size in db.execute("SELECT rowid, length(value) FROM results ORDER BY rowid").fetchall():
            excess -= size
            cut = rowid
            if excess <= 0:
                break
        db.execute("DELETE FROM results WHERE rowid <= ?", (cut,))

    def _failed(self, exc: sqlite3.Error) -> None:
        """A moment's lock by another process is skipped; anything else (full, damaged, gone) turns the cache off."""
        if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) not in _TRANSIENT:
            self._disable(exc)

    def _disable(self, exc: Exception) -> None:
        log.warning("shared result cache off for this process (%s: %s)", type(exc).__name__, exc)
        self.disabled = True
        self._db = None
