"""The dependency rule of notes/code-style.md §3, checked on every import in the tree.

ui → services → readmodel / sync → store → models; hub → models. Only app.store opens
the database, only app.sync speaks HTTP, only app.ui (and the composition root) import
Flet.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "app", "hub")

# Layer → first-party layers it may import. Leaves (errors, settings) are open to all.
ALLOWED: dict[str, set[str]] = {
    "models": {"models"},
    "app.store": {"models", "app.store"},
    "app.sync": {"models", "app.store", "app.sync"},
    "app.readmodel": {"models", "app.store", "app.readmodel"},
    "app.services": {
        "models",
        "app.store",
        "app.sync",
        "app.readmodel",
        "app.services",
    },
    "app.ui": {"models", "app.services", "app.ui"},
    "app.main": {
        "models",
        "app.store",
        "app.sync",
        "app.readmodel",
        "app.services",
        "app.ui",
        "app.main",
    },
    "hub": {"models", "hub"},
}
LEAVES = {"app.errors", "app.settings"}
# Third-party modules only some layers may touch.
RESTRICTED = {
    "flet": {"app.ui", "app.main"},
    "flet_web": {"app.ui", "app.main"},
    "flet_secure_storage": {"app.main"},
    "httpx": {"app.sync"},
    "sqlalchemy": {"app.store", "hub"},
    "sqlite3": {"app.store", "hub"},
    "sqlmodel": {"models", "app.store", "hub"},
    "fastapi": {"hub"},
    "uvicorn": {"hub"},
    "psycopg": {"hub"},
    "alembic": {"hub"},
}


def layer_of(module: str) -> str:
    for prefix in ("app.store", "app.sync", "app.readmodel", "app.services", "app.ui"):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    if module in LEAVES:
        return module
    if module.startswith("app."):
        return "app.main"  # composition root and dev runner
    return module.split(".")[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def violations(path: Path) -> list[str]:
    source = layer_of(module_name(path))
    if source in LEAVES:
        source_allowed = {"models"} | LEAVES
    else:
        source_allowed = ALLOWED.get(source, set()) | (
            LEAVES if source.startswith("app") else set()
        )
    bad = []
    for target in imports(path):
        top = target.split(".")[0]
        if top in PACKAGES:
            target_layer = layer_of(target)
            if target_layer not in source_allowed:
                bad.append(f"{module_name(path)} imports {target}")
        elif top in RESTRICTED and source not in RESTRICTED[top]:
            bad.append(f"{module_name(path)} imports {target}")
    return bad


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_respects_the_dependency_rule(path: Path) -> None:
    assert violations(path) == []


def test_rule_catches_an_upward_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = ROOT / "app" / "store" / "_layering_probe.py"
    monkeypatch.setattr(
        Path, "read_text", lambda self: "import flet\nfrom app.ui import x\n"
    )
    assert violations(fake) == [
        "app.store._layering_probe imports flet",
        "app.store._layering_probe imports app.ui",
    ]
