"""A rough passphrase strength hint (length and variety; no dictionary download)."""

from __future__ import annotations

import math
from enum import StrEnum

__all__ = ["Strength", "strength"]

MIN_LENGTH = 8
_COMMON = ("password", "123456", "qwerty", "letmein", "admin", "welcome", "parley")


class Strength(StrEnum):
    """How hard a passphrase is to guess, roughly."""

    EMPTY = "empty"
    TOO_SHORT = "too_short"
    WEAK = "weak"
    FAIR = "fair"
    STRONG = "strong"


def _pool(text: str) -> int:
    pool = 0
    pool += 26 if any(c.islower() for c in text) else 0
    pool += 26 if any(c.isupper() for c in text) else 0
    pool += 10 if any(c.isdigit() for c in text) else 0
    pool += 33 if any(not c.isalnum() and c.isascii() for c in text) else 0
    pool += 100 if any(not c.isascii() for c in text) else 0
    return max(pool, 1)


def strength(text: str) -> Strength:
    """Estimate strength from length, character variety and obvious patterns."""
    if not text:
        return Strength.EMPTY
    if len(text) < MIN_LENGTH:
        return Strength.TOO_SHORT
    distinct = len(set(text))
    bits = min(len(text), distinct * 3) * math.log2(_pool(text))
    lowered = text.casefold()
    if any(word in lowered for word in _COMMON) or distinct <= 3:
        bits /= 2
    if bits < 50:
        return Strength.WEAK
    if bits < 80:
        return Strength.FAIR
    return Strength.STRONG
