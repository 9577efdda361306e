"""Device secrets: the named-secret interface, the in-place file, its protection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import SecureStorageError
from app.store import FileSecrets, MemorySecrets, Protection, SecretStore
from app.store.inplace import fs_type, in_place
from app.store.secrets import secret_id


@pytest.fixture(params=["file", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SecretStore]:
    if request.param == "file":
        yield FileSecrets(tmp_path / "device" / "s.bin")
    else:
        yield MemorySecrets()


def test_put_get_delete_and_clear_round_trip(store: SecretStore) -> None:
    assert store.get("sync.signing") is None
    store.put("sync.signing", b"k" * 32)
    store.put("vault.p0", b"p" * 32)
    store.put("sync.signing", b"n" * 64)  # replaces
    assert store.get("sync.signing") == b"n" * 64
    store.delete("sync.signing")
    store.delete("sync.signing")  # absent: no error
    assert store.get("sync.signing") is None
    store.put("a", b"1")
    store.put("b", b"2")
    store.clear(keep=["vault.p0"])
    assert (store.get("a"), store.get("b")) == (None, None)
    assert store.get("vault.p0") == b"p" * 32
    store.clear()
    assert store.get("vault.p0") is None


@pytest.mark.parametrize("name", ["", "Upper", "-lead", "x" * 41, "a b", "é"])
def test_malformed_names_are_refused(store: SecretStore, name: str) -> None:
    with pytest.raises(ValueError):
        store.put(name, b"v")
    with pytest.raises(ValueError):
        store.get(name)


@pytest.mark.parametrize("value", [b"", b"x" * 257])
def test_values_must_be_1_to_256_bytes(store: SecretStore, value: bytes) -> None:
    with pytest.raises(ValueError):
        store.put("ok.name", value)


def test_the_file_has_a_fixed_size_and_shows_neither_names_nor_old_values(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.bin"
    store = FileSecrets(path)
    store.ensure()
    assert path.stat().st_size == 8192
    assert path.stat().st_mode & 0o777 == 0o600
    old, new = os.urandom(32), os.urandom(32)
    store.put("sync.signing", old)
    store.put("sync.signing", new)
    data = path.read_bytes()
    assert len(data) == 8192
    assert old not in data and new in data
    assert b"sync" not in data and secret_id("sync.signing").encode() not in data
    store.delete("sync.signing")
    assert new not in path.read_bytes()


def test_the_file_is_updated_in_place_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "s.bin"
    store = FileSecrets(path)
    store.ensure()
    inode = path.stat().st_ino
    for i in range(20):
        store.put(f"n{i % 3}", os.urandom(32))
    store.clear()
    assert path.stat().st_ino == inode


def test_a_put_killed_between_its_two_writes_keeps_one_value_and_heals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileSecrets(tmp_path / "s.bin")
    old, new = b"o" * 32, b"n" * 32
    store.put("vault.p0", old)
    real_write = FileSecrets._write
    calls = {"n": 0}

    class Killed(BaseException):
        pass

    def dies_second(self: FileSecrets, index: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed()
        real_write(self, index, data)

    monkeypatch.setattr(FileSecrets, "_write", dies_second)
    with pytest.raises(Killed):
        store.put("vault.p0", new)
    monkeypatch.undo()
    assert old in (tmp_path / "s.bin").read_bytes()  # both versions on disk

    fresh = FileSecrets(tmp_path / "s.bin")  # the next process
    assert fresh.get("vault.p0") == new
    assert old not in (tmp_path / "s.bin").read_bytes()  # the stale one overwritten


def test_sixteen_secrets_fill_the_file(tmp_path: Path) -> None:
    store = FileSecrets(tmp_path / "s.bin")
    for i in range(16):
        store.put(f"n{i}", b"v")
    with pytest.raises(SecureStorageError) as caught:
        store.put("one.more", b"v")
    assert caught.value.reason == "full"
    store.put("n3", b"replaced in a full file")  # a replace needs a free slot too
    assert store.get("n3") == b"replaced in a full file"


def test_damaged_file_is_reported_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "s.bin"
    path.write_bytes(b"short")
    store = FileSecrets(path)
    with pytest.raises(SecureStorageError) as caught:
        store.get("vault.p0")
    assert caught.value.reason == "damaged"
    with pytest.raises(SecureStorageError):
        store.put("vault.p0", b"v")
    assert path.read_bytes() == b"short"


def test_protection_on_a_plain_file_system_is_in_place(tmp_path: Path) -> None:
    if fs_type(tmp_path) not in {"ext4", "xfs", "tmpfs"}:
        pytest.skip(f"the test folder is on {fs_type(tmp_path) or 'an unknown'} fs")
    store = FileSecrets(tmp_path / "s.bin")
    store.ensure()
    assert store.protection() is Protection.FILE_IN_PLACE
    assert MemorySecrets().protection() is Protection.MEMORY
    assert MemorySecrets(Protection.HARDWARE).protection() is Protection.HARDWARE


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no /dev/shm here")
def test_tmpfs_counts_as_in_place() -> None:
    import tempfile

    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        store = FileSecrets(Path(tmp) / "s.bin")
        store.ensure()
        assert fs_type(Path(tmp)) == "tmpfs"
        assert in_place(Path(tmp) / "s.bin")
        assert store.protection() is Protection.FILE_IN_PLACE


def test_overlay_and_unknown_file_systems_are_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import inplace

    store = FileSecrets(tmp_path / "s.bin")
    store.ensure()
    for kind, options in (("overlay", "rw"), ("", ""), ("ext4", "rw,data=journal")):
        monkeypatch.setattr(inplace, "_mount_of", lambda _p, k=kind, o=options: (k, o))
        assert store.protection() is Protection.FILE
