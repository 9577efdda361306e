"""After duress, an examiner compares the decoy with a vault that was never erased.

Everything Parley writes is compared: salts and costs, the folders and files with
their sizes and times, the key file's layout, the guard, the device secrets file,
the database's plaintext schema and row counts, and what lies beside the vault.
What Parley cannot control (the journal, free blocks, flash) is listed in
docs/security.md; the forensic image tests look at those.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from app.store import FileSecrets, Vault
from app.store.guard import Guard
from app.store.keyfile import KeyFile, KeyFileStore
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.factories import make_contact
from tests.store import examiner

DURESS = "tired old donkey"


def device(root: Path) -> Vault:
    return Vault(
        root / "vault",
        secrets=FileSecrets(root / "device" / "s.bin"),
        kdf=FAST_KDF,
        companions=[root / "packs"],
    )


def birth(path: Path) -> int:
    """Creation time in seconds (statx), or 0 when the file system has none."""
    out = subprocess.run(
        ["stat", "--format=%W", str(path)], capture_output=True, text=True
    )
    return int(out.stdout.strip() or 0) if out.returncode == 0 else 0


def fingerprint(root: Path) -> dict[str, object]:
    """What an examiner can read without any key."""
    vault = root / "vault"
    files = {
        str(p.relative_to(root)): p.stat().st_size
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    dirs = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())
    db = sqlite3.connect(vault / "d.db")
    schema = db.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    counts = {
        name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
        for (_, name, _) in schema
        if _ == "table" and not name.startswith("sqlite_")
    }
    header = (
        db.execute("PRAGMA user_version").fetchone()[0],
        db.execute("PRAGMA application_id").fetchone()[0],
    )
    db.close()
    regions = KeyFileStore(vault / "k.bin").regions()
    plausible = [r[16:22] for r in regions]
    return {
        "files": files,
        "dirs": dirs,
        "schema": schema,
        "counts": counts,
        "header": header,
        "params_in_regions": sorted(plausible.count(p) for p in set(plausible)),
    }


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, list[bytes]]:
    """(a vault created and unlocked once, a decoy after duress, real salts)."""
    plain = tmp_path / "plain"
    vault = device(plain)
    vault.create(DURESS).close()  # the same words, so padding buckets match
    vault.unlock(DURESS).close()
    Vault.settle()

    used = tmp_path / "used"
    vault = device(used)
    store = vault.create(PASSPHRASE)
    store.save_many([make_contact(asks=f"secret {i}") for i in range(40)])
    store.close()
    salts = [vault._current().keyfile.salt]  # a passphrase change keeps the salt
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    for _ in range(3):
        vault.change_passphrase(old=PASSPHRASE, new=PASSPHRASE)
    vault.secrets.put("sync.signing", b"s" * 32)
    (used / "packs" / "v3").mkdir(parents=True)
    (used / "packs" / "v3" / "pack.toml").write_text('version = "3"\n')
    vault.unlock(DURESS).close()  # the duress unlock
    Vault.settle()
    vault.unlock(DURESS).close()  # the examiner makes the owner open it
    Vault.settle()  # the folders staged during each unlock are shredded
    return plain, used, salts


def test_the_decoy_looks_like_a_vault_that_was_never_erased(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    plain, decoy, _ = pair
    assert fingerprint(decoy) == fingerprint(plain)


def test_the_decoy_has_its_own_salt_and_the_same_costs(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    plain, decoy, real_salts = pair
    mine = device(decoy)._current().keyfile
    other = device(plain)._current().keyfile
    assert mine.salt not in real_salts
    assert mine.params == other.params == FAST_KDF
    for region in KeyFileStore(decoy / "vault" / "k.bin").regions():
        assert not any(salt in region for salt in real_salts)


def test_guard_and_device_secrets_match_a_fresh_vault(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    plain, decoy, _ = pair
    for root in (plain, decoy):
        vault = device(root)
        state = Guard(vault.guard_path, vault._current().pepper).read()
        assert (state.valid, state.limit, state.count) == (True, 0, 0)
        assert len(examiner.peppers_of(vault)) == 2
        assert vault.secrets.get("sync.signing") is None
    slots = [
        sum(1 for s in _valid_slots(root / "device" / "s.bin")) for root in pair[:2]
    ]
    assert slots[0] == slots[1] == 2


def _valid_slots(path: Path) -> list[int]:
    from app.store.secrets import _parse

    return [s.index for s in _parse(path.read_bytes())]


def test_folders_are_as_old_as_the_files_in_them(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    plain, decoy, _ = pair
    if not birth(decoy / "vault"):
        pytest.skip("this file system records no creation times")
    for root in (plain, decoy):
        folder = birth(root / "vault")
        born = [birth(p) for p in (root / "vault").iterdir()]
        assert all(b - folder <= 2 for b in born), (root.name, folder, born)
        assert (root / "vault" / "d.db").stat().st_mtime >= (
            root / "vault"
        ).stat().st_mtime - 2


def test_nothing_of_the_real_vault_lies_beside_the_decoy(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    _, decoy, real_salts = pair
    assert sorted(p.name for p in decoy.iterdir()) == ["device", "vault"]
    disk = b"".join(p.read_bytes() for p in decoy.rglob("*") if p.is_file())
    assert b"secret " not in disk
    assert not any(salt in disk for salt in real_salts)
    shutil.rmtree(decoy)


def test_the_decoy_key_file_holds_one_record_like_any_other(
    pair: tuple[Path, Path, list[bytes]],
) -> None:
    for root in pair[:2]:
        vault = device(root)
        regions = KeyFileStore(vault.keyfile_path).regions()
        peppers = examiner.peppers_of(vault)
        parsed = [r for r in regions for p in peppers if KeyFile.parse(r, p)]
        assert len(parsed) == 1
