"""Batches that arrive in parts: what the hub holds of each device's next batch.

A device on a link that drops every few seconds sends its frozen batch in parts
sized to the link (``Push.off``/``total``/``digest``). Each part is a complete,
signed request; the hub appends what is new to the device's one upload row, in
the request's write transaction with the device row locked, and answers with the
bytes it holds. A cut therefore loses at most the part in flight. Once the hub
holds ``total`` bytes matching ``digest``, the batch is applied as if it had come
whole, and the row goes.

Bounds: one upload per device (a new batch number or digest replaces it), never
more than the hub's body limit.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from hub import tables
from hub.errors import HubError
from models.wire import Push, batch_digest

__all__ = ["receive_part"]


def receive_part(
    conn: Connection, push: Push, device: str, *, max_total: int, now_ms: int
) -> bytes | int:
    """Add ``push``'s part to the device's upload.

    Returns the whole batch once every byte is there (the row is deleted), else
    how many bytes the hub now holds.

    Raises:
        HubError: 413 ``body_too_large`` when ``total`` is over the limit.
    """
    assert push.total is not None and push.digest is not None
    if push.total > max_total:
        raise HubError(413, "body_too_large")
    up = tables.uploads
    row = conn.execute(
        select(up.c.seq, up.c.digest, up.c.total, up.c.data).where(
            up.c.device == device
        )
    ).first()
    same = (
        row is not None
        and row.seq == push.seq
        and bytes(row.digest) == push.digest
        and row.total == push.total
    )
    held = bytes(row.data) if same and row is not None else b""
    if push.off > len(held):
        return len(held)  # a gap: the device resends from what the hub holds
    end = push.off + len(push.batch)
    if end > len(held):
        held += push.batch[len(held) - push.off :]
    if len(held) == push.total:
        conn.execute(delete(up).where(up.c.device == device))
        if batch_digest(held) == push.digest:
            return held
        return 0  # damaged on the way: start again
    values = {
        "seq": push.seq,
        "digest": push.digest,
        "total": push.total,
        "data": held,
        "updated_at": now_ms,
    }
    if row is None:
        conn.execute(insert(up).values(device=device, **values))
    else:
        conn.execute(update(up).where(up.c.device == device).values(**values))
    return len(held)
