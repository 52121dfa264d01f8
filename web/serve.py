"""Production serving with gunicorn: sync workers (search is CPU-bound), logs without IPs or query strings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from web import create_app

# Privacy: no client address, and the path without its query string (health searches live there).
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any], data_dir: Path):
        self.options = options
        self.data_dir = data_dir
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app({"DATA_DIR": str(self.data_dir)})


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """The gunicorn settings kb serves with."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 4096,
        "limit_request_fields": 50,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": False,  # each worker opens the index itself
    }


def serve(data_dir: Path, host: str, port: int, workers: int) -> None:
    """Run gunicorn in the foreground until interrupted."""
    _Server(gunicorn_options(host, port, workers), data_dir).run()
