"""Record owners: the team that owns each record, stamped from certificates.

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


def downgrade() -> None:
    op.drop_table("record_owners")
