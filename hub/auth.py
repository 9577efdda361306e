"""Request authentication: Ed25519 signatures, time window, nonces, revocation.

A device's public key and role never change, so each hub process caches them;
its status is read again inside every request's write transaction, so a
revocation takes effect at the next request on every process.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, replace

from sqlalchemy import Connection, delete, select

from hub import tables
from hub.courier import courier_public
from hub.db import HubDb
from hub.errors import HubError
from models.keys import CryptoError, verify
from models.wire import AuthFields, WireError, b64e, parse_auth, request_message

__all__ = [
    "DeviceKeys",
    "DeviceRow",
    "KeyCache",
    "authenticate",
    "claim_nonce",
    "lock_device",
    "revoked_error",
]

_PRUNE_ODDS = 0.01
_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class DeviceKeys:
    """What never changes about an enrolled device."""

    id: str
    role: str
    ed_pub: bytes
    team: str = ""
    #: the request was signed by the device's courier key (push-only)
    courier: bool = False


@dataclass(frozen=True)
class DeviceRow:
    """A device's current state, read under its row lock."""

    id: str
    team: str
    role: str
    status: str
    last_batch: int
    cmd_pending: bool


class KeyCache:
    """Device keys by id, for one hub process (thread-safe, bounded)."""

    def __init__(self) -> None:
        self._keys: dict[str, DeviceKeys] = {}
        self._lock = threading.Lock()

    def get(self, db: HubDb, device: str) -> tuple[DeviceKeys | None, str]:
        """Return the device's keys and the status seen when they were loaded."""
        with self._lock:
            found = self._keys.get(device)
        if found is not None:
            return found, "active"
        with db.read() as conn:
            row = conn.execute(
                select(
                    tables.devices.c.role,
                    tables.devices.c.ed_pub,
                    tables.devices.c.status,
                    tables.devices.c.team,
                ).where(tables.devices.c.id == device)
            ).first()
        if row is None:
            return None, ""
        keys = DeviceKeys(device, row.role, bytes(row.ed_pub), row.team)
        if row.status == "active":
            with self._lock:
                if len(self._keys) >= _CACHE_LIMIT:
                    self._keys.clear()
                self._keys[device] = keys
        return keys, row.status


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
    cache: KeyCache,
    *,
    header: str | None,
    method: str,
    path: str,
    body: bytes,
    now_ms: int,
    window_ms: int,
    courier: str | None = None,
) -> tuple[AuthFields, DeviceKeys]:
    """Check a signed request; return its fields and the device's keys.

    The nonce is claimed and the status re-read later, inside the request's
    write transaction (:func:`claim_nonce`, :func:`lock_device`). With a
    ``courier`` header the request is signed by the courier key it certifies,
    and the keys returned say so (:mod:`hub.courier` limits what it may do).

    Raises:
        HubError: 401 ``unsigned``, ``malformed_auth``, ``stale_request`` (with
            ``server_time``), ``unknown_device``, ``bad_signature``,
            ``bad_courier``; 403 ``device_revoked`` (with the signed wipe
            ``command``).
    """
    try:
        fields = parse_auth(header)
    except WireError as exc:
        code = "unsigned" if exc.code == "unsigned" else "malformed_auth"
        raise HubError(401, code) from None
    if abs(fields.ts - now_ms) > window_ms:
        raise HubError(401, "stale_request", server_time=now_ms)
    keys, status = cache.get(db, fields.device)
    if keys is None:
        raise HubError(401, "unknown_device")
    message = request_message(
        method=method,
        path=path,
        device=fields.device,
        ts=fields.ts,
        nonce=fields.nonce,
        body=body,
    )
    signer = keys.ed_pub
    if courier is not None:
        signer = courier_public(keys.id, keys.ed_pub, courier)
        keys = replace(keys, courier=True)
    try:
        verify(signer, fields.sig, message)
    except CryptoError:
        raise HubError(401, "bad_signature") from None
    if status != "active":
        with db.read() as conn:
            raise revoked_error(conn, keys.id)
    return fields, keys


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
        HubError: 403 ``device_revoked`` (with the signed wipe command).
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
        status=row.status,
        last_batch=int(row.last_batch),
        cmd_pending=bool(row.cmd_pending),
    )
