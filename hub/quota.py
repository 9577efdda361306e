"""Per-device quotas: registry ops per hour and registry entries created.

Both are kept in ``device_quotas`` and checked twice: once before the write
transaction (a device over its hourly quota gets 429 with ``Retry-After``
without taking any lock), and again inside it, under the device's row lock,
where the counts are also updated.

* ops per hour: every registry op a device pushes counts, refused ones too;
  past ``ops_per_hour`` in the current hour the whole request waits (429).
* entries: registry records a field device has created; past
  ``entries_per_device`` the ops of each further new record are refused with
  ``entry_limit`` (the rest of the batch goes on). Coordinators are not capped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from sqlalchemy import Connection, insert, select, update

from hub import tables
from hub.db import HubDb
from hub.errors import HubError
from hub.push import CheckedPush
from models.enums import Role

__all__ = ["HOUR_MS", "Quota", "admit", "precheck", "record"]

HOUR_MS = 3_600_000
ENTRY_LIMIT = "entry_limit"


@dataclass(frozen=True)
class Quota:
    """The caps one hub applies."""

    ops_per_hour: int
    entries_per_device: int


@dataclass(frozen=True)
class _Used:
    hour_start: int
    hour_ops: int
    entries: int
    exists: bool


def _used(conn: Connection, device: str, now_ms: int) -> _Used:
    t = tables.device_quotas
    row = conn.execute(select(t).where(t.c.device == device)).first()
    if row is None:
        return _Used(now_ms, 0, 0, False)
    if now_ms - row.hour_start >= HOUR_MS:
        return _Used(now_ms, 0, row.entries, True)
    return _Used(row.hour_start, row.hour_ops, row.entries, True)


def _check_hour(used: _Used, ops: int, quota: Quota, now_ms: int) -> None:
    # A fresh hour takes any one batch, so a device always moves on.
    if ops and used.hour_ops and used.hour_ops + ops > quota.ops_per_hour:
        wait_ms = used.hour_start + HOUR_MS - now_ms
        raise HubError(429, "ops_quota", retry_after=max(1, math.ceil(wait_ms / 1000)))


def precheck(db: HubDb, device: str, ops: int, quota: Quota, *, now_ms: int) -> None:
    """Refuse, before any lock, a push that would exceed the hourly quota.

    Raises:
        HubError: 429 ``ops_quota`` with ``Retry-After``.
    """
    if not ops:
        return
    with db.read() as conn:
        used = _used(conn, device, now_ms)
    _check_hour(used, ops, quota, now_ms)


def _new_records(conn: Connection, ids: set[str]) -> set[str]:
    found: set[str] = set()
    listed = sorted(ids)
    records = tables.reg_records
    for i in range(0, len(listed), 500):
        chunk = listed[i : i + 500]
        found.update(
            conn.execute(select(records.c.id).where(records.c.id.in_(chunk))).scalars()
        )
    return ids - found


def admit(
    conn: Connection,
    checked: CheckedPush,
    *,
    device: str,
    role: str,
    quota: Quota,
    now_ms: int,
) -> tuple[CheckedPush, set[str]]:
    """Apply the quotas to a push about to be applied (device row locked).

    Returns the push with the ops of records past the entry cap refused, and the
    ids of the new records it may create.

    Raises:
        HubError: 429 ``ops_quota`` with ``Retry-After``.
    """
    if not checked.batch.ops:
        return checked, set()
    used = _used(conn, device, now_ms)
    _check_hour(used, len(checked.batch.ops), quota, now_ms)
    new = _new_records(conn, {op.record_id for op in checked.ops})
    if role == Role.COORDINATOR.value or not new:
        return checked, new
    room = max(0, quota.entries_per_device - used.entries)
    allowed = set(sorted(new, key=lambda rid: _first_index(checked, rid))[:room])
    over = new - allowed
    if not over:
        return checked, new
    ops = [op for op in checked.ops if op.record_id not in over]
    refused = [(op.index, ENTRY_LIMIT) for op in checked.ops if op.record_id in over]
    return replace(checked, ops=ops, rejects=[*checked.rejects, *refused]), allowed


def _first_index(checked: CheckedPush, record_id: str) -> int:
    return min(op.index for op in checked.ops if op.record_id == record_id)


def record(
    conn: Connection,
    checked: CheckedPush,
    *,
    device: str,
    created: set[str],
    rejected: set[int],
    now_ms: int,
) -> None:
    """Count an applied push: its ops in this hour, the records it created."""
    ops = len(checked.batch.ops)
    if not ops:
        return
    made = {
        op.record_id
        for op in checked.ops
        if op.record_id in created and op.index not in rejected
    }
    used = _used(conn, device, now_ms)
    values = {
        "hour_start": used.hour_start,
        "hour_ops": used.hour_ops + ops,
        "entries": used.entries + len(made),
    }
    t = tables.device_quotas
    if used.exists:
        conn.execute(update(t).where(t.c.device == device).values(**values))
    else:
        conn.execute(insert(t).values(device=device, **values))
