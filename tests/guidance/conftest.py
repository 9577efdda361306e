"""Fixtures for the guidance tests: the bundled pack, editable copies, a small pack."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.services.guidance import (
    GuidanceLibrary,
    Pack,
    bundled_pack_dir,
    load_pack,
    read_dir,
)

PackFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def bundled_pack() -> Pack:
    """The pack shipped in assets/guidance/pack, loaded once."""
    return load_pack(bundled_pack_dir())


@pytest.fixture(scope="session")
def library(bundled_pack: Pack) -> GuidanceLibrary:
    """A library over the bundled pack, indexed once."""
    return GuidanceLibrary(bundled_pack)


@pytest.fixture(scope="session")
def bundled_files() -> dict[str, bytes]:
    """The bundled pack's files, as the loader reads them."""
    return read_dir(bundled_pack_dir())


@pytest.fixture
def make_pack(tmp_path: Path) -> PackFactory:
    """Copy the bundled pack into tmp_path, with a chosen version and edits.

    ``make_pack(version=2, edit={"en/cards/x.md": lambda text: ...}, drop=[...],
    add={"fr/cards/x.md": "..."}, languages=("en", "fr"))`` returns the directory of
    the copy; ``languages`` keeps only those folders (the bundled ones are dropped
    before ``add`` writes its files).
    """
    counter = iter(range(1_000_000))

    def build(
        *,
        version: int = 2,
        edit: dict[str, Callable[[str], str]] | None = None,
        drop: tuple[str, ...] = (),
        pack_id: str | None = None,
        add: dict[str, str] | None = None,
        languages: tuple[str, ...] | None = None,
    ) -> Path:
        root = tmp_path / f"candidate-{next(counter)}"
        shutil.copytree(bundled_pack_dir(), root)
        set_pack_field(root, "version", str(version))
        if languages is not None:  # keep only these language folders
            set_pack_field(root, "languages", repr(list(languages)).replace("'", '"'))
            for folder in root.iterdir():
                if folder.is_dir() and folder.name not in languages:
                    shutil.rmtree(folder)
        if pack_id is not None:
            set_pack_field(root, "id", f'"{pack_id}"')
        for name, change in (edit or {}).items():
            path = root / name
            path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        for name in drop:
            (root / name).unlink()
        for name, text in (add or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return build


def set_pack_field(root: Path, key: str, value: str) -> None:
    """Rewrite one top-level ``key = value`` line of a pack's pack.toml."""
    path = root / "pack.toml"
    text = re.sub(
        rf"(?m)^{key} = .*$", f"{key} = {value}", path.read_text(encoding="utf-8")
    )
    path.write_text(text, encoding="utf-8")
