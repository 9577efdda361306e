"""Applying one pushed batch, idempotent by per-device batch number.

* ``seq <= last``: return the stored acknowledgement (``duplicate``), or 409
  ``batch_mismatch`` if the bytes differ from what was acknowledged.
* ``seq > last + 1``: 409 ``batch_gap`` with ``last_batch_seq``.
* otherwise apply: registry ops merge (bad ones rejected with a code), the sealed
  part is stored as ciphertext, and the acknowledgement is stored with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import msgpack
from sqlalchemy import Connection, insert, select

from hub import tables
from hub.auth import DeviceKeys, DeviceRow
from hub.db import HubDb
from hub.errors import HubError
from hub.regcheck import Op, Signer, check_ops
from hub.registry import apply_ops
from hub.streams import bump
from models.authority import Writer
from models.keys import CryptoError, verify
from models.wire import (
    MAX_BATCH_OPS,
    Ack,
    Batch,
    Push,
    WireError,
    parse,
    seal_message,
)

__all__ = ["CheckedPush", "apply_push", "check_push", "stored_ack", "store_sealed"]


@dataclass(frozen=True)
class CheckedPush:
    """A push whose signature and op shapes were checked outside any lock."""

    push: Push
    batch: Batch
    digest: bytes
    ops: list[Op]
    rejects: list[tuple[int, str]]


def check_push(
    push: Push,
    device: DeviceKeys,
    *,
    now_ms: int,
    max_future_ms: int,
    command_key: bytes,
    max_ops: int = MAX_BATCH_OPS,
) -> CheckedPush:
    """Parse and check a push before the write transaction.

    Raises:
        HubError: 400 ``malformed_batch`` or ``bad_batch_signature``; 413
            ``too_many_ops`` past ``max_ops`` registry ops (counted before any
            op is parsed).
    """
    try:
        obj = msgpack.unpackb(push.batch, raw=False, strict_map_key=True)
        raw_ops = obj.get("ops") if isinstance(obj, dict) else None
        if isinstance(raw_ops, list) and len(raw_ops) > max_ops:
            raise HubError(413, "too_many_ops", max_ops=max_ops)
        batch = parse(Batch, obj)
    except (ValueError, TypeError, msgpack.UnpackException, WireError):
        raise HubError(400, "malformed_batch") from None
    if batch.device != device.id or batch.seq != push.seq:
        raise HubError(400, "malformed_batch")
    if batch.sealed is not None:
        message = seal_message(device.id, batch.seq, batch.sealed.ct)
        try:
            verify(device.ed_pub, batch.sealed.sig, message)
        except CryptoError:
            raise HubError(400, "bad_batch_signature") from None
    signer = Signer(device.id, device.team, command_key)
    ops, rejects = check_ops(
        batch.ops, now_ms=now_ms, max_future_ms=max_future_ms, signer=signer
    )
    digest = hashlib.sha256(push.batch).digest()
    return CheckedPush(push, batch, digest, ops, rejects)


def stored_ack(
    conn: Connection, device: str, seq: int, digest: bytes, last: int
) -> Ack:
    """The acknowledgement stored for batch ``seq``, marked ``duplicate``.

    Raises:
        HubError: 409 ``batch_mismatch`` when ``digest`` is not the stored one.
    """
    row = conn.execute(
        select(tables.batches.c.digest, tables.batches.c.ack).where(
            tables.batches.c.device == device, tables.batches.c.seq == seq
        )
    ).first()
    if row is None or bytes(row.digest) != digest:
        raise HubError(409, "batch_mismatch", last_batch_seq=last)
    stored = Ack.model_validate(msgpack.unpackb(bytes(row.ack), raw=False))
    return stored.model_copy(update={"status": "duplicate"})


def apply_push(
    db: HubDb,
    conn: Connection,
    checked: CheckedPush,
    device: DeviceRow,
    *,
    now_ms: int,
    enforce: bool = True,
) -> Ack:
    """Apply a checked push inside ``conn``'s transaction (device row already locked).

    Registry ops are held to :mod:`models.authority` with the writer stamped
    from the device's enrolled certificate (``enforce`` off: the relay test hub).

    The caller records the new ``last_batch`` when the status is ``applied``, and
    calls :func:`store_sealed` as the transaction's last statement.

    Raises:
        HubError: 409 ``batch_mismatch`` or ``batch_gap`` (with ``last_batch_seq``).
    """
    seq, last = checked.push.seq, device.last_batch
    if seq <= last:
        return stored_ack(conn, device.id, seq, checked.digest, last)
    if seq > last + 1:
        raise HubError(409, "batch_gap", last_batch_seq=last)
    batch = checked.batch
    rejects = list(checked.rejects)
    if checked.ops:
        writer = Writer(device.id, device.team, device.role) if enforce else None
        rejects += apply_ops(
            db, conn, checked.ops, device=device.id, ctx=batch.ctx, writer=writer
        )
    ack = Ack(
        seq=seq,
        status="applied",
        rejects=sorted(rejects),
        ops=len(batch.ops),
        sealed=batch.sealed is not None,
    )
    conn.execute(
        insert(tables.batches).values(
            device=device.id,
            seq=seq,
            digest=checked.digest,
            ack=msgpack.packb(ack.dump(), use_bin_type=True),
            received_at=now_ms,
        )
    )
    return ack


def store_sealed(
    conn: Connection, checked: CheckedPush, device: str, *, now_ms: int
) -> None:
    """Number and store an applied batch's sealed part.

    Run last, just before commit: the stream counter row stays locked from here to
    the commit, and every other sealed push waits for it.
    """
    part = checked.batch.sealed
    if part is None:
        return
    conn.execute(
        insert(tables.sealed).values(
            seq=bump(conn, "sealed", 1),
            device=device,
            batch=checked.push.seq,
            ct=part.ct,
            sig=part.sig,
            size=len(part.ct),
            received_at=now_ms,
        )
    )
