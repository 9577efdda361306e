"""Passphrase stretching with Argon2id (argon2-cffi: Flet's mobile index ships it)."""

from __future__ import annotations

import statistics
import time
import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw

__all__ = ["KdfParams", "calibrate", "stretch"]

# The floor for a key file copied off a seized phone (notes/local-vault.md §3.2).
FLOOR_MEMORY_KIB = 64 * 1024
TARGET_MS = (150.0, 500.0)


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost parameters, stored in the key file."""

    memory_kib: int = FLOOR_MEMORY_KIB
    iterations: int = 3
    lanes: int = 1


def stretch(passphrase: str, *, salt: bytes, params: KdfParams) -> bytes:
    """Return 32 bytes derived from ``passphrase`` with Argon2id.

    The passphrase is NFC-normalised first, so the same words typed on keyboards
    that compose accents differently give the same key.
    """
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8", "surrogatepass")
    return hash_secret_raw(
        secret=secret,
        salt=salt,
        time_cost=params.iterations,
        memory_cost=params.memory_kib,
        parallelism=params.lanes,
        hash_len=32,
        type=Type.ID,
    )


def _time_ms(params: KdfParams) -> float:
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        stretch("calibration", salt=bytes(16), params=params)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def calibrate(target_ms: tuple[float, float] = TARGET_MS) -> KdfParams:
    """Pick Argon2id costs for this device: never below 64 MiB, t=3.

    A fast device gets more passes, aiming at the middle of ``target_ms``. A slow one
    keeps the floor and unlocks slowly rather than weaken the key file.
    """
    low, high = target_ms
    params = KdfParams()
    elapsed = _time_ms(params)
    if elapsed < low * 1.3:
        per_pass = elapsed / params.iterations
        wanted = min(64, max(params.iterations + 1, int((low + high) / 2 / per_pass)))
        params = KdfParams(params.memory_kib, wanted, 1)
    return params
