"""The README and docs/ document every `kb` command, every route and every setting kb gives a default.

Each test reads the code (the click group, the Flask URL map, the app's config) and fails naming what the docs miss.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import click
import flask
import pytest

from kb.cli import main
from web import create_app

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"

PARAM = re.compile(r"<[^<>/]*>")  # a URL converter (`<entry_id>`, `<path:name>`), written any way in the docs


def read(*paths: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def all_docs() -> str:
    return read(README, *sorted(DOCS.glob("*.md")))


def command_names(group: click.Group, prefix: str = "") -> Iterator[str]:
    """`ingest`, `search`, …, and `GROUP SUB` for the commands of any subgroup."""
    for name, command in sorted(group.commands.items()):
        yield prefix + name
        if isinstance(command, click.Group):
            yield from command_names(command, prefix + name + " ")


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> flask.Flask:
    """The app over an empty data directory (the index is opened lazily) and no KB_ variables from the shell."""
    for name in list(os.environ):
        if name.startswith("KB_"):
            monkeypatch.delenv(name)
    return create_app({"DATA_DIR": str(tmp_path)})


def test_the_docs_exist() -> None:
    assert README.is_file()
    assert CONFIGURATION.is_file()


def test_every_command_is_documented() -> None:
    text = all_docs()
    commands = list(command_names(main))
    assert "search" in commands  # the walk found the group's commands
    missing = [name for name in commands
               if not re.search(r"`kb " + re.escape(name) + r"(?![\w-])", text)]
    assert missing == [], f"commands in neither README.md nor docs/*.md: {missing}"


def test_every_route_is_documented(app: flask.Flask) -> None:
    text = PARAM.sub("<id>", all_docs())
    rules = sorted({PARAM.sub("<id>", rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"})
    assert "/api/search" in rules  # the blueprints are registered
    # In a code span, alone or followed by a query string, a fragment or more words: `/api/suggest?q=…`, `/`, `/search`.
    missing = [rule for rule in rules if not re.search(r"`(?:GET )?" + re.escape(rule) + r"(?=[`?#\s])", text)]
    assert missing == [], f"routes in neither README.md nor docs/*.md: {missing}"


def test_every_setting_is_documented(app: flask.Flask) -> None:
    plain = flask.Flask(__name__).config
    settings = sorted(key for key, value in app.config.items() if key not in plain or plain[key] != value)
    assert {"DATA_DIR", "CLINIC_NAME", "MAX_CONTENT_LENGTH"} <= set(settings)  # kb's own defaults were found
    text = read(README, CONFIGURATION)
    missing = [key for key in settings
               if not re.search(r"(?<![\w])(?:KB_)?" + re.escape(key) + r"(?![\w])", text)]
    assert missing == [], f"settings in neither README.md nor docs/configuration.md: {missing}"
