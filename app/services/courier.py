"""Sync while locked: seal at save time, send with a push-only key while locked.

Two pieces (the design and what a seized phone gives away are in
``docs/security.md``, "Sync while locked"):

* :class:`Sealer` (one per unlocked session): after every save it freezes the
  new revisions of sealed kinds into batches sealed to the organisation's
  records key and signed by the device key, and keeps them in the send queue
  (:mod:`app.sync.queue`). At lock it seals what is left and hands over a
  batch in flight, so nothing waits for the next unlock.
* :class:`Courier` (one per app process): while no session is unlocked it
  pushes the queued batches with the courier key (in the device secrets; the
  hub accepts it for nothing but pushing sealed batches) and stores each
  acknowledgement in the queue; the next unlock applies them. A wipe command
  the hub sends meanwhile is checked against the hub's command key and obeyed.

Pulls never run while locked: they need the vault.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.errors import AppError, HubUnreachable, StoreError
from app.services.sync import RealTimer, RetryPolicy, Timer
from app.store import SecretStore, Store, Vault
from app.store.sendqueue import QUEUE_FILE, QueueFile
from app.sync import HubClient, connect, load_identity
from app.sync.courier import Delivered, courier_push, is_wipe_for
from app.sync.errors import HubBusy, Revoked, StaleClock
from app.sync.queue import (
    COURIER_SECRET,
    Card,
    apply_acks,
    handover_inflight,
    prepare_card,
    seal_pending,
)

__all__ = ["Courier", "CourierReport", "Sealer", "open_session", "queue_of"]

log = logging.getLogger("parley.courier")
# Transport failures that mean the connection was up and then dropped.
_MID_TRANSFER = {"ReadError", "WriteError", "RemoteProtocolError"}


def queue_of(vault: Vault) -> QueueFile:
    """The send queue of ``vault`` (in its folder, keyed in its device secrets)."""
    return QueueFile(vault.root / QUEUE_FILE, vault.secrets)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Sealer:
    """Keeps one unlocked session's sealed-kind revisions queued for the courier."""

    def __init__(self, store: Store, queue: QueueFile, secrets: SecretStore) -> None:
        self._store = store
        self._queue = queue
        self._secrets = secrets
        self._card: Card | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one sealing at a time
        self._thread: threading.Thread | None = None
        self._unwatch: Callable[[], None] | None = None

    def start(self) -> None:
        """Seal what is pending now, then after every change, on a thread."""
        self._unwatch = self._store.watch(
            lambda _change: self._wake.set(), on_close=self._end
        )
        self._wake.set()
        self._thread = threading.Thread(
            target=self._loop, name="parley-seal", daemon=True
        )
        self._thread.start()

    def _end(self) -> None:
        """The store was locked (by this session or a wipe elsewhere)."""
        self._stop.set()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            self.seal()

    def seal(self) -> int:
        """Queue what is pending now; return the batches added (0 on any failure:
        the revisions stay in the outbox and go with the engine's batches)."""
        with self._lock:
            try:
                identity = load_identity(self._store)
                if identity is None:
                    return 0
                card = prepare_card(self._store, identity, self._queue, self._secrets)
                self._card = card
                return seal_pending(self._store, identity, self._queue)
            except AppError as exc:
                if self._store.is_open:
                    log.warning("sealing deferred (%s)", exc.code)
                return 0

    def flush(self) -> None:
        """At lock: stop the thread, seal what is left, hand over a batch in
        flight that has no registry op. Quick (no network)."""
        self._stop.set()
        self._wake.set()
        if self._unwatch is not None:
            self._unwatch()
        if self._thread is not None:
            self._thread.join(10)
        if not self._store.is_open:
            return
        self.seal()
        with self._lock, contextlib.suppress(AppError):
            if self._card is not None:
                handover_inflight(self._store, self._queue)


@dataclass
class CourierReport:
    """What one courier run did."""

    sent: int = 0
    acked: list[int] = field(default_factory=list)
    failure: str | None = None
    wiped: bool = False


