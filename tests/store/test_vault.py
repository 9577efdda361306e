"""Vault life: create, unlock, wrong or changed passphrase, duress, wipe limit."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.errors import (
    KeyMaterialLost,
    NoVault,
    ValidationFailed,
    VaultExists,
    WrongPassphrase,
)
from app.store import FileSecrets, Store, Vault
from app.store import kdf as kdf_module
from app.store import vault as vault_module
from app.store.keyfile import KeyFileStore
from app.store.vault import PEPPER_NAMES
from models import Actor, Contact
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.factories import make_actor, make_contact

DURESS = "tired old donkey"


def snapshot(root: Path) -> dict[str, str]:
    """Hash every file under ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_record_survives_lock_and_unlock(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    saved = store.save(make_contact(asks="Open the gate"))
    store.close()

    reopened = vault.unlock(PASSPHRASE)
    entry = reopened.get(saved.id)
    reopened.close()

    assert entry is not None
    assert entry.record == saved


def test_locked_store_refuses_every_call(store: Store) -> None:
    from app.errors import StoreLocked

    store.close()
    with pytest.raises(StoreLocked):
        store.records(Contact)
    with pytest.raises(StoreLocked):
        store.save(make_actor())


def test_wrong_passphrase_raises_and_changes_nothing_on_disk(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    Vault.settle()
    before = snapshot(tmp_path)

    with pytest.raises(WrongPassphrase) as caught:
        vault.unlock("not the passphrase")
    Vault.settle()  # the folder staged during Argon2id is shredded

    assert caught.value.remaining is None
    assert snapshot(tmp_path) == before


def test_unlock_without_vault_raises_no_vault(vault: Vault) -> None:
    with pytest.raises(NoVault):
        vault.unlock(PASSPHRASE)


def test_create_refuses_to_overwrite_existing_vault(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    before = snapshot(tmp_path)
    with pytest.raises(VaultExists):
        vault.create("another passphrase")
    assert snapshot(tmp_path) == before


def test_create_rejects_short_passphrase(vault: Vault) -> None:
    with pytest.raises(ValidationFailed) as caught:
        vault.create("short")
    assert caught.value.fields == {"passphrase": "too_short"}
    assert not vault.exists()


def test_missing_pepper_is_reported_as_lost_key_material(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    (tmp_path / "secure" / "p.bin").unlink()
    with pytest.raises(KeyMaterialLost):
        vault.unlock(PASSPHRASE)


def test_change_passphrase_keeps_records_without_reencrypting(
    vault: Vault, tmp_path: Path
) -> None:
    store = vault.create(PASSPHRASE)
    saved = store.save_many([make_actor(), make_contact()])
    store.close()
    db_before = snapshot(tmp_path / "vault")
    keyfile_before = db_before.pop("k.bin")
    db_before.pop("g.bin")  # re-sealed under the new pepper

    vault.change_passphrase(old=PASSPHRASE, new="a brand new passphrase")

    db_after = snapshot(tmp_path / "vault")
    db_after.pop("g.bin")
    assert db_after.pop("k.bin") != keyfile_before
    assert db_after == db_before  # the database was not touched at all
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
    store = vault.unlock("a brand new passphrase")
    assert {r.id for r in store.records(Actor)} | {
        r.id for r in store.records(Contact)
    } == {r.id for r in saved}
    store.close()


def test_change_passphrase_needs_the_old_one(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase(old="guessing at it", new="a brand new passphrase")


def test_duress_passphrase_opens_empty_decoy_and_erases_real_vault(
    vault: Vault, tmp_path: Path
) -> None:
    store = vault.create(PASSPHRASE)
    store.save(make_contact(asks="real secret"))
    store.close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    old_keyfile = (tmp_path / "vault" / "k.bin").read_bytes()
    old_pepper = (tmp_path / "secure" / "p.bin").read_bytes()

    decoy = vault.unlock(DURESS)

    assert decoy.records(Contact) == []
    decoy.save(make_actor(name="Decoy works"))
    assert [a.name for a in decoy.records(Actor)] == ["Decoy works"]
    decoy.close()
    assert (tmp_path / "vault" / "k.bin").read_bytes() != old_keyfile
    assert (tmp_path / "secure" / "p.bin").read_bytes() != old_pepper
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
    # The duress passphrase is now the decoy's ordinary passphrase.
    vault.unlock(DURESS).close()


def test_duress_destroys_keys_before_touching_the_database(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    Vault.settle()  # the staged folders of earlier attempts are gone
    real_peppers = {n: vault.secrets.get(n) for n in PEPPER_NAMES}
    events: list[str] = []
    real_write, real_put = KeyFileStore.write, FileSecrets.put
    real_clear, real_shred = FileSecrets.clear, vault_module.shred_tree

    def spy_write(self: KeyFileStore, region: int, record: bytes) -> None:
        events.append("keyfile")
        real_write(self, region, record)

    def spy_put(self: FileSecrets, name: str, value: bytes) -> None:
        if real_peppers.get(name) is not None and self.get(name) == real_peppers[name]:
            events.append("real pepper")
        real_put(self, name, value)

    def spy_clear(self: FileSecrets, **kwargs: object) -> None:
        events.append("other secrets")
        real_clear(self, **kwargs)  # type: ignore[arg-type]

    def spy_shred(folder: Path) -> None:
        events.append("database" if (folder / "d.db").exists() else folder.name)
        real_shred(folder)

    monkeypatch.setattr(KeyFileStore, "write", spy_write)
    monkeypatch.setattr(FileSecrets, "put", spy_put)
    monkeypatch.setattr(FileSecrets, "clear", spy_clear)
    monkeypatch.setattr(vault_module, "shred_tree", spy_shred)

    vault.unlock(DURESS).close()
    Vault.settle()

    # The decoy's record is the first write; then the keys go, the decoy's new
    # folder gets its key file, and only then is the old database shredded.
    assert events[:5] == [
        "keyfile",
        "real pepper",
        "other secrets",
        "keyfile",
        "database",
    ]
    left = {p.name for p in (tmp_path / "vault").iterdir()}
    assert left == {"k.bin", "d.db", "g.bin"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secure", "vault"]


def test_real_passphrase_after_duress_costs_the_same_as_a_wrong_one(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Timing is not asserted (noisy machines); the work is: one Argon2id run each.
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    vault.unlock(DURESS).close()
    calls: list[object] = []
    real_stretch = kdf_module.stretch

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(kwargs["params"])
        return real_stretch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_module, "stretch", counting)
    for attempt in (PASSPHRASE, "simply wrong words"):
        with pytest.raises(WrongPassphrase):
            vault.unlock(attempt)
    assert calls == [FAST_KDF, FAST_KDF]


def test_duress_must_differ_from_passphrase(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    with pytest.raises(ValidationFailed):
        vault.set_duress(passphrase=PASSPHRASE, duress=PASSPHRASE)


def test_changing_duress_replaces_the_old_one(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    vault.set_duress(passphrase=PASSPHRASE, duress="second duress words")
    with pytest.raises(WrongPassphrase):
        vault.unlock(DURESS)
    assert vault.has_duress(passphrase=PASSPHRASE)
    vault.clear_duress(passphrase=PASSPHRASE)
    assert not vault.has_duress(passphrase=PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        vault.unlock("second duress words")


def test_duress_survives_a_passphrase_change(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    vault.change_passphrase(old=PASSPHRASE, new="a brand new passphrase")
    assert vault.has_duress(passphrase="a brand new passphrase")
    with pytest.raises(ValidationFailed):
        vault.change_passphrase(old="a brand new passphrase", new=DURESS)


def test_wipe_limit_counts_failures_then_erases(vault: Vault, tmp_path: Path) -> None:
    store = vault.create(PASSPHRASE)
    store.save(make_contact())
    store.close()
    vault.set_wipe_limit(3, passphrase=PASSPHRASE)

    remaining = []
    for _ in range(2):
        with pytest.raises(WrongPassphrase) as caught:
            vault.unlock("wrong guess number")
        remaining.append(caught.value.remaining)
    vault.unlock(PASSPHRASE).close()  # a success resets the count
    for _ in range(3):
        with pytest.raises(WrongPassphrase) as caught:
            vault.unlock("wrong guess number")
        remaining.append(caught.value.remaining)

    assert remaining == [2, 1, 2, 1, 0]
    assert not vault.exists()
    assert not (tmp_path / "vault" / "d.db").exists()
    assert all(vault.secrets.get(name) is None for name in PEPPER_NAMES)


def test_wipe_limit_is_off_by_default_and_validated(vault: Vault) -> None:
    vault.create(PASSPHRASE).close()
    assert vault.wipe_limit() is None
    with pytest.raises(ValidationFailed):
        vault.set_wipe_limit(1, passphrase=PASSPHRASE)
    vault.set_wipe_limit(5, passphrase=PASSPHRASE)
    assert vault.wipe_limit() == 5
    vault.set_wipe_limit(None, passphrase=PASSPHRASE)
    assert vault.wipe_limit() is None


def test_keyfile_has_fixed_size_with_or_without_duress(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    plain = (tmp_path / "vault" / "k.bin").stat().st_size
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    assert (tmp_path / "vault" / "k.bin").stat().st_size == plain == 8192
