"""Initial hub schema: organisation, devices, batches, streams, registry, packs.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.String(64)


def _org_and_devices() -> None:
    op.create_table(
        "org",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("records_pub", sa.LargeBinary, nullable=False),
        sa.Column("records_wrapped", sa.LargeBinary, nullable=False),
        sa.Column("command_sk", sa.LargeBinary, nullable=False),
        sa.Column("publish_sk", sa.LargeBinary, nullable=False),
        sa.Column("hub_sk", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "enroll_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.BigInteger),
        sa.Column("device", _ID),
    )
    op.create_table(
        "devices",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("ed_pub", sa.LargeBinary, nullable=False),
        sa.Column("x_pub", sa.LargeBinary, nullable=False),
        sa.Column("cert", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("enrolled_at", sa.BigInteger, nullable=False),
        sa.Column("last_seen", sa.BigInteger),
        sa.Column("last_batch", sa.BigInteger, nullable=False),
        sa.Column("cmd_pending", sa.Boolean, nullable=False),
    )
    op.create_table(
        "batches",
        sa.Column("device", _ID, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("digest", sa.LargeBinary, nullable=False),
        sa.Column("ack", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "nonces",
        sa.Column("device", _ID, primary_key=True),
        sa.Column("nonce", sa.String(32), primary_key=True),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_nonces_expires_at", "nonces", ["expires_at"])
    op.create_table(
        "commands",
        sa.Column("device", _ID, primary_key=True),
        sa.Column("n", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("signed", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("delivered_at", sa.BigInteger),
    )


def _streams() -> None:
    counters = op.create_table(
        "stream_counters",
        sa.Column("stream", sa.String(32), primary_key=True),
        sa.Column("next", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        counters, [{"stream": "registry", "next": 0}, {"stream": "sealed", "next": 0}]
    )
    op.create_table(
        "sealed_batches",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("device", _ID, nullable=False),
        sa.Column("batch", sa.BigInteger, nullable=False),
        sa.Column("ct", sa.LargeBinary, nullable=False),
        sa.Column("sig", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("received_at", sa.BigInteger, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Ciphertext does not compress: skip TOAST's compression attempt.
        op.execute("ALTER TABLE sealed_batches ALTER COLUMN ct SET STORAGE EXTERNAL")
    op.create_table(
        "packs",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("manifest", sa.LargeBinary, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("published_at", sa.BigInteger, nullable=False),
    )


def _registry() -> None:
    op.create_table(
        "registry_records",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "registry_fields",
        sa.Column("record_id", sa.String(32), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("hlc", sa.String(40), nullable=False),
        sa.Column("device", _ID, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "registry_losers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("hlc", sa.String(40), nullable=False),
        sa.Column("device", _ID, nullable=False),
    )
    op.create_index("ix_registry_losers_record_id", "registry_losers", ["record_id"])
    op.create_table(
        "registry_aliases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("akey", sa.String(200), nullable=False),
        sa.Column("alias", sa.String(200), nullable=False),
        sa.Column("device", _ID, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_registry_aliases_record_id", "registry_aliases", ["record_id"])
    op.create_table(
        "registry_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("record_id", sa.String(32), nullable=False),
    )


def upgrade() -> None:
    """Create every table."""
    _org_and_devices()
    _streams()
    _registry()


def downgrade() -> None:
    """Drop every table."""
    for name in (
        "registry_log",
        "registry_aliases",
        "registry_losers",
        "registry_fields",
        "registry_records",
        "packs",
        "sealed_batches",
        "stream_counters",
        "commands",
        "nonces",
        "batches",
        "devices",
        "enroll_codes",
        "org",
    ):
        op.drop_table(name)
