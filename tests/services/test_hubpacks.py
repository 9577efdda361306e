"""The adapter from the sync engine's pack seam onto the guidance installer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.errors import ContentError
from app.services import HubPacks
from app.services.guidance import Pack, build_archive, bundled_pack_dir, read_dir


def pack_bytes(version: int, *, card_edit: str = "") -> bytes:
    """The bundled pack as the hub ships it, with another ``pack.toml`` version."""
    files = read_dir(bundled_pack_dir())
    toml = files["pack.toml"].decode()
    files["pack.toml"] = re.sub(
        r"(?m)^version = .*$", f"version = {version}", toml
    ).encode()
    if card_edit:
        name = next(n for n in sorted(files) if n.startswith("en/cards/"))
        files[name] = card_edit.encode()
    return build_archive(files)


@pytest.fixture
def installed() -> list[Pack]:
    return []


@pytest.fixture
def packs(tmp_path: Path, installed: list[Pack]) -> HubPacks:
    return HubPacks.create(
        tmp_path / "packs", bundled=bundled_pack_dir(), on_installed=installed.append
    )


def test_installed_version_is_the_bundled_pack_before_any_install(
    packs: HubPacks,
) -> None:
    assert packs.installed_version() == 1


def test_install_switches_to_a_newer_pack_and_reports_it(
    packs: HubPacks, installed: list[Pack], tmp_path: Path
) -> None:
    packs.install(version=3, data=pack_bytes(3))
    assert packs.installed_version() == 3
    assert [p.info.version for p in installed] == [3]
    # A fresh adapter over the same directory sees it too (it is on disk).
    again = HubPacks.create(tmp_path / "packs", bundled=bundled_pack_dir())
    assert again.installed_version() == 3


def test_a_pack_whose_own_version_differs_from_the_signed_one_is_refused(
    packs: HubPacks, installed: list[Pack]
) -> None:
    with pytest.raises(ContentError) as err:
        packs.install(version=5, data=pack_bytes(4))
    assert err.value.reason == "version_mismatch"
    assert packs.installed_version() == 1 and installed == []


def test_an_older_pack_is_refused_and_the_one_in_use_stays(packs: HubPacks) -> None:
    packs.install(version=3, data=pack_bytes(3))
    with pytest.raises(ContentError) as err:
        packs.install(version=2, data=pack_bytes(2))
    assert err.value.reason == "not_newer"
    assert packs.installed_version() == 3


def test_a_broken_pack_is_refused(packs: HubPacks) -> None:
    with pytest.raises(ContentError):
        packs.install(version=2, data=pack_bytes(2, card_edit="no front matter"))
    with pytest.raises(ContentError):
        packs.install(version=2, data=b"not a zip archive")
    assert packs.installed_version() == 1


def test_the_installer_takes_no_bytes_that_bypass_the_hub_check(
    packs: HubPacks,
) -> None:
    # Only what the sync engine verified (and is installing now) gets through.
    with pytest.raises(ContentError) as err:
        packs.verify(pack_bytes(2))
    assert err.value.reason == "unsigned"
