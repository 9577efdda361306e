"""A field device as its own process, to be SIGKILLed at any moment.

``python -m bench._devproc sync <root>``: unlock the vault in ``<root>/vault``
(pepper in ``<root>/pepper``), run the app's real :class:`SyncService` (its own
retry schedule) until the outbox is empty, then exit 0.

``python -m bench._devproc save <root> <count>``: save contacts one by one; after
each save returns, append its record id to ``<root>/saved.log`` (so whatever is
listed there was acknowledged to the user and must survive a kill).

Used by the link acceptance test, ``make crash`` and ``make soak``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app.services.sync import SyncService, SyncState
from app.store import FileSecrets, KdfParams, Store, Vault
from bench._corpus import Corpus

__all__ = ["PASSPHRASE", "create_vault", "open_vault", "wait_started"]

PASSPHRASE = "field device passphrase"
FAST = KdfParams(8 * 1024, 1, 1)


def _vault(root: Path) -> Vault:
    return Vault(root / "vault", secrets=FileSecrets(root / "pepper"), kdf=FAST)


def create_vault(root: Path) -> Store:
    """A new vault under ``root`` (test-speed key stretching), unlocked."""
    root.mkdir(parents=True, exist_ok=True)
    return _vault(root).create(PASSPHRASE)


def open_vault(root: Path) -> Store:
    """Unlock the vault under ``root``."""
    return _vault(root).unlock(PASSPHRASE)


def wait_started(root: Path, proc: object, timeout: float = 60.0) -> bool:
    """Wait until the process started with ``root`` has opened its vault."""
    marker = root / "started"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists():
            marker.unlink()
            return True
        if getattr(proc, "poll", lambda: None)() is not None:
            return False
        time.sleep(0.02)
    return False


def _sync(root: Path) -> int:
    store = open_vault(root)
    service = SyncService(store, interval_s=3600)
    (root / "started").touch()
    service.sync_now()
    while True:
        time.sleep(0.1)
        status = service.status()
        report = status.progress
        if (
            status.state is SyncState.IDLE
            and status.pending == 0
            and report is not None
            and report.done
        ):
            break
    service.stop()
    store.close()
    return 0


def _save(root: Path, count: int) -> int:
    store = open_vault(root)
    log = os.open(root / "saved.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    corpus = Corpus(seed=os.getpid())
    for n in range(count):
        # One at a time: making all of them first took longer than the campaign
        # waits for the first save on a busy machine.
        saved = store.save(corpus.contact())
        os.write(log, f"{saved.id}\n".encode())
        if n == 0:
            (root / "started").touch()  # saving now: a kill lands mid-save
    os.close(log)
    store.close()
    return 0


def main(argv: list[str]) -> int:
    """Entry point: ``sync <root>`` or ``save <root> <count>``."""
    mode, root = argv[0], Path(argv[1])
    if mode == "sync":
        return _sync(root)
    if mode == "save":
        return _save(root, int(argv[2]))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
