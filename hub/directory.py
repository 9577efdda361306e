"""The device directory each device seals to, and its version counter.

The ``directory`` stream counter is bumped in the transaction that enrolls or
revokes a device, so a device whose cursor is behind it gets the new list.
"""

from __future__ import annotations

from sqlalchemy import Connection, or_, select

from hub import tables
from hub.streams import bump, position
from models.enums import Role
from models.wire import Directory, unpack_signed

__all__ = ["DIRECTORY_STREAM", "directory_changed", "directory_for"]

DIRECTORY_STREAM = "directory"


def directory_changed(conn: Connection) -> None:
    """Mark the directory changed (call inside the enrolling or revoking write)."""
    bump(conn, DIRECTORY_STREAM, 1)


def directory_for(
    conn: Connection, *, team: str, role: str, cursor: int
) -> Directory | None:
    """The active devices a device of ``team``/``role`` seals to, when newer than
    ``cursor``: its own team's and every coordinator's (a coordinator: all).

    A revoked device, or one with a wipe on its way, is left out.
    """
    version = position(conn, DIRECTORY_STREAM)
    if version <= cursor:
        return None
    t = tables.devices
    active = (t.c.status == "active") & t.c.cmd_pending.is_(False)
    query = select(t.c.cert).where(active).order_by(t.c.id)
    if role != Role.COORDINATOR.value:
        query = query.where(or_(t.c.team == team, t.c.role == Role.COORDINATOR.value))
    certs = [unpack_signed(bytes(row.cert)) for row in conn.execute(query)]
    return Directory(version=version, certs=certs)
