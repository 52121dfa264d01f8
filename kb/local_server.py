"""For programs that start `kb` on this machine (tests, the bench, scripts): the command, a free port, readiness,
stopping."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

LOOPBACK = "127.0.0.1"


def kb_executable() -> str:
    """The `kb` next to this Python (a virtualenv), else the one on PATH."""
    return shutil.which("kb", path=os.path.dirname(sys.executable)) or shutil.which("kb") or "kb"


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port on `host` that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 20.0) -> None:
    """Poll `url` until it answers 200; RuntimeError with the last failure after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError as exc:
            last = exc
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 in {timeout:.0f} s: {last}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 15.0) -> None:
    """Stop a server started with Popen: SIGTERM (gunicorn finishes requests and cleans up), SIGKILL if it hangs."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
