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


# -- no import circles inside a package ------------------------------------------


def _module_of(target: str, known: set[str]) -> str | None:
    """The first-party module an import names (``from a.b import c``: ``a.b.c`` if
    that is a module, else ``a.b``)."""
    if target in known:
        return target
    parent = target.rsplit(".", 1)[0]
    return parent if parent in known else None


def _imported(path: Path) -> list[str]:
    """Every first-party module imported, lazy and TYPE_CHECKING imports included."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> modules of the same layer it imports."""
    paths = {module_name(p): p for p in sources()}
    known = set(paths)
    graph: dict[str, set[str]] = {m: set() for m in known}
    for module, path in paths.items():
        for target in _imported(path):
            found = _module_of(target, known)
            if found and found != module and layer_of(found) == layer_of(module):
                graph[module].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_package_imports_itself_in_a_circle() -> None:
    assert cycles(import_graph()) == []


def test_circle_finder_sees_a_circle_through_a_type_checking_import() -> None:
    graph = {"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}
    assert cycles(graph) == [["a.x", "a.y", "a.z"]]


# -- screens see the session through the Host protocol only ------------------------

UI_INSIDES = {"app.ui.shell", "app.ui.assembly", "app.ui.routes"}


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "app" / "ui" / "views").glob("*.py"))
    + sorted((ROOT / "app" / "ui" / "components").glob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_screens_and_components_know_the_host_not_the_shell(path: Path) -> None:
    imported = set(_imported(path)) | set(imports(path))
    assert not {t for t in imported if t in UI_INSIDES or t.startswith("app.ui.shell")}
    if "components" in path.parts:  # shared parts know no screen
        assert not [t for t in imported if t.startswith("app.ui.views")]
