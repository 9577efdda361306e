"""Registry aliases as unbounded text: a case-folded alias can outgrow its spelling.

``"ß" * 200`` folds to 400 characters; in a ``varchar(200)`` PostgreSQL refused it
with an error (a 500) where SQLite, which ignores lengths, accepted it. Lengths
are checked once, by the shared text rule, before anything is stored.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite does not enforce declared lengths
    for column in ("akey", "alias"):
        op.alter_column("registry_aliases", column, type_=sa.Text())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in ("akey", "alias"):
        op.alter_column(
            "registry_aliases",
            column,
            type_=sa.String(200),
            postgresql_using=f"left({column}, 200)",
        )
