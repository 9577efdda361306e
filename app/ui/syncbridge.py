"""Sync news from the sync thread to one session's UI, safely.

:class:`~app.services.SyncService` calls its listeners on its own thread, and a
remote wipe arrives on that thread too. Flet controls belong to the session's
event loop, so nothing here touches a control from the sync thread: the listener
only keeps the latest status and, if no delivery is queued yet, schedules one on
the loop with ``page.run_task`` (``asyncio.run_coroutine_threadsafe``
underneath). Bursts of progress collapse into one screen update, the sync thread
never waits for the UI, and a delivery for a session that has locked since is
dropped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

from app.errors import StoreLocked
from app.services import Services, SyncStatus

__all__ = ["SyncBridge"]

log = logging.getLogger("parley.ui")

Watcher = Callable[[SyncStatus], None]


class _Session(Protocol):
    """What the bridge needs of the shell."""

    @property
    def screen(self) -> object | None: ...

    @property
    def services(self) -> Services: ...

    def run_task(
        self, action: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any
    ) -> None: ...

    def update(self) -> None: ...

    def lock(self) -> None: ...

    def show_lock(self) -> None: ...


class SyncBridge:
    """Delivers sync status to the screen on display; handles the remote wipe."""

    def __init__(
        self, shell: _Session, services: Services, *, refresh_s: float | None
    ) -> None:
        self.shell = shell
        self.services = services
        self._lock = threading.Lock()
        self._latest: SyncStatus | None = None
        self._queued = False
        self._watchers: list[tuple[object, Watcher]] = []
        self._detached = False
        self._unsubscribe = [
            services.sync.subscribe(self._heard),
            services.remote_wipe.subscribe(self._wiped),
        ]
        if refresh_s:
            self._post(lambda: self._refresh_every(refresh_s))

    # -- any thread ----------------------------------------------------------------

    def _heard(self, status: SyncStatus) -> None:
        """Sync thread: keep the newest status; queue one delivery at most."""
        with self._lock:
            self._latest = status
            if self._queued or self._detached:
                return
            self._queued = True
        self._post(self._deliver)

    def _wiped(self) -> None:
        """Sync thread: the vault was erased on the hub's order."""
        self._post(self._after_wipe)

    def _post(self, make: Callable[[], Coroutine[Any, Any, None]]) -> None:
        async def run() -> None:
            try:
                await make()
            except Exception as exc:  # never let a background update crash the loop
                log.error("sync update failed: %s", type(exc).__name__)

        try:
            self.shell.run_task(run)
        except RuntimeError:  # the session's loop is gone (tab closed)
            self.detach()

    def detach(self) -> None:
        """Stop listening (idempotent)."""
        with self._lock:
            self._detached = True
            unsubscribe, self._unsubscribe = self._unsubscribe, []
        for undo in unsubscribe:
            undo()

    # -- the session's event loop ----------------------------------------------------

    @property
    def active(self) -> bool:
        """True while the session still works with these services."""
        if self._detached:
            return False
        try:
            return self.shell.services is self.services and self.services.is_open
        except StoreLocked:
            return False

    def watch(self, owner: object, watcher: Watcher) -> None:
        """Call ``watcher`` with each new status while ``owner`` is the screen shown."""
        self._watchers.append((owner, watcher))

    def show(self, status: SyncStatus) -> None:
        """Hand ``status`` to the watchers of the current screen and update the page."""
        screen = self.shell.screen
        self._watchers = [(o, w) for o, w in self._watchers if o is screen]
        for _, watcher in self._watchers:
            watcher(status)
        if self._watchers:
            self.shell.update()

    async def _deliver(self) -> None:
        with self._lock:
            status, self._latest, self._queued = self._latest, None, False
        if status is not None and self.active:
            self.show(status)

    async def _after_wipe(self) -> None:
        self.detach()
        self.services.close()  # the store is gone; this also ends the sync thread
        # The vault is gone: the lock screen is now the first-run one.
        try:
            mine = self.shell.services is self.services
        except StoreLocked:
            mine = False
        if mine:
            self.shell.lock()
        else:
            self.shell.show_lock()

    async def _refresh_every(self, period: float) -> None:
        # Relative times ("5 min ago") age between syncs.
        while True:
            await asyncio.sleep(period)
            if not self.active:
                return
            self.show(self.services.sync.status())