class Courier:
    """Sends the send queue while no session of the vault is unlocked."""

    def __init__(
        self,
        vault: Vault,
        *,
        connect: Callable[[str], HubClient] = connect,
        timer: Timer | None = None,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.vault = vault
        self.queue = queue_of(vault)
        self._connect = connect
        self._timer = timer or RealTimer()
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        self._client: HubClient | None = None
        self._offset: int | None = None
        self._sessions = 0
        self._failures = 0
        self._stuck: str | None = None  # a refusal that only an unlock can clear
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[], None]] = []

    # -- lifecycle ----------------------------------------------------------------

    def pause(self) -> None:
        """A session was unlocked: its own sync takes over."""
        with self._lock:
            self._sessions += 1

    def resume(self) -> None:
        """A session was locked: send what it queued (starts the thread)."""
        with self._lock:
            self._sessions = max(0, self._sessions - 1)
            self._stuck, self._failures = None, 0
        self.wake()

    @property
    def paused(self) -> bool:
        """True while a session is unlocked."""
        return self._sessions > 0

    def wake(self) -> None:
        """Try now (a lock, a network change, the app coming to the foreground)."""
        if self._thread is None and not self._stop.is_set():
            self._thread = threading.Thread(
                target=self._loop, name="parley-courier", daemon=True
            )
            self._thread.start()
        self._wake.set()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the thread (a push in flight finishes)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._client is not None:
            self._client.close()
            self._client = None

    def on_wipe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the courier thread) after a hub-ordered wipe."""
        self._listeners.append(listener)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            report = self.run_once()
            if self._stop.is_set():
                return
            wait = self._next_wait(report)
            if wait is None:
                self._wake.wait()
            else:
                self._timer.wait(self._wake, wait)

    def _next_wait(self, report: CourierReport) -> float | None:
        """``None``: wait to be woken (nothing to send, or stuck until unlock)."""
        if report.failure is None or self._stuck is not None or report.wiped:
            self._failures = 0
            return None
        if report.failure.startswith("busy:"):
            return float(report.failure[5:]) * self._rng.uniform(1.0, 1.25)
        if report.failure in _MID_TRANSFER or report.sent:
            self._failures = 0
            return self._rng.uniform(*self._policy.quick)
        self._failures += 1
        cap = self._policy.cap_foreground
        return self._policy.backoff(self._failures, cap=cap, rng=self._rng)

    # -- one run --------------------------------------------------------------------

    def run_once(self) -> CourierReport:
        """Push every queued batch not yet acknowledged, oldest first (blocking)."""
        report = CourierReport()
        if self.paused or self._stuck is not None:
            return report
        try:
            key = self.vault.secrets.get(COURIER_SECRET)
            content = self.queue.load()
        except StoreError as exc:
            report.failure = exc.code
            return report
        if key is None or content is None or not content.get("card"):
            return report
        card = Card.load(content["card"])
        acked = {int(a[0]) for a in content["acks"]}
        for seq, batch in sorted((int(e[0]), bytes(e[1])) for e in content["out"]):
            if seq in acked:
                continue
            if not self._may_go_on(key) or not self._push(
                card, key, seq, batch, report
            ):
                break
        return report

    def _may_go_on(self, key: bytes) -> bool:
        """False once a session is unlocked, or the key is gone (a wipe or a
        duress unlock meanwhile: what this run read must not be sent)."""
        if self.paused or self._stop.is_set():
            return False
        try:
            return self.vault.secrets.get(COURIER_SECRET) == key
        except StoreError:
            return False

    def _push(
        self, card: Card, key: bytes, seq: int, batch: bytes, report: CourierReport
    ) -> bool:
        """Push one batch; True to go on with the next."""
        if self._offset is None:
            self._offset = card.offset_ms
        try:
            delivered = self._deliver(card, key, seq, batch)
        except Revoked as exc:
            if exc.command is not None and is_wipe_for(card, exc.command):
                self._wipe(report)
            else:
                self._stuck = report.failure = exc.code
            return False
        except HubBusy as exc:
            report.failure = f"busy:{exc.retry_after}"
            return False
        except HubUnreachable as exc:
            report.failure = exc.detail or exc.code
            return False
        except AppError as exc:  # refused: conflict, auth, bad answer
            log.warning("courier stopped (%s)", exc.code)
            self._stuck = report.failure = exc.code
            return False
        report.sent += 1
        try:
            self._store_ack(seq, delivered.ack.status)
        except AppError as exc:  # the hub keeps it: a resend gets it again
            report.failure = exc.code
            return False
        report.acked.append(seq)
        if any(is_wipe_for(card, cmd) for cmd in delivered.cmds):
            self._wipe(report)
            return False
        return True

    def _deliver(self, card: Card, key: bytes, seq: int, batch: bytes) -> Delivered:
        client = self._client_for(card.url)
        for attempt in range(2):
            now = _now_ms() + (self._offset or 0)
            try:
                return courier_push(client, card, key, seq=seq, batch=batch, now_ms=now)
            except StaleClock as exc:
                self._offset = exc.server_time - _now_ms()
                if attempt:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _client_for(self, url: str) -> HubClient:
        if self._client is None or self._client.base_url != url.rstrip("/"):
            if self._client is not None:
                self._client.close()
            self._client = self._connect(url)
        return self._client

    def _store_ack(self, seq: int, status: str) -> None:
        with self.queue.lock:
            content = self.queue.load()
            if content is None:  # wiped meanwhile: nothing to keep
                return
            content["acks"] = [*content["acks"], [seq, status]]
            self.queue.save(content)

    def _wipe(self, report: CourierReport) -> None:
        log.warning("courier: hub-signed wipe received")
        self.vault.wipe()
        report.wiped = True
        self._stuck = "wiped"
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):
                listener()


def open_session(store: Store, vault: Vault, courier: Courier) -> Sealer:
    """A session was unlocked: pause the courier, apply the acknowledgements it
    heard, and start sealing. Returns the session's :class:`Sealer`."""
    courier.pause()
    with contextlib.suppress(AppError):
        apply_acks(store, courier.queue, now_ms=_now_ms())
    sealer = Sealer(store, courier.queue, vault.secrets)
    sealer.start()
    return sealer
