"""Use case "sync": on demand and on an interval, in a background thread.

The UI reads :meth:`SyncService.status` (or subscribes to it) to draw a progress
bar (records and bytes), the last successful sync, what is pending, and the last
failure as an :class:`~app.errors.AppError` code. Nothing here blocks a caller.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from app.errors import AppError, AuthRequired, DeviceRevoked, StoreError
from app.store import Store
from app.sync import (
    HubClient,
    PackInstaller,
    SyncEngine,
    SyncReport,
    connect,
    load_identity,
    retention_days,
    set_retention_days,
)
from app.sync.engine import LAST_SUCCESS_META
from app.sync.refusals import incoming_refusals, refusals

__all__ = ["RefusedRecord", "SyncService", "SyncState", "SyncStatus"]

DEFAULT_INTERVAL_S = 15 * 60
_FIRST_RETRY_S = 30.0


class SyncState(StrEnum):
    """What sync is doing."""

    NOT_ENROLLED = "not_enrolled"
    IDLE = "idle"
    RUNNING = "running"
    FAILED = "failed"
    REVOKED = "revoked"


@dataclass(frozen=True)
class RefusedRecord:
    """One of this phone's records the hub refused: which one, and why.

    ``code`` is a refusal code (``control_character``, ``needs_coordinator``...),
    ``field`` the field at fault (``""`` for the whole record). The record itself
    stays on the phone as it was typed, to be fixed and saved again.
    """

    record_id: str
    kind: str
    name: str
    field: str
    code: str


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot for the sync screen.

    ``progress`` is the current run's report while running, else the last run's.
    ``last_failure`` is an :class:`AppError` code (``hub_unreachable``...) or
    ``None`` after a success. Times are UTC.
    """

    state: SyncState
    pending: int
    last_success: datetime | None
    last_failure: str | None
    progress: SyncReport | None
    next_run: datetime | None
    refused: tuple[RefusedRecord, ...] = ()
    #: revisions pulled from other devices and dropped (forged or not allowed)
    refused_incoming: int = 0


def _utc(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms else None


class SyncService:
    """Owns the sync thread for one unlocked store."""

    def __init__(
        self,
        store: Store,
        *,
        connect: Callable[[str], HubClient] = connect,
        installer: PackInstaller | None = None,
        on_wipe: Callable[[], None] | None = None,
        interval_s: float = DEFAULT_INTERVAL_S,
    ) -> None:
        self._store = store
        self._connect = connect
        self._installer = installer
        self._on_wipe = on_wipe
        self._interval = interval_s
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self._client: HubClient | None = None
        self._listeners: list[Callable[[SyncStatus], None]] = []
        self._state = SyncState.IDLE
        self._failure: str | None = None
        self._progress: SyncReport | None = None
        self._next: float | None = None
        self._retry = _FIRST_RETRY_S

    # -- status -----------------------------------------------------------------------

    def status(self) -> SyncStatus:
        """The current status (cheap; safe from any thread)."""
        try:
            enrolled = load_identity(self._store) is not None
            pending = self._store.pending_count()
            last = self._store.get_meta(LAST_SUCCESS_META)
            refused = self.refused()
            incoming = sum(incoming_refusals(self._store).values())
        except StoreError:
            enrolled, pending, last, refused, incoming = True, 0, None, (), 0
        with self._lock:
            state = self._state if enrolled else SyncState.NOT_ENROLLED
            nxt = _utc(int(self._next * 1000)) if self._next else None
            return SyncStatus(
                state,
                pending,
                _utc(last),
                self._failure,
                self._progress,
                nxt,
                refused,
                incoming,
            )

    def refused(self) -> tuple[RefusedRecord, ...]:
        """This phone's records the hub refused, newest first, with their names."""
        out: list[RefusedRecord] = []
        for refusal in refusals(self._store):
            entry = self._store.get(refusal.record_id)
            record = entry.record if entry is not None else None
            name = str(getattr(record, "name", "") or getattr(record, "title", ""))
            kind = record.kind.value if record is not None else refusal.kind
            out.append(
                RefusedRecord(
                    str(refusal.record_id), kind, name, refusal.field, refusal.code
                )
            )
        return tuple(out)

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call ``listener`` (on the sync thread) at each change; return unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _emit(self) -> None:
        status = self.status()
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(status)

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread: a run now, then one every interval."""
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._idle.clear()
            self._thread = threading.Thread(
                target=self._loop, name="parley-sync", daemon=True
            )
            self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (a run in progress finishes its current request)."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
        if self._client is not None:
            self._client.close()
            self._client = None

    def sync_now(self) -> None:
        """Ask for a run as soon as possible (starts the thread if needed)."""
        self._retry = _FIRST_RETRY_S
        self._idle.clear()
        if self._thread is None:
            self.start()
        else:
            self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no run is in progress (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self._delay())
                self._wake.clear()
                if self._stop.is_set() or self._state is SyncState.REVOKED:
                    return
                self.run_blocking()
        finally:
            self._idle.set()

    def _delay(self) -> float:
        now = time.monotonic()
        with self._lock:
            wait = (
                self._interval
                if self._failure is None
                else min(self._retry, self._interval)
            )
            self._next = time.time() + wait
        return max(0.0, wait - (time.monotonic() - now))

    def run_blocking(self) -> SyncReport | None:
        """Run sync once in this thread; returns the report, or ``None`` on failure."""
        with self._lock:
            if self._state is SyncState.RUNNING:
                return None
            self._state, self._progress = SyncState.RUNNING, None
            self._idle.clear()
        self._emit()
        report = None
        try:
            report = self._engine().run_once(progress=self._on_progress)
            self._finish(SyncState.IDLE, None, report)
        except DeviceRevoked as exc:
            self._finish(SyncState.REVOKED, exc.code, None)
        except AppError as exc:
            self._retry = min(self._retry * 2, self._interval)
            self._finish(SyncState.FAILED, exc.code, None)
        finally:
            self._idle.set()
        return report

    def _finish(
        self, state: SyncState, failure: str | None, report: SyncReport | None
    ) -> None:
        with self._lock:
            self._state, self._failure = state, failure
            if report is not None:
                self._progress = report
                self._retry = _FIRST_RETRY_S
        self._emit()

    def _on_progress(self, report: SyncReport) -> None:
        with self._lock:
            self._progress = report
        self._emit()

    def _engine(self) -> SyncEngine:
        identity = load_identity(self._store)
        if identity is None:
            raise AuthRequired("not_enrolled")
        if self._client is None or self._client.base_url != identity.base_url.rstrip(
            "/"
        ):
            self._client = self._connect(identity.base_url)
        return SyncEngine(
            self._store, self._client, installer=self._installer, on_wipe=self._on_wipe
        )

    # -- settings ---------------------------------------------------------------------

    def retention_days(self) -> int:
        """Days an acknowledged contact stays readable here (default 30)."""
        return retention_days(self._store)

    def set_retention_days(self, days: int) -> None:
        """Change the retention period (1 to 3650 days)."""
        set_retention_days(self._store, days)

    def set_interval(self, seconds: float) -> None:
        """Change the background interval."""
        self._interval = max(60.0, seconds)
        self._wake.set()
