"""Argon2id costs: calibrated on the device, never below the floor."""

from __future__ import annotations

import pytest

from app.store import kdf
from app.store.kdf import FLOOR_MEMORY_KIB, KdfParams, calibrate


def fake_timer(monkeypatch: pytest.MonkeyPatch, ms_per_pass_per_64mib: float) -> None:
    def timed(params: KdfParams) -> float:
        scale = params.memory_kib / FLOOR_MEMORY_KIB
        return ms_per_pass_per_64mib * params.iterations * scale

    monkeypatch.setattr(kdf, "_time_ms", timed)


def test_fast_device_gets_more_passes_at_full_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_timer(monkeypatch, 20)
    params = calibrate()
    assert params.memory_kib == FLOOR_MEMORY_KIB
    assert 150 <= 20 * params.iterations <= 500


def test_slow_device_keeps_the_floor_rather_than_weaken_the_key_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_timer(monkeypatch, 400)
    assert calibrate() == KdfParams(FLOOR_MEMORY_KIB, 3, 1)


def test_typical_device_keeps_the_recommended_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_timer(monkeypatch, 70)
    assert calibrate() == KdfParams(FLOOR_MEMORY_KIB, 3, 1)


def test_stretch_is_deterministic_and_salted() -> None:
    params = KdfParams(8 * 1024, 1, 1)
    a = kdf.stretch("same words", salt=b"a" * 16, params=params)
    assert a == kdf.stretch("same words", salt=b"a" * 16, params=params)
    assert a != kdf.stretch("same words", salt=b"b" * 16, params=params)
    assert len(a) == 32
