"""Installing content packs: checks, version rule, atomic switch, fallbacks."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile
from pathlib import Path

import pytest

from app.errors import ContentError
from app.services.guidance import (
    PackInstaller,
    build_archive,
    bundled_pack_dir,
    read_archive,
    read_dir,
)
from app.services.guidance import install as install_module
from app.services.guidance.packfiles import MAX_FILE_BYTES

BREAK_SECTION = {
    "en/cards/method-indirect.md": lambda t: t.replace("## Practical steps", "## Steps")
}


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    return tmp_path / "packs"


@pytest.fixture
def installer(packs_dir: Path) -> PackInstaller:
    return PackInstaller(packs_dir, bundled=bundled_pack_dir(), verify=None)


def pack_dirs(packs_dir: Path) -> list[str]:
    return sorted(p.name for p in packs_dir.iterdir() if p.is_dir())


def test_active_pack_is_the_bundled_one_before_any_install(installer) -> None:
    pack = installer.active()
    assert pack.info.version == 1
    assert installer.fallback_reason is None


def test_install_switches_to_a_newer_pack_directory(installer, packs_dir, make_pack):
    pack = installer.install(make_pack(version=2))
    assert pack.info.version == 2
    assert installer.active().info.version == 2
    assert (packs_dir / "current").read_text().strip() == "pack-000002"
    assert pack_dirs(packs_dir) == ["pack-000002"]


def test_install_accepts_an_archive_file_and_archive_bytes(
    installer, make_pack, tmp_path
) -> None:
    archive = tmp_path / "guidance-v2.zip"
    archive.write_bytes(build_archive(read_dir(make_pack(version=2))))
    assert installer.install(archive).info.version == 2
    data = build_archive(read_dir(make_pack(version=3)))
    assert installer.install(data).info.version == 3
    assert installer.active().info.version == 3


def test_install_keeps_only_the_pack_in_use(installer, packs_dir, make_pack) -> None:
    installer.install(make_pack(version=2))
    installer.install(make_pack(version=5))
    assert pack_dirs(packs_dir) == ["pack-000005"]


def test_broken_pack_is_refused_and_the_installed_one_stays(
    installer, packs_dir, make_pack
) -> None:
    installer.install(make_pack(version=2))
    with pytest.raises(ContentError) as caught:
        installer.install(make_pack(version=3, edit=BREAK_SECTION))
    assert caught.value.reason == "missing_section"
    assert caught.value.where == "en/cards/method-indirect.md"
    assert installer.active().info.version == 2
    assert pack_dirs(packs_dir) == ["pack-000002"]


def test_pack_with_a_missing_card_is_refused(installer, make_pack) -> None:
    with pytest.raises(ContentError):
        installer.install(make_pack(version=2, drop=("en/cards/actor-gang.md",)))
    assert installer.active().info.version == 1


@pytest.mark.parametrize("version", [1, 0])
def test_pack_not_newer_than_the_bundled_one_is_refused(
    installer, make_pack, version
) -> None:
    with pytest.raises(ContentError) as caught:
        installer.install(make_pack(version=version))
    assert caught.value.reason in {"not_newer", "bad_pack_version"}


def test_pack_not_newer_than_the_installed_one_is_refused(installer, make_pack) -> None:
    installer.install(make_pack(version=4))
    for version in (4, 3):
        with pytest.raises(ContentError) as caught:
            installer.install(make_pack(version=version))
        assert caught.value.reason == "not_newer"
    assert installer.active().info.version == 4


def test_another_pack_id_is_refused(installer, make_pack) -> None:
    with pytest.raises(ContentError) as caught:
        installer.install(make_pack(version=9, pack_id="someone-else"))
    assert caught.value.reason == "wrong_pack"


def test_verify_sees_the_archive_bytes_before_anything_else(
    packs_dir, make_pack
) -> None:
    seen: list[bytes] = []
    installer = PackInstaller(packs_dir, bundled=bundled_pack_dir(), verify=seen.append)
    data = build_archive(read_dir(make_pack(version=2)))
    installer.install(data)
    assert seen == [data]
    # A directory candidate is verified as its reproducible archive.
    installer.install(make_pack(version=3))
    assert seen[1] == build_archive(read_dir(make_pack(version=3)))


def test_verify_refusal_leaves_everything_as_it_was(packs_dir, make_pack) -> None:
    def refuse(data: bytes) -> None:
        raise ContentError("bad_signature", "archive")

    installer = PackInstaller(packs_dir, bundled=bundled_pack_dir(), verify=refuse)
    with pytest.raises(ContentError) as caught:
        installer.install(make_pack(version=2))
    assert caught.value.reason == "bad_signature"
    assert not packs_dir.exists()
    assert installer.active().info.version == 1


def test_failed_switch_keeps_the_previous_pack_and_cleans_up(
    installer, packs_dir, make_pack, monkeypatch
) -> None:
    installer.install(make_pack(version=2))

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(install_module.os, "replace", disk_full)
    with pytest.raises(ContentError) as caught:
        installer.install(make_pack(version=3))
    assert caught.value.reason == "install_failed"
    monkeypatch.undo()
    assert installer.active().info.version == 2
    assert (packs_dir / "current").read_text().strip() == "pack-000002"
    assert not [p for p in packs_dir.iterdir() if p.name.startswith(".incoming")]


def test_interrupted_install_is_ignored_then_replaced(
    installer, packs_dir, make_pack
) -> None:
    installer.install(make_pack(version=2))
    # A crash after the rename but before `current` moved leaves a stray directory.
    stray = packs_dir / "pack-000003"
    stray.mkdir()
    (stray / "pack.toml").write_text("half written")
    (packs_dir / ".incoming-deadbeef").mkdir()
    assert installer.active().info.version == 2
    installer.install(make_pack(version=3))
    assert installer.active().info.version == 3
    assert pack_dirs(packs_dir) == ["pack-000003"]


def test_damaged_installed_pack_falls_back_to_the_bundled_one(
    installer, packs_dir, make_pack
) -> None:
    installer.install(make_pack(version=2))
    (packs_dir / "pack-000002" / "en" / "cards" / "method-indirect.md").unlink()
    pack = installer.active()
    assert pack.info.version == 1
    assert installer.fallback_reason in {"broken_link", "missing_card"}


def test_tampered_current_pointer_is_ignored(installer, packs_dir, make_pack) -> None:
    installer.install(make_pack(version=2))
    (packs_dir / "current").write_text("../../etc")
    assert installer.active().info.version == 1


def test_bundled_pack_newer_than_the_installed_one_wins(packs_dir, make_pack) -> None:
    PackInstaller(packs_dir, bundled=bundled_pack_dir(), verify=None).install(
        make_pack(version=2)
    )
    newer_app = PackInstaller(packs_dir, bundled=make_pack(version=7), verify=None)
    assert newer_app.active().info.version == 7


# -- the archive format ------------------------------------------------------------


def test_archive_is_reproducible_and_round_trips(bundled_files) -> None:
    first = build_archive(bundled_files)
    assert build_archive(dict(reversed(list(bundled_files.items())))) == first
    assert read_archive(first) == bundled_files


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        ({"../pack.toml": b"x"}, "unexpected_file"),
        ({"/etc/passwd": b"x"}, "unexpected_file"),
        ({"en/cards/../../evil.md": b"x"}, "unexpected_file"),
        ({"en/cards/run.sh": b"x"}, "unexpected_file"),
        ({"cards/method-indirect.md": b"x"}, "unexpected_file"),
        ({"EN/cards/method-indirect.md": b"x"}, "unexpected_file"),
        ({"en/notes.md": b"x"}, "unexpected_file"),
        ({"pack.toml\n": b"x"}, "unexpected_file"),
        ({"pack.toml": b"\0" * (MAX_FILE_BYTES + 1)}, "file_too_large"),
    ],
)
def test_hostile_archive_is_refused(installer, entries, reason) -> None:
    with pytest.raises(ContentError) as caught:
        installer.install(_zip(entries))
    assert caught.value.reason == reason


def test_archive_that_is_not_a_zip_is_refused(installer) -> None:
    with pytest.raises(ContentError) as caught:
        installer.install(b"definitely not a zip")
    assert caught.value.reason == "pack_unreadable"


def test_archive_without_pack_toml_is_refused(installer, bundled_files) -> None:
    files = {k: v for k, v in bundled_files.items() if k != "pack.toml"}
    with pytest.raises(ContentError) as caught:
        installer.install(build_archive(files))
    assert (caught.value.reason, caught.value.where) == ("missing_file", "pack.toml")


def test_missing_candidate_file_is_refused(installer, tmp_path) -> None:
    with pytest.raises(ContentError) as caught:
        installer.install(tmp_path / "nowhere.zip")
    assert caught.value.reason == "pack_unreadable"


def test_damaged_archive_bytes_only_ever_raise_content_error(
    installer, bundled_files
) -> None:
    data = bytearray(build_archive(bundled_files))
    rng = random.Random(5)
    for _ in range(150):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = damaged[: rng.randrange(len(damaged))] if rng.random() < 0.3 else damaged
        # Anything else (zlib.error, RuntimeError, KeyError...) fails the test.
        with contextlib.suppress(ContentError):
            installer.install(bytes(cut))
    assert installer.active().info.version == 1


def test_encrypted_archive_entry_is_refused(installer, bundled_files) -> None:
    data = bytearray(build_archive(bundled_files))
    # Set the "encrypted" flag bit on every local and central directory header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 0x01
            start = data.find(signature, start + 4)
    with pytest.raises(ContentError) as caught:
        installer.install(bytes(data))
    assert caught.value.reason == "pack_unreadable"


def test_symlink_in_a_candidate_directory_is_refused(installer, make_pack) -> None:
    root = make_pack(version=2)
    (root / "en" / "cards" / "basics-extra.md").symlink_to(root / "pack.toml")
    with pytest.raises(ContentError) as caught:
        installer.install(root)
    assert caught.value.reason == "unexpected_file"
