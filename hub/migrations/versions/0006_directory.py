"""Device directory and sealed registry fields.

* The ``directory`` stream counter (devices pull the certificates they seal to).
* ``registry_records.team``: the team a follow-up is assigned to; the hub serves
  it to that team's devices and the coordinators only (NULL: every device).
* Private fields stored in plaintext by earlier hubs (a follow-up's title,
  notes, contact, actor, due date and status; an actor's notes, influence and
  stance; a place's notes) are deleted: from now on they arrive only sealed.
  Devices keep their own copies; the next edit sends them sealed.

Revision ID: 0006
Revises: 0003
"""

from __future__ import annotations

import msgpack
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copy of each kind's private fields at this revision.
_PRIVATE = {
    "follow_up": ("contact_id", "actor_id", "title", "notes", "due", "status"),
    "actor": ("influence", "stance", "notes"),
    "place": ("notes",),
}

_records = sa.table(
    "registry_records",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("team", sa.String),
)
_fields = sa.table(
    "registry_fields",
    sa.column("record_id", sa.String),
    sa.column("field", sa.String),
    sa.column("value", sa.LargeBinary),
)
_losers = sa.table(
    "registry_losers", sa.column("record_id", sa.String), sa.column("field", sa.String)
)


def _route_follow_ups(conn: sa.Connection) -> None:
    teams = conn.execute(
        sa.select(_fields.c.record_id, _fields.c.value)
        .join(_records, _records.c.id == _fields.c.record_id)
        .where(_records.c.kind == "follow_up", _fields.c.field == "team")
    ).all()
    found = {row.record_id: msgpack.unpackb(bytes(row.value)) for row in teams}
    ids = conn.execute(
        sa.select(_records.c.id).where(_records.c.kind == "follow_up")
    ).scalars()
    for record_id in ids:
        team = found.get(record_id)
        conn.execute(
            sa.update(_records)
            .where(_records.c.id == record_id)
            .values(team=team if isinstance(team, str) else "")
        )


def _purge_plaintext(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete=ON")  # zero what is deleted
    for kind, names in _PRIVATE.items():
        ids = sa.select(_records.c.id).where(_records.c.kind == kind)
        for table in (_fields, _losers):
            conn.execute(
                sa.delete(table).where(
                    table.c.record_id.in_(ids), table.c.field.in_(names)
                )
            )


def upgrade() -> None:
    counters = sa.table(
        "stream_counters", sa.column("stream", sa.String), sa.column("next", sa.Integer)
    )
    # 1, not 0: a device that never pulled the directory (cursor 0) gets it.
    op.bulk_insert(counters, [{"stream": "directory", "next": 1}])
    op.add_column("registry_records", sa.Column("team", sa.String(200)))
    conn = op.get_bind()
    _route_follow_ups(conn)
    _purge_plaintext(conn)


def downgrade() -> None:
    with op.batch_alter_table("registry_records") as batch:
        batch.drop_column("team")
    op.execute("DELETE FROM stream_counters WHERE stream = 'directory'")
