"""The phone build carries the field app and nothing else from this folder.

``flet build`` copies the whole app folder (``app.path = "."``: the project root)
into the phone, minus the exclude list it builds from ``[tool.flet] app.exclude``
and its default rules. ``fletbuild.package_excludes`` runs that code and
``fletbuild.packaged_files`` copies the packager's rule, here on a replica of a
working copy: every tracked file, plus what ``make venv``, ``make run``,
``make test`` and ``make bench`` leave behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gitfiles import ignore_rules_hitting, is_checkout, tracked
from tests.packaging.fletbuild import (
    ROOT,
    build_command,
    package_excludes,
    packaged_files,
)

pytestmark = pytest.mark.skipif(not is_checkout(), reason="not a git checkout")

# What the phone runs: the `flet build` entry point, the app, shared models, assets.
PHONE = ("main.py", "app/", "models/", "assets/")
# Inside those, what only the desktop uses.
DESKTOP_ONLY = (
    "app/devrun.py",  # `make run`: starts the hub and the web build as processes
    "assets/index.html",  # the local web build's page and its CSP
)
# What the make targets leave in a working copy (one file each is enough).
LEFT_BEHIND = (
    ".venv/pyvenv.cfg",  # make venv
    ".venv/lib/python3.11/site-packages/flet/__init__.py",
    "parley.egg-info/PKG-INFO",  # pip install -e .
    "app/__pycache__/main.cpython-311.pyc",
    "app/settings.pyc",  # a stray bytecode file (harmless: phone app code)
    "var/app/vault/key",  # make run: the local vault
    "var/hub.db",  # make run: the demo hub
    "screenshots/quick_log.png",  # browser tests
    "bench/out/vault.json",  # make bench
    "bench/pouch/node_modules/pouchdb-node/package.json",  # make pouch (bench links)
    ".pytest_cache/README.md",
    ".mypy_cache/3.11/app.json",
    ".ruff_cache/CACHEDIR.TAG",
    ".hypothesis/examples/x",
    "build/flutter/pubspec.yaml",  # flet build itself
    "dist/parley-0.1.0-py3-none-any.whl",  # python -m build
)


def working_copy(tmp_path: Path) -> Path:
    """An empty-file replica of the checkout plus what the make targets leave."""
    copy = tmp_path / "parley"
    for rel in [*tracked(), *LEFT_BEHIND]:
        path = copy / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    for real in ("pyproject.toml", "main.py"):  # what flet-cli reads
        (copy / real).write_bytes((ROOT / real).read_bytes())
    (copy / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return copy


def phone_files(copy: Path, tmp_path: Path) -> list[str]:
    command = build_command(copy, tmp_path / "build")
    return packaged_files(copy, package_excludes(command))


def test_every_ignore_rule_has_a_left_behind_sample() -> None:
    # A new .gitignore rule means some command leaves something new in the
    # folder: add a sample of it above, so the exclude list is checked against it.
    rules = {
        line.strip()
        for line in (ROOT / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    hit = set(ignore_rules_hitting(list(LEFT_BEHIND)).values())
    assert rules - hit == set()


def test_phone_package_holds_only_the_phone_app(tmp_path: Path) -> None:
    files = phone_files(working_copy(tmp_path), tmp_path)
    assert "main.py" in files and "app/main.py" in files
    outside = [f for f in files if not f.startswith(PHONE)]
    assert outside == [], (
        "flet build would put these on the phone; add them to [tool.flet] "
        f"app.exclude: {outside}"
    )


def test_desktop_only_code_stays_off_the_phone(tmp_path: Path) -> None:
    files = phone_files(working_copy(tmp_path), tmp_path)
    assert [f for f in DESKTOP_ONLY if f in files] == []


def test_the_package_check_sees_a_new_top_level_file(tmp_path: Path) -> None:
    copy = working_copy(tmp_path)
    (copy / "notes.txt").touch()
    assert "notes.txt" in phone_files(copy, tmp_path)


def test_the_message_catalogs_go_on_the_phone(tmp_path: Path) -> None:
    # The app reads its French and Arabic .po catalogs at start (app/ui/i18n).
    files = phone_files(working_copy(tmp_path), tmp_path)
    for code in ("fr", "ar"):
        assert f"app/ui/locale/{code}/LC_MESSAGES/messages.po" in files
