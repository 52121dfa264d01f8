"""The house points one way: files → ingest → entries → index → web. Every import of every product module, lazy
ones included, is checked against the layer it may use; and no product module grows past MAX_LINES."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kb", "ingest", "index", "web")
MAX_LINES = 400
# Data and words every layer may read.
DOMAIN = {"kb.model", "kb.articles", "kb.vocabulary", "kb.matcher", "kb.translations", "kb.cues", "kb.config",
          "kb.yaml_data"}

# What each module (or every module of a package, by its name) may import from the project's packages.
ALLOWED: dict[str, set[str]] = {
    "ingest": {"ingest", *DOMAIN},
    "index": {"index", *DOMAIN},
    "web": {"web", "index", "kb.knowledge", "kb.sites", *DOMAIN},
    "kb": set(),
    "kb.model": set(),
    "kb.articles": set(),
    "kb.vocabulary": {"kb.model", "kb.matcher", "kb.translations", "kb.yaml_data"},
    "kb.matcher": {"kb.model", "kb.translations"},
    "kb.translations": {"kb.yaml_data"},
    "kb.yaml_data": set(),
    "kb.cues": {"kb.vocabulary", "kb.yaml_data"},
    "kb.config": set(),
    "kb.sites": {*DOMAIN},
    "kb.cli_sites": {"kb.sites", "kb.config"},
    "kb.local_server": set(),
    "kb.pipeline": {"ingest", "index", *DOMAIN},
    "kb.knowledge": {"kb.pipeline", "kb.sites", "index", *DOMAIN},
    "kb.evaluate": {"kb.knowledge", "index", *DOMAIN},
    "kb.cli": {"kb", "index", "web"},  # the command line is the top: `kb serve` starts the web app
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


MODULES = {module_name(p) for p in product_modules()}


def project_imports(path: Path) -> set[str]:
    """The project modules `path` imports, wherever in the file the import stands (`from kb import pipeline`
    counts as kb.pipeline)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module
                         for a in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def allowed_for(module: str) -> set[str]:
    return ALLOWED[module] if module in ALLOWED else ALLOWED[module.split(".")[0]]


def against_the_flow(module: str, imported: set[str]) -> list[str]:
    """The imports `module` may not make."""
    allowed = allowed_for(module)
    return sorted(name for name in imported
                  if name != module and not any(name == a or name.startswith(a + ".") for a in allowed))


@pytest.mark.parametrize("path", product_modules(), ids=module_name)
def test_imports_point_down(path: Path) -> None:
    module = module_name(path)
    assert against_the_flow(module, project_imports(path)) == [], f"{module} may import only {allowed_for(module)}"


def test_the_rules_catch_an_import_against_the_flow(tmp_path: Path) -> None:
    """index importing ingest, and web importing ingest, are refused (the check can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ingest.merge import merge\n    import web.pages\n", encoding="utf-8")
    assert against_the_flow("index.search", project_imports(bad)) == ["ingest.merge", "web.pages"]
    assert against_the_flow("web.pages", {"kb.knowledge", "index.search", "ingest.contacts"}) == ["ingest.contacts"]
    assert against_the_flow("kb.model", {"kb.knowledge"}) == ["kb.knowledge"]


@pytest.mark.parametrize("path", product_modules(), ids=module_name)
def test_no_module_is_over_the_line_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines: split it by concept"
