"""Request authentication: Ed25519 signatures, time window, nonces, revocation."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from hub import tables
from hub.db import HubDb
from hub.errors import HubError
from models.keys import CryptoError, verify
from models.wire import AuthFields, WireError, b64e, parse_auth, request_message

__all__ = ["DeviceRow", "authenticate", "claim_nonce", "revoked_error"]

_PRUNE_ODDS = 0.01


@dataclass(frozen=True)
class DeviceRow:
    """What the hub knows about an enrolled device."""

    id: str
    team: str
    role: str
    ed_pub: bytes
    status: str
    last_batch: int


def _load_device(conn: Connection, device: str) -> DeviceRow | None:
    row = conn.execute(
        select(tables.devices).where(tables.devices.c.id == device)
    ).first()
    if row is None:
        return None
    return DeviceRow(
        id=row.id,
        team=row.team,
        role=row.role,
        ed_pub=bytes(row.ed_pub),
        status=row.status,
        last_batch=int(row.last_batch),
    )


def revoked_error(conn: Connection, device: str) -> HubError:
    """The 403 a revoked device gets, carrying its hub-signed wipe command."""
    row = conn.execute(
        select(tables.commands.c.signed)
        .where(tables.commands.c.device == device, tables.commands.c.kind == "wipe")
        .order_by(tables.commands.c.n.desc())
    ).first()
    extra = {"command": b64e(bytes(row.signed))} if row is not None else {}
    return HubError(403, "device_revoked", **extra)


def authenticate(
    db: HubDb,
    *,
    header: str | None,
    method: str,
    path: str,
    body: bytes,
    now_ms: int,
    window_ms: int,
) -> tuple[AuthFields, DeviceRow]:
    """Check a signed request; return its fields and the device.

    The nonce is claimed later, inside the request's write transaction.

    Raises:
        HubError: 401 ``unsigned``, ``malformed_auth``, ``stale_request`` (with
            ``server_time``), ``unknown_device``, ``bad_signature``; 403
            ``device_revoked`` (with the signed wipe ``command``).
    """
    try:
        fields = parse_auth(header)
    except WireError as exc:
        code = "unsigned" if exc.code == "unsigned" else "malformed_auth"
        raise HubError(401, code) from None
    if abs(fields.ts - now_ms) > window_ms:
        raise HubError(401, "stale_request", server_time=now_ms)
    with db.read() as conn:
        device = _load_device(conn, fields.device)
        if device is None:
            raise HubError(401, "unknown_device")
        message = request_message(
            method=method,
            path=path,
            device=fields.device,
            ts=fields.ts,
            nonce=fields.nonce,
            body=body,
        )
        try:
            verify(device.ed_pub, fields.sig, message)
        except CryptoError:
            raise HubError(401, "bad_signature") from None
        if device.status != "active":
            raise revoked_error(conn, device.id)
    return fields, device


def claim_nonce(
    db: HubDb, conn: Connection, fields: AuthFields, *, now_ms: int, window_ms: int
) -> None:
    """Record a request's nonce; a second use is a replay.

    Raises:
        HubError: 401 ``replay``.
    """
    stmt = (
        db.insert_ignore(tables.nonces)
        .values(
            device=fields.device, nonce=fields.nonce, expires_at=fields.ts + window_ms
        )
        .returning(tables.nonces.c.nonce)
    )
    if conn.execute(stmt).first() is None:
        raise HubError(401, "replay")
    if random.random() < _PRUNE_ODDS:
        conn.execute(delete(tables.nonces).where(tables.nonces.c.expires_at < now_ms))


def lock_device(conn: Connection, device: str) -> DeviceRow:
    """Lock a device row for this transaction and return its current state.

    Raises:
        HubError: 403 ``device_revoked`` if it was revoked meanwhile.
    """
    row = conn.execute(
        select(tables.devices).where(tables.devices.c.id == device).with_for_update()
    ).first()
    if row is None or row.status != "active":
        raise revoked_error(conn, device)
    return DeviceRow(
        id=row.id,
        team=row.team,
        role=row.role,
        ed_pub=bytes(row.ed_pub),
        status=row.status,
        last_batch=int(row.last_batch),
    )
