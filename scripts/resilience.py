#!/usr/bin/env python3
"""Resilience run: search load against a real `kb serve` while the knowledge base is re-ingested several times and
one ingest is SIGKILLed mid-way. Loopback only (127.0.0.1), everything in a temporary folder, bounded in time.

    scripts/resilience.py [--seconds 20] [--reindexes 3] [--kill] [--kill-at indexing] [--corpus samples]
                          [--clients 4] [--workers 2] [--timeout 300] [--keep]

Prints one JSON report: {"requests", "failed", "versions_seen", "reindexes", "killed_ingest", ...}. Exits 1 unless
no request failed, the clients saw every published version, every re-ingest succeeded and (with --kill) the killed
ingest left the previous version serving. The kill uses the documented test hook KB_TEST_INGEST_PAUSE (README,
operations) to stop the ingest at a known stage; `--kill-at random` kills at a random moment instead.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kb.local_server import free_port, kb_executable, stop

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PAUSE_ENV = "KB_TEST_INGEST_PAUSE"
QUERIES = ["sciatica", "jaw clicking", "deep tissue massage", "plantar fasciitis", "headache", "everett phone",
           "how many sessions", "better sleep", "neck pain", "sciatia massage help", "knee", "frozen shoulder"]


class Load:
    """Client threads searching in a loop; every response counted, every failure kept (the first few in full)."""

    def __init__(self, port: int, clients: int, pause: float, max_requests: int):
        self.port, self.clients, self.pause, self.max_requests = port, clients, pause, max_requests
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = self.failed = 0
        self.failures: list[str] = []
        self.versions: list[str] = []  # in the order first seen
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)

    def _get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=15)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def _run(self, n: int) -> None:
        rng = random.Random(n)
        i = 0
        while not self.stop.is_set():
            i += 1
            q = quote(rng.choice(QUERIES))
            path = "/healthz" if i % 5 == 0 else f"/search?q={q}" if i % 7 == 0 else f"/api/search?q={q}"
            problem = None
            try:
                status, body = self._get(path)
                if status != 200:
                    problem = f"{path}: HTTP {status}: {body[:200]!r}"
                elif path != "/healthz" and path.startswith("/api/"):
                    json.loads(body)
                elif path == "/healthz":
                    self._saw(str(json.loads(body)["index_version"]))
            except (OSError, ValueError, http.client.HTTPException) as exc:
                problem = f"{path}: {type(exc).__name__}: {exc}"
            with self.lock:
                self.requests += 1
                if problem:
                    self.failed += 1
                    if len(self.failures) < 10:
                        self.failures.append(problem)
                if self.requests >= self.max_requests:
                    self.stop.set()
            if self.pause:
                time.sleep(self.pause)

    def _saw(self, version: str) -> None:
        with self.lock:
            if version not in self.versions:
                self.versions.append(version)

    def wait_for_version(self, version: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stop.is_set():
            with self.lock:
                if version in self.versions:
                    return True
            time.sleep(0.05)
        with self.lock:
            return version in self.versions


def current(data: Path) -> str | None:
    try:
        return (data / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def ingest(kb: str, corpus: Path, data: Path, timeout: float) -> str:
    """One `kb ingest`; the published version's name (RuntimeError when it fails)."""
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    done = subprocess.run([kb, "ingest", str(corpus), "--data-dir", str(data), "--json"], capture_output=True,
                          text=True, timeout=timeout, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"kb ingest exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return str(json.loads(done.stdout)["index_version"])


def killed_ingest(kb: str, corpus: Path, data: Path, stage: str, timeout: float) -> dict[str, Any]:
    """Start an ingest, SIGKILL it at `stage` (or at a random moment), and say what it left behind."""
    before = current(data)
    env = {k: v for k, v in os.environ.items() if k != PAUSE_ENV}
    if stage != "random":
        env[PAUSE_ENV] = stage
    proc = subprocess.Popen([kb, "ingest", str(corpus), "--data-dir", str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    reached = False
    try:
        if stage == "random":
            time.sleep(random.Random().uniform(0.5, 3.0))
            reached = proc.poll() is None
        else:
            deadline = time.monotonic() + timeout
            seen = b""
            while time.monotonic() < deadline and f"kb: paused at {stage}".encode() not in seen:
                ready, _, _ = select.select([proc.stderr], [], [], 0.2)
                if ready:
                    chunk = os.read(proc.stderr.fileno(), 4096)
                    if not chunk:
                        break  # it ended without reaching the stage
                    seen += chunk
            reached = f"kb: paused at {stage}".encode() in seen
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stderr.close()
    after = current(data)
    leftovers = sorted(p.name for p in (data / "versions").iterdir() if p.name.startswith(".build-"))
    return {"stage": stage, "killed": reached and proc.returncode == -signal.SIGKILL,
            "previous_still_live": after == before, "before": before, "after": after, "leftovers": leftovers}


def run(args: argparse.Namespace) -> dict[str, Any]:
    kb = kb_executable()
    corpus = Path(args.corpus).resolve()
    workdir = Path(tempfile.mkdtemp(prefix="kb-resilience-"))
    data = workdir / "kb-data"
    started = time.monotonic()
    report: dict[str, Any] = {"requests": 0, "failed": 0, "versions_seen": 0, "reindexes": 0, "killed_ingest": False}
    published: list[str] = []
    problems: list[str] = []
    server = None
    load = None
    log = open(workdir / "serve.log", "wb")  # noqa: SIM115 (closed in finally)
    try:
        def left() -> float:
            return max(5.0, args.timeout - (time.monotonic() - started))

        published.append(ingest(kb, corpus, data, left()))
        port = free_port()
        server = subprocess.Popen([kb, "serve", "--data-dir", str(data), "--host", HOST, "--port", str(port),
                                   "--workers", str(args.workers)], stdout=log, stderr=subprocess.STDOUT)
        load = Load(port, args.clients, args.pause, args.max_requests)
        deadline = time.monotonic() + 30
        while True:
            try:
                if load._get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("kb serve did not come up")
            time.sleep(0.2)
        load.start()
        if not load.wait_for_version(published[0], 10):
            problems.append(f"clients never saw the first version {published[0]}")

        steps = ["reindex"] * args.reindexes
        if args.kill:
            steps.insert(min(1, len(steps)), "kill")
        step_gap = args.seconds / (len(steps) + 1)
        for i, step in enumerate(steps, 1):
            time.sleep(max(0.0, started + i * step_gap - time.monotonic()))
            if time.monotonic() - started > args.timeout:
                problems.append("timed out")
                break
            if step == "kill":
                outcome = killed_ingest(kb, corpus, data, args.kill_at, left())
                report["kill"] = outcome
                report["killed_ingest"] = outcome["killed"] and outcome["previous_still_live"]
                if not report["killed_ingest"]:
                    problems.append(f"killed ingest: {outcome}")
                continue
            try:
                published.append(ingest(kb, corpus, data, left()))
                report["reindexes"] += 1
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                problems.append(str(exc))
                continue
            if not load.wait_for_version(published[-1], 10):
                problems.append(f"clients never saw version {published[-1]}")
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        if load is not None:
            load.finish()
        if server is not None:
            stop(server)
        log.close()
        if args.keep:
            report["workdir"] = str(workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if load is not None:
        report.update(requests=load.requests, failed=load.failed, versions_seen=len(load.versions),
                      versions=load.versions, failures=load.failures)
        missing = [v for v in published if v not in load.versions]
        if missing:
            problems.append(f"versions published but never seen: {missing}")
    report.update(versions_published=len(published), seconds=round(time.monotonic() - started, 1),
                  problems=problems)
    report["ok"] = (not problems and report["failed"] == 0 and report["requests"] > 0
                    and report["reindexes"] == args.reindexes and (report["killed_ingest"] or not args.kill))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="run at least this long (default 20)")
    parser.add_argument("--reindexes", type=int, default=3, help="successful re-ingests while serving (default 3)")
    parser.add_argument("--kill", action="store_true", help="also SIGKILL one ingest mid-way")
    parser.add_argument("--kill-at", default="indexing", help="the stage to kill it at, or 'random' (default indexing)")
    parser.add_argument("--corpus", default=str(ROOT / "samples"), help="articles to ingest (default samples/)")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--pause", type=float, default=0.005, help="seconds each client waits between requests")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop the load after this many requests")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds (default 300)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (data and server log)")
    args = parser.parse_args()
    report = run(args)
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
