"""Seized and imaged: after duress, the raw disk gives an examiner nothing that opens.

A real file system on a loop-mounted image (ext4 with its defaults, ext4 with
``inline_data``, btrfs), with the device secrets in the file fallback or in the
hardware-store fake. The owner creates a vault, records markers, changes the
passphrase three times, sets a wipe limit, has a duress passphrase, an installed hub
pack and another device secret; then the duress passphrase is entered. The image is
unmounted and read as bytes, and the examiner:

* searches for the markers, for every pepper the device ever held and for every
  key-file record the real vault ever had;
* finds every key-file record by its plaintext costs and tries every passphrase
  the owner ever used with every pepper found on the disk and, to be sure, with
  every pepper the device ever held.

Nothing of the real vault may open. This needs root (loop mounts); when the kernel
refuses, the test says so and is skipped. ``make forensic`` runs it with calibrated
Argon2id costs and 200 records (``PARLEY_FORENSIC_FULL=1``).
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from app.errors import WrongPassphrase
from app.store import FileSecrets, MemorySecrets, Protection, SecretStore, Vault
from app.store.kdf import KdfParams, calibrate
from app.store.keyfile import KeyFileStore
from models import Actor
from tests.conftest import FAST_KDF
from tests.factories import make_actor, make_contact, marked_records
from tests.store import examiner

FULL = os.environ.get("PARLEY_FORENSIC_FULL") == "1"
MARKER = "ZEBRACOMMANDER7"
PASSPHRASES = ["first real words", "second real words", "third real words"]
PASSPHRASES += ["fourth real words"]
DURESS = "tired old donkey"
MKFS = {
    "ext4": (["mkfs.ext4", "-q", "-F"], 32),
    "ext4-inline": (["mkfs.ext4", "-q", "-F", "-O", "inline_data"], 32),
    "btrfs": (["mkfs.btrfs", "-q", "-f"], 128),
}


class RecordingSecrets:
    """A secret store that remembers every value ever put (the examiner's key)."""

    def __init__(self, inner: SecretStore) -> None:
        self.inner = inner
        self.ever: list[bytes] = []

    def get(self, name: str) -> bytes | None:
        return self.inner.get(name)

    def put(self, name: str, value: bytes) -> None:
        self.ever.append(value)
        self.inner.put(name, value)

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def clear(self, *, keep: Collection[str] = ()) -> None:
        self.inner.clear(keep=keep)

    def protection(self) -> Protection:
        return self.inner.protection()


@dataclass
class Seizure:
    """What the test knows that the examiner must not be able to use."""

    image: bytes
    params: KdfParams
    real_key: bytes
    decoy_peppers: list[bytes]
    peppers_ever: list[bytes]
    real_records: list[bytes] = field(default_factory=list)


@contextlib.contextmanager
def mounted(tmp_path: Path, fs: str) -> Iterator[tuple[Path, Path]]:
    """A fresh file system on a loop-mounted image: (mount point, image)."""
    if os.geteuid() != 0:
        pytest.skip("loop mounts need root; this run is not root")
    command, size_mib = MKFS[fs]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (make test installs it)")
    image, mount = tmp_path / f"{fs}.img", tmp_path / "mnt"
    mount.mkdir()
    with image.open("wb") as handle:
        handle.truncate(size_mib * 1024 * 1024 * (4 if FULL else 1))
    subprocess.run([*command, str(image)], check=True, capture_output=True)
    done = subprocess.run(
        ["mount", "-o", "loop", str(image), str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"the kernel refused a loop mount: {done.stderr.strip()}")
    try:
        yield mount, image
    finally:
        subprocess.run(["umount", str(mount)], check=False, capture_output=True)


def current_record(vault: Vault) -> bytes:
    key = vault._current()
    return KeyFileStore(vault.keyfile_path).regions()[key.region]


def seize(tmp_path: Path, fs: str, backend: str) -> Seizure:
    with mounted(tmp_path, fs) as (mount, image):
        data = mount / "app"
        inner: SecretStore
        if backend == "file":
            files = FileSecrets(data / "device" / "s.bin")
            files.ensure()
            inner = files
        else:
            inner = MemorySecrets(Protection.HARDWARE)
        secrets = RecordingSecrets(inner)
        params = calibrate() if FULL else FAST_KDF
        vault = Vault(
            data / "vault", secrets=secrets, kdf=params, companions=[data / "packs"]
        )
        records: list[bytes] = []
        store = vault.create(PASSPHRASES[0])
        records.append(current_record(vault))
        store.save_many(marked_records(MARKER))
        many = 200 if FULL else 20
        store.save_many([make_contact(asks=f"{MARKER} {i}") for i in range(many)])
        store.close()
        vault.set_duress(passphrase=PASSPHRASES[0], duress=DURESS)
        records.append(current_record(vault))
        for old, new in zip(PASSPHRASES, PASSPHRASES[1:], strict=False):
            vault.change_passphrase(old=old, new=new)
            records.append(current_record(vault))
            store = vault.unlock(new)
            store.save(make_actor(name=f"{MARKER} after change"))
            store.close()
        vault.set_wipe_limit(10, passphrase=PASSPHRASES[-1])
        records.append(current_record(vault))
        vault.secrets.put("sync.signing", os.urandom(32))
        (data / "packs" / "v4").mkdir(parents=True)
        (data / "packs" / "v4" / "pack.toml").write_text('version = "4"\n')
        real_key = examiner.data_key(vault, PASSPHRASES[-1])

        decoy = vault.unlock(DURESS)
        decoy.save(make_actor(name="Harmless contact"))
        assert [a.name for a in decoy.records(Actor)] == ["Harmless contact"]
        decoy.close()
        Vault.settle()
        with pytest.raises(WrongPassphrase):
            vault.unlock(PASSPHRASES[-1])
        decoy_peppers = examiner.peppers_of(vault)
        Vault.settle()  # nothing still writing when the image is unmounted
        os.sync()
    return Seizure(
        image=image.read_bytes(),
        params=params,
        real_key=real_key,
        decoy_peppers=decoy_peppers,
        peppers_ever=list(secrets.ever),
        real_records=records,
    )


def encodings(value: bytes) -> list[bytes]:
    return [value, value.hex().encode(), base64.b64encode(value)]


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["file", "hardware"])
@pytest.mark.parametrize("fs", sorted(MKFS))
def test_after_duress_the_raw_image_opens_nothing_of_the_real_vault(
    tmp_path: Path, fs: str, backend: str
) -> None:
    seized = seize(tmp_path, fs, backend)
    image = seized.image

    for text in (MARKER, MARKER.lower()):
        for raw in (text.encode(), text.encode("utf-16-le")):
            assert raw not in image, f"{raw!r} in plaintext on {fs}"
    gone = [p for p in seized.peppers_ever if p not in seized.decoy_peppers]
    found_peppers = [p for p in gone if any(e in image for e in encodings(p))]
    assert found_peppers == [], f"{len(found_peppers)} old peppers on {fs}"
    old = [r for r in seized.real_records if r in image or r[22:398] in image]
    assert old == [], f"{len(old)} earlier key-file records on {fs}"

    found = examiner.candidates(image, seized.params)
    assert found, "the examiner should at least find the decoy's key file"
    on_disk = [p for p in seized.peppers_ever if any(e in image for e in encodings(p))]
    opened = examiner.try_all(
        found, [*PASSPHRASES, DURESS], seized.decoy_peppers + on_disk
    )
    opened += examiner.try_all(found, [*PASSPHRASES, DURESS], seized.peppers_ever)
    assert all(o.key != seized.real_key for o in opened)
    assert all(o.passphrase == DURESS for o in opened)  # only the decoy opens
    if backend == "hardware":
        assert not any(e in image for p in seized.peppers_ever for e in encodings(p))
