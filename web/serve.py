"""Production serving with gunicorn: sync workers (search is CPU-bound), logs without IPs or query strings."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger
from gunicorn.http.message import MAX_REQUEST_LINE

from web import create_app

# The longest request line gunicorn reads: its own ceiling (8190 bytes; a larger setting is cut to it, and 0 means a
# line of any length read into memory). Long enough that an over-long `q` or facet value is answered by the app, with
# its JSON 400, in all but extreme requests; a longer line still gets gunicorn's HTML 414, listed in web/openapi.py.
REQUEST_LINE_LIMIT = MAX_REQUEST_LINE
REQUEST_FIELDS_LIMIT = 50  # header lines; more get gunicorn's HTML 431, listed in web/openapi.py too

# Privacy: no client address, and the path without its query string (health searches live there).
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

_QUERY = re.compile(r"\?(?=\S).*?(?=\s+HTTP/\d|$)", re.MULTILINE)  # to the protocol or the end of the line
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:])(?=[0-9A-Fa-f:]*(?:::|[A-Fa-f]))(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


_BAD_REQUEST = re.compile(r"""^(.*Invalid request from .*?)['"].*$""", re.MULTILINE)


def redact(text: str) -> str:
    """`text` without query strings and IP addresses (gunicorn's own messages quote both, e.g. a bad request line)."""
    text = _BAD_REQUEST.sub(r"\1[request text withheld]", text)  # it quotes any part of the line, words of a query too
    text = _QUERY.sub("?[query withheld]", text)
    text = _IPV4.sub("[address withheld]", text)
    return _IPV6.sub("[address withheld]", text)


class _RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter | None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        if str(record.msg).startswith("Listening at"):
            return text  # the server's own address, not a client's
        return redact(text)


class PrivateLogger(Logger):
    """gunicorn's logger with every error and access line passed through `redact`, tracebacks included."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not isinstance(handler.formatter, _RedactingFormatter):
                    handler.setFormatter(_RedactingFormatter(handler.formatter))


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
        "limit_request_line": REQUEST_LINE_LIMIT,
        "limit_request_fields": REQUEST_FIELDS_LIMIT,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "loglevel": "info",
        "logger_class": PrivateLogger,
        "preload_app": False,  # each worker opens the index itself
    }


def serve(data_dir: Path, host: str, port: int, workers: int) -> None:
    """Run gunicorn in the foreground until interrupted (each worker opens the index and caches for itself)."""
    _Server(gunicorn_options(host, port, workers), data_dir).run()
