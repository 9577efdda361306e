"""Sync for one unlocked session: one run at a time per vault, and the remote wipe."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from app.errors import StoreError
from app.services.sync import DEFAULT_INTERVAL_S, SyncService
from app.store import Store, Vault
from app.store.sendqueue import QueueFile
from app.sync import HubClient, PackInstaller, SyncReport, connect

__all__ = ["RemoteWipe", "VaultSync", "stop_in_background"]

_run_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


def _run_lock(root: Path) -> threading.Lock:
    with _guard:
        return _run_locks.setdefault(str(root.resolve()), threading.Lock())


class VaultSync(SyncService):
    """A :class:`SyncService` whose runs never overlap another session's.

    Each browser tab unlocks its own session with its own sync thread; two of them
    running the outbox of one vault at once would race for the same batch number.
    """

    def __init__(
        self,
        store: Store,
        *,
        vault_root: Path,
        connect: Callable[[str], HubClient] = connect,
        installer: PackInstaller | None = None,
        on_wipe: Callable[[], None] | None = None,
        interval_s: float = DEFAULT_INTERVAL_S,
        queue: QueueFile | None = None,
    ) -> None:
        super().__init__(
            store,
            connect=connect,
            installer=installer,
            on_wipe=on_wipe,
            interval_s=interval_s,
            queue=queue,
        )
        self._run_lock = _run_lock(vault_root)

    def run_blocking(self) -> SyncReport | None:
        """Run once, after any run of the same vault in another session."""
        with self._run_lock:
            return super().run_blocking()


class RemoteWipe:
    """What a hub-signed wipe command does: close the store, crypto-erase the vault.

    The sync thread calls it; listeners (the UI) hear of it on that thread and
    must hand the news to their own loop.
    """

    def __init__(self, store: Store, vault: Vault) -> None:
        self._store = store
        self._vault = vault
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self.done = False

    def __call__(self) -> None:
        """Erase now (idempotent), then tell every listener."""
        with self._lock:
            if self.done:
                return
            self.done = True
            listeners = list(self._listeners)
        # The vault is erased below whatever state the store was in.
        with contextlib.suppress(StoreError):
            self._store.close()
        self._vault.wipe()
        for listener in listeners:
            listener()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after a wipe; returns unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe


def stop_in_background(service: SyncService) -> None:
    """Stop ``service`` without making the caller wait for a request in flight.

    Locking must be instant, while a sync request on a slow link may take a
    minute: the stop (which waits for it) runs on its own thread. The store is
    closed by the caller right away, so the run in flight ends at its next step.
    """
    threading.Thread(
        target=service.stop,
        kwargs={"timeout": 120.0},
        name="parley-sync-stop",
        daemon=True,
    ).start()
