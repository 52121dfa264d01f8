"""HTTP: `kb serve` (gunicorn, sync workers) on 127.0.0.1, loaded by wrk for a bounded time, search beside /healthz."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb.local_server import free_port, wait_for

LUA = Path(__file__).with_name("rotate.lua")
UNIQUE_LUA = Path(__file__).with_name("unique.lua")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk_path() -> str | None:
    """The wrk binary (Debian: `apt-get install wrk`), or None."""
    return shutil.which("wrk")


def kb_command() -> list[str]:
    """`kb` from this interpreter's environment (the virtualenv the bench runs in)."""
    exe = Path(sys.executable).with_name("kb")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-c", "from kb.cli import main; main()"]


@contextlib.contextmanager
def kb_server(data_dir: Path, workers: int, log: Path, port: int | None = None) -> Iterator[tuple[str, int]]:
    """Run `kb serve` on a free 127.0.0.1 port until the block ends; yields (base URL, master pid)."""
    port = port or free_port()
    cmd = [*kb_command(), "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", 60)
        yield base, proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def children_rss_mb(pid: int) -> list[float]:
    """Resident memory of the direct children of `pid` (gunicorn's workers), in MiB."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                status = (stat.parent / "status").read_text()
                kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
                out.append(round(kb / 1024, 1))
        except (OSError, ValueError, IndexError, AttributeError):
            continue
    return sorted(out)


def _ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not m:
        return float("nan")
    return round(float(m.group(1)) * _UNITS[m.group(2)], 3)


def parse_wrk(text: str) -> dict[str, Any]:
    """Requests/s, latency percentiles (ms), request count, errors and non-2xx from `wrk --latency` output."""
    out: dict[str, Any] = {}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        out["req_per_s"] = float(m.group(1))
    for pct in ("50", "75", "90", "99"):
        if m := re.search(rf"^\s+{pct}%\s+(\S+)", text, re.MULTILINE):
            out[f"p{pct}_ms"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in ([\d.]+\w+)", text):
        out["requests"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        out["socket_errors"] = sum(int(x) for x in m.groups())
        out["timeouts"] = int(m.group(4))
    out["non_2xx"] = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", text)) else 0
    return out


def run_wrk(url: str, seconds: float, connections: int, threads: int = 2, paths: Path | None = None,
            timeout: float = 10.0, once: bool = False) -> dict[str, Any]:
    """One bounded wrk run (its own duration, plus a hard stop); with `paths`, rotating through them, or with
    `once` sending each one once (see unique.lua)."""
    wrk = wrk_path()
    assert wrk is not None
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
           f"--timeout={max(1, round(timeout))}s"]
    if paths is not None:
        cmd += ["-s", str(UNIQUE_LUA if once else LUA), url, "--", str(paths), str(threads)]
    else:
        cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout + 30)
    result = parse_wrk(proc.stdout)
    if proc.returncode != 0 or "req_per_s" not in result:
        result["error"] = (proc.stderr or proc.stdout)[-500:]
    return result


def settle(base: str, limit: float = 60.0) -> float:
    """Wait until the server has drained the requests a finished wrk run left queued (sync workers still answer
    connections wrk has dropped): /healthz answering in under 50 ms twice running. Returns the seconds waited."""
    start = time.monotonic()
    quick = 0
    while quick < 2 and time.monotonic() - start < limit:
        began = time.monotonic()
        with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=limit):
            pass
        quick = quick + 1 if time.monotonic() - began < 0.05 else 0
    return round(time.monotonic() - start, 2)


def http_bench(data_dir: Path, paths: list[str], work: Path, seconds: float, connections: int,
               workers: int, unique: list[str] | None = None, typed: list[str] | None = None) -> dict[str, Any]:
    """On one fresh `kb serve`, one after the other, each for `seconds`: /healthz; `unique` search paths each sent
    once (no cache can answer); search rotating `paths` twice (the replayed phase); `typed` suggestion paths (every
    prefix of each query, in typing order). Worker memory after each phase."""
    if wrk_path() is None:
        return {"skipped": "wrk is not installed (Debian: apt-get install wrk)"}
    path_file = work / "paths.txt"
    path_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    out: dict[str, Any] = {"workers": workers, "connections": connections, "seconds": seconds,
                           "distinct_paths": len(set(paths)), "worker_rss_mb_by_phase": {}}
    with kb_server(data_dir, workers, work / "serve.log") as (base, pid):
        for _ in range(4 * workers):  # every worker opens the index before anything is timed
            with contextlib.suppress(OSError), urllib.request.urlopen(base + "/healthz", timeout=30):
                pass
        out["worker_rss_mb_by_phase"]["open"] = children_rss_mb(pid)
        out["healthz"] = run_wrk(base + "/healthz", seconds, connections)
        waits = out["settle_seconds"] = [settle(base)]
        if unique:
            unique_file = work / "unique.txt"
            unique_file.write_text("\n".join(unique) + "\n", encoding="utf-8")
            out["search_unique"] = run_wrk(base, seconds, connections, paths=unique_file, once=True)
            waits.append(settle(base))
            out["unique_paths"] = len(set(unique))
            out["worker_rss_mb_by_phase"]["unique"] = children_rss_mb(pid)
        # The same rotation twice: the first pass meets each query cold in each worker, the second finds what the
        # first pass cached (all of it once a worker has seen every path).
        out["search"] = run_wrk(base, seconds, connections, paths=path_file)
        waits.append(settle(base))
        out["search_warm"] = run_wrk(base, seconds, connections, paths=path_file)
        waits.append(settle(base))
        if typed:  # two halves: the one-connection run types queries the first run never sent
            half = len(typed) // 2
            typed_file, one_file = work / "typed.txt", work / "typed-one.txt"
            typed_file.write_text("\n".join(typed[:half]) + "\n", encoding="utf-8")
            one_file.write_text("\n".join(typed[half:]) + "\n", encoding="utf-8")
            out["suggest_typed"] = run_wrk(base, seconds, connections, paths=typed_file, once=True)
            waits.append(settle(base))
            # One person typing: one connection, so the latency is the server's, not a queue behind 31 others.
            out["suggest_typed_one"] = run_wrk(base, seconds, 1, threads=1, paths=one_file, once=True)
            out["typed_paths"] = len(typed)
        out["worker_rss_mb"] = children_rss_mb(pid)
        out["worker_rss_mb_by_phase"]["end"] = out["worker_rss_mb"]
    health = out["healthz"]
    for key, run in (("search_to_healthz", "search"), ("warm_search_to_healthz", "search_warm"),
                     ("unique_to_healthz", "search_unique"), ("typed_to_healthz", "suggest_typed")):
        if health.get("req_per_s") and out.get(run, {}).get("req_per_s"):
            out[key] = round(out[run]["req_per_s"] / health["req_per_s"], 4)
    if health.get("p99_ms") and out.get("search_unique", {}).get("p99_ms"):
        out["unique_p99_to_healthz_p99"] = round(out["search_unique"]["p99_ms"] / health["p99_ms"], 2)
    return out
