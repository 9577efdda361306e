"""Stream sequence numbers that follow commit order.

Each stream has a counter row, bumped inside the writing transaction. The row lock
is held until commit, so no transaction can take number N+1 and commit while the
holder of N is still open: a reader that has seen N+1 has seen N. (A database
sequence would not do: ``nextval`` is immediate, commit is not.) SQLite has one
writer at a time, which gives the same order.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from hub import tables

__all__ = ["bump", "lock_counter", "position"]


def lock_counter(conn: Connection, stream: str) -> int:
    """Lock a stream's counter row for this transaction; return its value."""
    row = conn.execute(
        select(tables.counters.c.next)
        .where(tables.counters.c.stream == stream)
        .with_for_update()
    ).first()
    if row is None:
        raise KeyError(stream)
    return int(row.next)


def bump(conn: Connection, stream: str, count: int) -> int:
    """Reserve ``count`` numbers on ``stream``; return the first of them."""
    counter = tables.counters
    last = conn.execute(
        update(counter)
        .where(counter.c.stream == stream)
        .values(next=counter.c.next + count)
        .returning(counter.c.next)
    ).scalar_one()
    return int(last) - count + 1


def position(conn: Connection, stream: str) -> int:
    """The last number handed out on ``stream``, as this snapshot sees it."""
    row = conn.execute(
        select(tables.counters.c.next).where(tables.counters.c.stream == stream)
    ).first()
    return int(row.next) if row is not None else 0
