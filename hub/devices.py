"""Device administration: list, revoke, remote wipe, and hub-signed commands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from hub import audit, tables
from hub.db import HubDb
from hub.directory import directory_changed
from hub.orgkeys import OrgKeys
from models.wire import (
    COMMAND_CONTEXT,
    Command,
    Signed,
    pack_signed,
    sign_model,
    unpack_signed,
)

__all__ = [
    "DeviceInfo",
    "UnknownDevice",
    "find_device",
    "list_devices",
    "pending_commands",
    "revoke",
    "wipe",
]


class UnknownDevice(LookupError):
    """No device, or more than one, matches what was typed."""


@dataclass(frozen=True)
class DeviceInfo:
    """One line of ``parley-hub devices``."""

    id: str
    team: str
    role: str
    status: str
    enrolled_at: int
    last_seen: int | None
    last_batch: int


def list_devices(db: HubDb) -> list[DeviceInfo]:
    """Every enrolled device, oldest first."""
    t = tables.devices
    with db.read() as conn:
        rows = conn.execute(select(t).order_by(t.c.enrolled_at)).all()
    return [
        DeviceInfo(
            r.id, r.team, r.role, r.status, r.enrolled_at, r.last_seen, r.last_batch
        )
        for r in rows
    ]


def find_device(db: HubDb, prefix: str) -> str:
    """Resolve a device id or an unambiguous prefix of one.

    Raises:
        UnknownDevice: if none or several match.
    """
    t = tables.devices
    with db.read() as conn:
        ids = list(
            conn.execute(
                select(t.c.id).where(t.c.id.startswith(prefix.lower()))
            ).scalars()
        )
    if len(ids) != 1 or not prefix:
        raise UnknownDevice(prefix)
    return str(ids[0])


def _command(
    conn: Connection, keys: OrgKeys, device: str, kind: str, now_ms: int
) -> None:
    t = tables.commands
    last = conn.execute(select(func.max(t.c.n)).where(t.c.device == device)).scalar()
    n = int(last or 0) + 1
    signed = sign_model(
        keys.command_sk,
        Command(device=device, kind=kind, n=n, at=now_ms),
        context=COMMAND_CONTEXT,
    )
    conn.execute(
        insert(t).values(
            device=device, n=n, kind=kind, signed=pack_signed(signed), created_at=now_ms
        )
    )


def _audit(
    conn: Connection, keys: OrgKeys, action: str, device: str, now_ms: int
) -> None:
    t = tables.devices
    row = conn.execute(select(t.c.team, t.c.role).where(t.c.id == device)).first()
    detail = {"team": row.team, "role": row.role} if row is not None else {}
    audit.append(
        conn,
        keys.command_sk,
        action=action,
        actor="operator",
        subject=device,
        at=now_ms,
        detail=detail,
    )


def revoke(db: HubDb, keys: OrgKeys, device: str, *, now_ms: int) -> None:
    """Revoke now: every later request gets 403 and a signed wipe command."""
    with db.write() as conn:
        _command(conn, keys, device, "wipe", now_ms)
        conn.execute(
            update(tables.devices)
            .where(tables.devices.c.id == device)
            .values(status="revoked")
        )
        directory_changed(conn)
        _audit(conn, keys, "revoke", device, now_ms)


def wipe(db: HubDb, keys: OrgKeys, device: str, *, now_ms: int) -> None:
    """Queue a signed wipe for the device's next sync; it is revoked once delivered."""
    with db.write() as conn:
        _command(conn, keys, device, "wipe", now_ms)
        conn.execute(
            update(tables.devices)
            .where(tables.devices.c.id == device)
            .values(cmd_pending=True)
        )
        directory_changed(conn)  # no new content is sealed to a device being wiped
        _audit(conn, keys, "wipe", device, now_ms)


def pending_commands(conn: Connection, device: str, *, now_ms: int) -> list[Signed]:
    """Commands not yet delivered to ``device``; delivering a wipe revokes it.

    Only called when the device row's ``cmd_pending`` flag is set.
    """
    t = tables.commands
    rows = conn.execute(
        select(t)
        .where(t.c.device == device, t.c.delivered_at.is_(None))
        .order_by(t.c.n)
    ).all()
    if not rows:
        return []
    conn.execute(
        update(t)
        .where(t.c.device == device, t.c.delivered_at.is_(None))
        .values(delivered_at=now_ms)
    )
    status = "revoked" if any(row.kind == "wipe" for row in rows) else "active"
    conn.execute(
        update(tables.devices)
        .where(tables.devices.c.id == device)
        .values(status=status, cmd_pending=False)
    )
    if status == "revoked":
        directory_changed(conn)
    return [unpack_signed(bytes(row.signed)) for row in rows]
