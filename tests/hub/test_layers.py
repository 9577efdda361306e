"""Layering of what this branch owns: the hub never imports the app, and only
app/sync speaks HTTP."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from hub.settings import HubSettings

ROOT = Path(__file__).resolve().parents[2]


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_hub_imports_models_and_never_the_app() -> None:
    for path, names in _imports("hub").items():
        assert "app" not in names, path


@pytest.mark.parametrize("folder", ["app/services", "app/store", "models"])
def test_only_app_sync_imports_httpx(folder: str) -> None:
    for path, names in _imports(folder).items():
        assert not names & {"httpx", "flet"}, path


def test_models_import_neither_app_nor_hub() -> None:
    for path, names in _imports("models").items():
        assert not names & {"app", "hub"}, path


def test_settings_come_from_the_environment() -> None:
    env = {
        "PARLEY_HUB_DATABASE_URL": "postgresql://db/hub",
        "PARLEY_HUB_PORT": "9000",
        "PARLEY_HUB_HOST": "0.0.0.0",
    }
    settings = HubSettings.from_env(env)
    assert (settings.database_url, settings.port, settings.host) == (
        "postgresql://db/hub",
        9000,
        "0.0.0.0",
    )
    assert settings.is_postgres
    default = HubSettings.from_env({})
    assert default.host == "127.0.0.1" and default.database_url.endswith("var/hub.db")
