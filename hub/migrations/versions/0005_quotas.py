"""Per-device quotas: registry ops in the current hour, registry entries created.

Revision ID: 0005
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_quotas",
        sa.Column("device", sa.String(64), primary_key=True),
        sa.Column("hour_start", sa.BigInteger, nullable=False),
        sa.Column("hour_ops", sa.Integer, nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("device_quotas")
