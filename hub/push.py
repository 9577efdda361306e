"""Applying one pushed batch, idempotent by per-device batch number.

* ``seq <= last``: return the stored acknowledgement (``duplicate``), or 409
  ``batch_mismatch`` if the bytes differ from what was acknowledged.
* ``seq > last + 1``: 409 ``batch_gap`` with ``last_batch_seq``.
* otherwise apply: registry ops merge (bad ones rejected with a code), the sealed
  part is stored as ciphertext, and the acknowledgement is stored with it.
"""

from __future__ import annotations

import hashlib
import uuid
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
from models.authority import Writer, claim_refusal, owner_after, record_refusal
from models.keys import CryptoError, verify
from models.wire import (
    MAX_BATCH_OPS,
    Ack,
    Batch,
    Declared,
    Push,
    WireError,
    declared_claims,
    parse,
    seal_message,
)

__all__ = [
    "CheckedPush",
    "apply_push",
    "check_push",
    "sealed_index",
    "sealed_refusals",
    "store_sealed",
    "stored_ack",
]


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
        part = batch.sealed
        message = seal_message(device.id, batch.seq, part.ct, part.revs)
        try:
            verify(device.ed_pub, part.sig, message)
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
    writer = Writer(device.id, device.team, device.role)
    sealed = batch.sealed is not None
    if batch.sealed is not None and enforce:
        refused = sealed_refusals(conn, batch.sealed.revs, writer)
        rejects += refused
        sealed = not refused
    if checked.ops:
        rejects += apply_ops(
            db,
            conn,
            checked.ops,
            device=device.id,
            ctx=batch.ctx,
            writer=writer if enforce else None,
        )
    ack = Ack(
        seq=seq,
        status="applied",
        rejects=sorted(rejects),
        ops=len(batch.ops),
        sealed=sealed,
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


def sealed_index(n: int) -> int:
    """The reject index of a sealed part's ``n``-th declared revision (ops count
    up from 0, declared revisions down from -1)."""
    return -1 - n


def sealed_refusals(
    conn: Connection, revs: list[Declared], writer: Writer
) -> list[tuple[int, str]]:
    """The shared rules for every revision a sealed part declares.

    One ciphertext cannot be stored in part: when any revision is refused, the
    part is not stored, its refused revisions get their code and the others
    ``part_refused``.
    """
    owners = _owners(conn, [uuid.UUID(bytes=r[0]).hex for r in revs])
    codes: list[str | None] = []
    signer = (writer.team, writer.device)
    for decl in revs:
        rid = uuid.UUID(bytes=decl[0]).hex
        team, device = declared_claims(decl, signer=signer)
        code = claim_refusal(writer, device=device, team=team) or record_refusal(
            writer, owner=owners.get(rid)
        )
        if code is None and rid not in owners:
            owners[rid] = owner_after(writer, owner=None, team=team)
        codes.append(code)
    if not any(codes):
        return []
    return [(sealed_index(n), code or "part_refused") for n, code in enumerate(codes)]


def _owners(conn: Connection, ids: list[str]) -> dict[str, str]:
    o = tables.record_owners
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(o.c.record_id, o.c.team).where(o.c.record_id.in_(chunk))
        out.update({row.record_id: row.team for row in conn.execute(query)})
    return out


def _claim_owners(
    db: HubDb, conn: Connection, revs: list[Declared], signer: tuple[str, str]
) -> None:
    """Record the owner of every sealed record first seen in this part (a
    concurrent first claim of the same id keeps the one that committed first)."""
    firsts: dict[str, str] = {}
    for decl in revs:
        team, _ = declared_claims(decl, signer=signer)
        firsts.setdefault(uuid.UUID(bytes=decl[0]).hex, team)
    known = _owners(conn, list(firsts))
    for rid, team in firsts.items():
        if rid not in known:
            conn.execute(
                db.insert_ignore(tables.record_owners).values(
                    record_id=rid, kind="sealed", team=team, creator=signer[1]
                )
            )


def store_sealed(
    db: HubDb, conn: Connection, checked: CheckedPush, device: DeviceRow, *, now_ms: int
) -> None:
    """Number and store an applied batch's sealed part (if it was not refused),
    with the revisions it declares, and the owners of the records it creates.

    Run last, just before commit: the stream counter row stays locked from here to
    the commit, and every other sealed push waits for it.
    """
    part = checked.batch.sealed
    if part is None:
        return
    _claim_owners(db, conn, part.revs, (device.team, device.id))
    conn.execute(
        insert(tables.sealed).values(
            seq=bump(conn, "sealed", 1),
            device=device.id,
            batch=checked.push.seq,
            ct=part.ct,
            sig=part.sig,
            size=len(part.ct),
            received_at=now_ms,
            decl=msgpack.packb([list(r) for r in part.revs], use_bin_type=True),
        )
    )
