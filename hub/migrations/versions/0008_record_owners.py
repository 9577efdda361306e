"""Record owners (the team that owns each record, stamped from certificates), and
the revisions a sealed batch declares (record id, team, device) under its
author's signature.

Revision ID: 0008
Revises: 0005 (the head: 0005 was chained after 0007)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_owners",
        sa.Column("record_id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("creator", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("sealed_batches") as batch:
        batch.add_column(sa.Column("decl", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sealed_batches") as batch:
        batch.drop_column("decl")
    op.drop_table("record_owners")
