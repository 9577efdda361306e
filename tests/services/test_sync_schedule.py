"""The sync service's retry schedule, on a fake clock: quick after a cut while bytes
flowed, growing only while nothing gets through, immediate on Sync now, and a loop
that no exception ends."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.errors import HubUnreachable
from app.services.sync import INTERNAL_FAILURE, RetryPolicy, SyncService, SyncState
from app.store import Store
from app.sync import SyncReport
from app.sync.errors import HubBusy
from tests.hub.support import new_vault


class FakeTimer:
    """Virtual time: every wait returns at once and moves the clock on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def wait(self, event: threading.Event, seconds: float) -> bool:
        self.waits.append(seconds)
        if event.is_set():
            return True
        self.now += seconds
        return event.is_set()


class FakeEngine:
    """Plays one scripted outcome per run: an exception, or a report."""

    def __init__(self, outcome: BaseException | SyncReport, timer: FakeTimer) -> None:
        self.outcome = outcome
        self.report = SyncReport()
        self.timer = timer

    def run_once(self, progress: Any = None) -> SyncReport:
        self.timer.now += 3.0  # a run takes a few seconds
        if isinstance(self.outcome, BaseException):
            if isinstance(self.outcome, HubUnreachable) and self.outcome.detail == "x":
                self.report.exchanges = 1  # the run moved data before the cut
            raise self.outcome
        return self.outcome


class Scripted(SyncService):
    def __init__(self, store: Store, timer: FakeTimer, script: list[Any]) -> None:
        super().__init__(store, timer=timer, rng=random.Random(3), interval_s=900)
        self.script = script
        self.runs = 0
        self.timer = timer

    def _engine(self) -> Any:
        self.runs += 1
        outcome = self.script.pop(0) if self.script else SyncReport(done=True)
        return FakeEngine(outcome, self.timer)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    _, made = new_vault(tmp_path / "v")
    yield made
    made.close()


def test_a_cut_while_bytes_flowed_is_retried_within_seconds(store: Store) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [HubUnreachable("x")] * 5)
    for _ in range(5):
        service.run_blocking()
        low, high = RetryPolicy().quick
        assert 0.0 < low <= service.next_wait <= high <= 1.0


def test_waits_grow_only_while_nothing_gets_through_and_stop_at_two_minutes(
    store: Store,
) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [HubUnreachable("ConnectError")] * 9)
    waits = []
    for _ in range(9):
        service.run_blocking()
        waits.append(service.next_wait)
        timer.now += service.next_wait
    assert 3.75 <= waits[0] <= 6.25
    assert all(b >= a * 0.6 for a, b in zip(waits, waits[1:], strict=False))
    assert waits[-1] <= 120.0 and max(waits) >= 90.0


def test_a_link_that_carried_bytes_a_moment_ago_keeps_quick_retries(
    store: Store,
) -> None:
    timer = FakeTimer()
    script: list[Any] = [HubUnreachable("x"), HubUnreachable("ConnectError")]
    service = Scripted(store, timer, script)
    service.run_blocking()
    timer.now += service.next_wait
    service.run_blocking()  # refused right after a cut: the link is coming back
    assert service.next_wait <= 1.0


def test_in_the_background_waits_may_grow_to_the_interval(store: Store) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [HubUnreachable("ConnectError")] * 12)
    service._foreground = False  # noqa: SLF001 - what set_foreground(False) sets
    for _ in range(12):
        service.run_blocking()
        timer.now += service.next_wait
    assert 120.0 < service.next_wait <= 900.0


def test_a_busy_hub_is_left_alone_for_its_retry_after(store: Store) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [HubBusy(503, "database_unavailable", 30.0)])
    service.run_blocking()
    assert 30.0 <= service.next_wait <= 40.0
    assert service.status().last_failure == "hub_busy"


def test_sync_now_forgets_the_backoff(store: Store) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [HubUnreachable("ConnectError")] * 6)
    for _ in range(5):
        service.run_blocking()
        timer.now += service.next_wait
    assert service.next_wait > 30.0
    service._failures = 0  # noqa: SLF001 - sync_now does this, then wakes the thread
    service.run_blocking()
    assert service.next_wait <= 6.25


def test_an_unexpected_error_is_reported_and_the_loop_carries_on(store: Store) -> None:
    timer = FakeTimer()
    service = Scripted(store, timer, [RuntimeError("bug"), SyncReport(done=True)])
    seen: list[str | None] = []
    service.subscribe(lambda status: seen.append(status.last_failure))
    service.start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            if service.runs >= 2 and service.wait_idle(0):
                break
            deadline.wait(0.02)
    finally:
        service.stop()
    assert service.runs >= 2
    assert INTERNAL_FAILURE in seen
    assert seen[-1] is None  # the next run succeeded and cleared it
    assert service._state is SyncState.IDLE  # noqa: SLF001


def test_policy_backoff_has_jitter_within_its_bounds() -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    waits = {round(policy.backoff(3, cap=120, rng=rng), 3) for _ in range(20)}
    assert len(waits) > 10
    assert all(15.0 <= w <= 25.0 for w in waits)
