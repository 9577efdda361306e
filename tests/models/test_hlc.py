"""Hybrid logical clock: monotonic, sortable, robust to lying device clocks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.hlc import MAX_DRIFT_MS, Hlc, HybridClock

walls = st.integers(min_value=0, max_value=2**47)


@given(st.lists(walls, min_size=1, max_size=50))
def test_readings_strictly_increase_whatever_the_wall_clock_does(
    times: list[int],
) -> None:
    ticks = iter(times)
    clock = HybridClock(node="dev-a", now_ms=lambda: next(ticks))
    readings = [clock.now() for _ in times]
    assert readings == sorted(readings)
    assert len({r.encode() for r in readings}) == len(readings)


@given(walls, st.integers(0, 0xFFFF), walls, st.integers(0, 0xFFFF))
def test_encoded_order_matches_clock_order(w1: int, c1: int, w2: int, c2: int) -> None:
    a, b = Hlc(w1, c1, "a" * 16), Hlc(w2, c2, "a" * 16)
    assert (a < b) == (a.encode() < b.encode())
    assert Hlc.decode(a.encode()) == a


def test_observe_moves_past_a_remote_reading() -> None:
    clock = HybridClock(node="dev-a", now_ms=lambda: 1_000)
    remote = Hlc(5_000, 3, "b" * 16)
    clock.observe(remote)
    assert clock.now() > remote


def test_observe_ignores_a_remote_clock_days_ahead() -> None:
    clock = HybridClock(node="dev-a", now_ms=lambda: 1_000)
    clock.observe(Hlc(1_000 + MAX_DRIFT_MS + 1, 0, "b" * 16))
    assert clock.now().wall_ms == 1_000


def test_offset_corrects_a_wrong_device_clock() -> None:
    clock = HybridClock(node="dev-a", now_ms=lambda: 1_000)
    clock.offset_ms = 86_400_000
    assert clock.now().wall_ms == 86_401_000
