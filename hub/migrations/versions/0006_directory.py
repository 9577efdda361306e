"""The device directory's version counter; follow-ups routed by team.

Revision ID: 0006
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = sa.table(
        "stream_counters", sa.column("stream", sa.String), sa.column("next", sa.Integer)
    )
    # 1, not 0: a device that never pulled the directory (cursor 0) gets it.
    op.bulk_insert(counters, [{"stream": "directory", "next": 1}])
    # The team a follow-up is assigned to: the hub serves it to that team's devices
    # and to coordinators only. NULL for actors and places (every device).
    op.add_column("registry_records", sa.Column("team", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("registry_records") as batch:
        batch.drop_column("team")
    op.execute("DELETE FROM stream_counters WHERE stream = 'directory'")
