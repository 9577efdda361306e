"""Retention: acknowledged contacts lose their plaintext on the phone after N days."""

from __future__ import annotations

import uuid

from app.errors import ValidationFailed
from app.store import Store

__all__ = [
    "ACKED_META",
    "DEFAULT_RETENTION_DAYS",
    "purge_due",
    "retention_days",
    "set_retention_days",
]

ACKED_META = "sync.acked"  # record id -> when the hub last acknowledged it (ms)
RETENTION_META = "sync.retention_days"
DEFAULT_RETENTION_DAYS = 30
_DAY_MS = 24 * 3600 * 1000


def retention_days(store: Store) -> int:
    """Days a contact stays readable on this device after the hub has it."""
    value = store.get_meta(RETENTION_META)
    return int(value) if value else DEFAULT_RETENTION_DAYS


def set_retention_days(store: Store, days: int) -> None:
    """Change the retention period.

    Raises:
        ValidationFailed: ``retention_days: out_of_range`` outside 1..3650.
    """
    if not 1 <= days <= 3650:
        raise ValidationFailed({"retention_days": "out_of_range"})
    store.set_meta(RETENTION_META, days)


def purge_due(store: Store, *, now_ms: int) -> int:
    """Purge every acknowledged sealed record older than the retention period."""
    acked: dict[str, int] = store.get_meta(ACKED_META) or {}
    limit = now_ms - retention_days(store) * _DAY_MS
    due = [rid for rid, when in acked.items() if when <= limit]
    if not due:
        return 0
    purged = store.purge(uuid.UUID(rid) for rid in due)
    for rid in due:
        entry = store.get(uuid.UUID(rid))
        if entry is None or entry.purged:
            acked.pop(rid, None)
    store.set_meta(ACKED_META, acked)
    return purged
