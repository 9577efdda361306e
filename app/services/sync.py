"""Use case "sync": on demand, on an interval and on a retry schedule, in a thread.

The UI reads :meth:`SyncService.status` (or subscribes to it) to draw a progress
bar (records and bytes), the last successful sync, what is pending, and the last
failure as an :class:`~app.errors.AppError` code. Nothing here blocks a caller.

When to try again (:class:`RetryPolicy`): a run cut while bytes were flowing is
retried within a couple of seconds, with jitter, for as long as the link keeps
carrying something; only while nothing gets through does the wait grow, doubling
up to two minutes while the app is in the foreground (the full interval in the
background). A hub that answers 503 or 429 is left alone for its ``Retry-After``.
*Sync now*, a network change and the app coming to the foreground run at once.
No exception ends the loop: an unexpected one is reported as ``sync_internal``
and retried like any other failure.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from app.errors import AppError, AuthRequired, DeviceRevoked, HubUnreachable, StoreError
from app.store import Store
from app.store.sendqueue import QueueFile
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
from app.sync.errors import HubBusy
from app.sync.pace import LinkPace
from app.sync.refusals import incoming_refusals, refusals

__all__ = [
    "INTERNAL_FAILURE",
    "RealTimer",
    "RefusedRecord",
    "RetryPolicy",
    "SyncService",
    "SyncState",
    "SyncStatus",
    "Timer",
]

DEFAULT_INTERVAL_S = 15 * 60
INTERNAL_FAILURE = "sync_internal"
# Transport failures that mean the connection was up and then dropped.
_MID_TRANSFER = {"ReadError", "WriteError", "RemoteProtocolError"}

log = logging.getLogger("parley.sync")


class Timer(Protocol):
    """Where the sync thread reads the time and waits (tests pass a fake)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Wait until ``event`` is set or ``seconds`` pass; True if it was set."""
        ...


class RealTimer:
    """The real clock."""

    def monotonic(self) -> float:
        """``time.monotonic()``."""
        return time.monotonic()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """``event.wait(seconds)``."""
        return event.wait(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again after a failed run. Seconds throughout."""

    # After a cut while bytes flowed. A link that drops every few seconds is
    # back within a fraction of one: each tenth of a second waited is link time
    # lost, and a longer sync meets more cuts.
    quick: tuple[float, float] = (0.05, 0.4)
    flowing_for: float = 60.0  # bytes this recent mean the link works
    first: float = 5.0  # first wait once nothing gets through
    factor: float = 2.0
    cap_foreground: float = 120.0
    jitter: float = 0.25  # ± this share of each backoff wait

    def backoff(self, failures: int, *, cap: float, rng: random.Random) -> float:
        """The wait after ``failures`` runs in a row that moved nothing."""
        base = min(cap, self.first * self.factor ** max(0, failures - 1))
        return min(cap, base * rng.uniform(1 - self.jitter, 1 + self.jitter))


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
        timer: Timer | None = None,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        queue: QueueFile | None = None,
    ) -> None:
        self._store = store
        self._queue = queue
        self._connect = connect
        self._installer = installer
        self._on_wipe = on_wipe
        self._interval = interval_s
        self._timer = timer or RealTimer()
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        self._pace = LinkPace()
        self._foreground = True
        self._failures = 0  # runs in a row that moved nothing
        self._last_flow: float | None = None
        self._wait = 0.0  # the wait chosen after the last run
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
        """Run as soon as possible (starts the thread if needed); forget backoff."""
        self._failures = 0
        self._idle.clear()
        if self._thread is None:
            self.start()
        else:
            self._wake.set()

    def network_changed(self) -> None:
        """A new network may reach the hub where the old one could not: run now."""
        self.sync_now()

    def set_foreground(self, foreground: bool) -> None:
        """The app came to the foreground (run now) or went to the background
        (waits may then grow to the full interval)."""
        self._foreground = foreground
        if foreground:
            self.sync_now()

    @property
    def next_wait(self) -> float:
        """The wait chosen after the last run, in seconds (for tests and status)."""
        return self._wait

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no run is in progress (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def _loop(self) -> None:
        first = True
        try:
            while not self._stop.is_set():
                if not first:
                    self._timer.wait(self._wake, self._delay())
                first = False
                self._wake.clear()
                if self._stop.is_set() or self._state is SyncState.REVOKED:
                    return
                try:
                    self.run_blocking()
                except Exception as exc:  # noqa: BLE001 - the loop must not die
                    log.error("sync loop: %s", type(exc).__name__)
                    self._failed(INTERNAL_FAILURE, None)
        finally:
            self._idle.set()

    def _delay(self) -> float:
        with self._lock:
            wait = self._wait if self._failure is not None else self._interval
            self._next = time.time() + wait
        return wait

    def _schedule(self, exc: BaseException | None, report: SyncReport | None) -> float:
        """Choose the wait after a failed run."""
        now = self._timer.monotonic()
        flowed = report is not None and (report.exchanges > 0 or report.batch_held > 0)
        if isinstance(exc, HubUnreachable) and exc.detail in _MID_TRANSFER:
            flowed = True
        if flowed:
            self._last_flow = now
        policy = self._policy
        if isinstance(exc, HubBusy):
            self._failures += 1
            return exc.retry_after * self._rng.uniform(1.0, 1.0 + policy.jitter)
        recent = self._last_flow is not None and now - self._last_flow <= (
            policy.flowing_for
        )
        if isinstance(exc, HubUnreachable) and recent:
            self._failures = 0
            return self._rng.uniform(*policy.quick)
        self._failures += 1
        cap = policy.cap_foreground if self._foreground else self._interval
        return policy.backoff(
            self._failures, cap=min(cap, self._interval), rng=self._rng
        )

    def run_blocking(self) -> SyncReport | None:
        """Run sync once in this thread; returns the report, or ``None`` on failure."""
        with self._lock:
            if self._state is SyncState.RUNNING:
                return None
            self._state, self._progress = SyncState.RUNNING, None
            self._idle.clear()
        self._emit()
        report = None
        engine: SyncEngine | None = None
        try:
            engine = self._engine()
            report = engine.run_once(progress=self._on_progress)
            self._failures, self._last_flow = 0, self._timer.monotonic()
            self._finish(SyncState.IDLE, None, report)
        except DeviceRevoked as exc:
            self._finish(SyncState.REVOKED, exc.code, None)
        except AppError as exc:
            self._failed(exc.code, engine, exc)
        except Exception as exc:  # noqa: BLE001 - reported, never silent
            log.error("sync run: %s", type(exc).__name__)
            self._failed(INTERNAL_FAILURE, engine, exc)
        finally:
            self._idle.set()
        return report

    def _failed(
        self,
        code: str,
        engine: SyncEngine | None,
        exc: BaseException | None = None,
    ) -> None:
        self._wait = self._schedule(exc, engine.report if engine else None)
        with self._lock:
            if engine is not None and engine.report.exchanges:
                self._progress = replace(engine.report)
        self._finish(SyncState.FAILED, code, None)

    def _finish(
        self, state: SyncState, failure: str | None, report: SyncReport | None
    ) -> None:
        with self._lock:
            self._state, self._failure = state, failure
            if report is not None:
                self._progress = report
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
            self._store,
            self._client,
            installer=self._installer,
            on_wipe=self._on_wipe,
            pace=self._pace,
            monotonic=self._timer.monotonic,
            queue=self._queue,
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
