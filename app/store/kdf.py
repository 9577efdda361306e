"""Passphrase stretching with Argon2id (argon2-cffi: Flet's mobile index ships it)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

__all__ = ["KdfParams", "calibrate", "stretch"]

# The floor for a key file copied off a seized phone (notes/local-vault.md §3.2).
FLOOR_MEMORY_KIB = 64 * 1024
MIN_MEMORY_KIB = 19 * 1024  # OWASP minimum, only for phones that cannot spare 64 MiB
TARGET_MS = (150.0, 500.0)


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored in the key file."""

    memory_kib: int = FLOOR_MEMORY_KIB
    iterations: int = 3
    lanes: int = 1


def stretch(passphrase: str, *, salt: bytes, params: KdfParams) -> bytes:
    """Return 32 bytes derived from ``passphrase`` with Argon2id."""
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.lanes,
        hash_len=32,
        type=Type.ID,
    )


def _time_ms(params: KdfParams) -> float:
    start = time.perf_counter()
    stretch("calibration", salt=bytes(16), params=params)
    return (time.perf_counter() - start) * 1000


def calibrate(target_ms: tuple[float, float] = TARGET_MS) -> KdfParams:
    """Pick Argon2id costs that take between ``target_ms`` on this device.

    Starts at 64 MiB, t=3. Faster devices get more passes; slow ones lose passes,
    then memory, but never go below the OWASP minimum.
    """
    low, high = target_ms
    params = KdfParams()
    elapsed = _time_ms(params)
    # Aim for the middle of the range; a device just over the floor gets more passes.
    while elapsed < low * 1.3 and params.iterations < 64:
        per_pass = elapsed / params.iterations
        wanted = max(params.iterations + 1, int((low + high) / 2 / per_pass))
        params = KdfParams(params.memory_kib, wanted, 1)
        elapsed = _time_ms(params)
    while elapsed > high and (
        params.iterations > 2 or params.memory_kib > MIN_MEMORY_KIB
    ):
        if params.iterations > 2:
            params = KdfParams(params.memory_kib, params.iterations - 1, 1)
        else:
            params = KdfParams(max(MIN_MEMORY_KIB, params.memory_kib // 2), 2, 1)
        elapsed = _time_ms(params)
    return params
