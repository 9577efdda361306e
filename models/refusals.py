"""Per-op refusal codes: what the hub (or a device) answers for one bad op.

A refused op never fails its request: the batch is acknowledged, and the op's
code says why it was not applied. Each code has the HTTP status it would have as
a request of its own, so a refusal is always a 4xx, never a 5xx.
"""

from __future__ import annotations

from models.text import CONTROL_CODE

__all__ = ["REFUSALS", "refusal_status"]

REFUSALS: dict[str, int] = {
    # the op itself is malformed
    "unknown_kind": 400,
    "sealed_kind": 400,
    "bad_id": 400,
    "bad_clock": 400,
    "unknown_field": 400,
    "sealed_field": 400,
    "invalid_value": 400,
    CONTROL_CODE: 400,
    "invalid_record": 400,
    "kind_mismatch": 409,
    # authority: the signing device's certificate does not allow it
    "team_mismatch": 403,
    "device_mismatch": 403,
    "not_owner": 403,
    "needs_coordinator": 403,
    "bad_signature": 403,
    # a sealed revision stored with one that was refused: the part is one ciphertext
    "part_refused": 403,
    # caps
    "entry_limit": 429,
}


def refusal_status(code: str) -> int:
    """The 4xx status of a refusal code (400 for a code not listed)."""
    return REFUSALS.get(code, 400)
