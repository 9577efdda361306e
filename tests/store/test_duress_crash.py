"""Duress that a crash cannot stop: SIGKILL at every step, and at random moments.

A child process enters the duress passphrase and is killed by SIGKILL either just
before its N-th file-system call after the duress slot opened (every N the duress
sequence makes), or after a random delay. Each time the next start must open the
decoy with the duress passphrase and refuse the real one exactly as it refuses a
wrong one; the real pepper, the other device secrets, the hub's guidance packs and
the old database must all be gone.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.errors import WrongPassphrase
from app.store import FileSecrets, Vault
from models import Contact
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.factories import make_contact

ROOT = Path(__file__).resolve().parents[2]
DURESS = "tired old donkey"
MARKER = "QUAGGAMARKER42"
# make forensic runs the long campaign.
RANDOM_RUNS = 200 if os.environ.get("PARLEY_FORENSIC_FULL") == "1" else 20

CHILD = textwrap.dedent(
    """
    import os, signal, sys, threading
    from pathlib import Path
    from app.store import FileSecrets, Vault
    from app.store import vault as vault_module
    from tests.conftest import FAST_KDF
    from tests.factories import make_contact

    root, kill_at = Path(sys.argv[1]), int(sys.argv[2])
    state = {"armed": False, "n": 0}

    def counted(fn):
        def call(*args, **kwargs):
            # The duress sequence runs in the main thread; the folder staged during
            # Argon2id is laid out in another, the same for every passphrase.
            if state["armed"] and threading.current_thread() is threading.main_thread():
                state["n"] += 1
                if state["n"] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return call

    for name in ("pwrite", "write", "fsync", "replace", "rename", "unlink",
                 "rmdir", "mkdir", "ftruncate"):
        setattr(os, name, counted(getattr(os, name)))
    real_stretch = vault_module.stretch

    def arming(*args, **kwargs):
        out = real_stretch(*args, **kwargs)
        state["armed"] = True  # the duress slot is about to open
        return out

    vault = Vault(root / "vault", secrets=FileSecrets(root / "device" / "s.bin"),
                  kdf=FAST_KDF, companions=[root / "packs"])
    vault.recover()
    vault_module.stretch = arming
    print("go", flush=True)
    store = vault.unlock(sys.argv[3])
    store.save(make_contact(asks="typed into the decoy"))
    store.close()
    Vault.settle()
    print("steps", state["n"], flush=True)
    """
)


def open_vault(root: Path) -> Vault:
    return Vault(
        root / "vault",
        secrets=FileSecrets(root / "device" / "s.bin"),
        kdf=FAST_KDF,
        companions=[root / "packs"],
    )


@pytest.fixture(scope="module")
def seized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A used vault with a duress passphrase, a hub pack and another secret."""
    root = tmp_path_factory.mktemp("seized")
    vault = open_vault(root)
    store = vault.create(PASSPHRASE)
    store.save_many([make_contact(asks=f"{MARKER} {i}") for i in range(20)])
    store.close()
    vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
    vault.secrets.put("sync.signing", b"s" * 32)
    (root / "packs" / "v7").mkdir(parents=True)
    (root / "packs" / "v7" / "pack.toml").write_text('version = "7"\n')
    return root


def run_child(copy: Path, kill_at: int, *, kill_after_s: float | None = None) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(copy), str(kill_at), DURESS],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    if kill_after_s is not None:
        assert child.stdout.readline().strip() == "go"
        keyfile = copy / "vault" / "k.bin"
        before = keyfile.read_bytes()
        deadline = time.monotonic() + 30
        while keyfile.exists() and keyfile.read_bytes() == before:
            assert time.monotonic() < deadline, "the duress unlock never wrote"
            time.sleep(0.0005)
        time.sleep(kill_after_s)  # from the commit on, at a random moment
        os.kill(child.pid, signal.SIGKILL)
    out = child.stdout.read()
    child.stdout.close()
    child.wait()
    return out


def assert_decoy_only(copy: Path, seized_peppers: list[bytes]) -> None:
    """The next start: the decoy opens, the real passphrase is just wrong."""
    vault = open_vault(copy)
    vault.recover()
    with pytest.raises(WrongPassphrase) as real:
        vault.unlock(PASSPHRASE)
    with pytest.raises(WrongPassphrase) as wrong:
        vault.unlock("never the passphrase")
    assert real.value.remaining == wrong.value.remaining
    decoy = vault.unlock(DURESS)
    assert all(MARKER not in c.asks for c in decoy.records(Contact))
    decoy.close()
    Vault.settle()
    assert vault.secrets.get("sync.signing") is None
    assert not (copy / "packs").exists()
    assert sorted(p.name for p in copy.iterdir()) == ["device", "vault"]
    assert sorted(p.name for p in (copy / "vault").iterdir()) == [
        "d.db",
        "g.bin",
        "k.bin",
    ]
    disk = b"".join(p.read_bytes() for p in copy.rglob("*") if p.is_file())
    assert MARKER.encode() not in disk
    assert not any(pepper in disk for pepper in seized_peppers)


def peppers_in(root: Path) -> list[bytes]:
    vault = open_vault(root)
    found = [vault.secrets.get(n) for n in ("vault.p0", "vault.p1")]
    return [p for p in found if p is not None]


@pytest.mark.slow
def test_sigkill_at_every_step_of_duress_never_leaves_the_real_vault(
    seized: Path, tmp_path: Path
) -> None:
    dry = tmp_path / "dry"
    shutil.copytree(seized, dry)
    out = run_child(dry, 0)
    steps = int(out.split("steps")[-1])
    assert steps > 10, out
    peppers = peppers_in(seized)

    # Step 1 is the first write: killed before it, nothing on disk changed and
    # the attempt never happened (see test_a_kill_before_any_write_...).
    for kill_at in range(2, steps + 1):
        copy = tmp_path / f"step{kill_at}"
        shutil.copytree(seized, copy)
        run_child(copy, kill_at)
        assert_decoy_only(copy, peppers)
        shutil.rmtree(copy)


@pytest.mark.slow
def test_sigkill_at_random_moments_during_and_after_duress(
    seized: Path, tmp_path: Path
) -> None:
    rng = random.Random(11)
    peppers = peppers_in(seized)
    for run in range(RANDOM_RUNS):
        copy = tmp_path / f"random{run}"
        shutil.copytree(seized, copy)
        run_child(copy, 0, kill_after_s=rng.uniform(0.0, 0.25))
        assert_decoy_only(copy, peppers)
        shutil.rmtree(copy)


def test_a_kill_before_any_write_leaves_the_duress_passphrase_working(
    seized: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "before"
    shutil.copytree(seized, copy)
    run_child(copy, 1)
    vault = open_vault(copy)
    vault.recover()
    vault.unlock(DURESS).close()  # entered again: the wipe happens now
    Vault.settle()
    with pytest.raises(WrongPassphrase):
        vault.unlock(PASSPHRASE)
