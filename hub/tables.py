"""The hub's tables (SQLAlchemy Core); ``hub/migrations`` owns the DDL.

Contacts and checkpoint logs exist here only as ciphertext (``sealed_batches.ct``)
with a minimal envelope: device, batch number, size, arrival time. The private
fields of registry records (a follow-up's content, an entry's notes) exist only as
envelopes in ``registry_fields`` cells named ``~...`` (``models.wire.private``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = [
    "audit_head",
    "audit_log",
    "batches",
    "commands",
    "counters",
    "devices",
    "enroll_codes",
    "export_reports",
    "metadata",
    "nonces",
    "org",
    "packs",
    "reg_aliases",
    "reg_fields",
    "reg_log",
    "reg_losers",
    "reg_records",
    "record_owners",
    "sealed",
    "uploads",
]

metadata = MetaData()

org = Table(
    "org",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("records_pub", LargeBinary, nullable=False),
    Column("records_wrapped", LargeBinary, nullable=False),
    Column("command_sk", LargeBinary, nullable=False),
    Column("publish_sk", LargeBinary, nullable=False),
    Column("hub_sk", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
enroll_codes = Table(
    "enroll_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("team", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger),
    Column("device", String(64)),
)
devices = Table(
    "devices",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("team", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("ed_pub", LargeBinary, nullable=False),
    Column("x_pub", LargeBinary, nullable=False),
    Column("cert", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("enrolled_at", BigInteger, nullable=False),
    Column("last_seen", BigInteger),
    Column("last_batch", BigInteger, nullable=False),
    Column("cmd_pending", Boolean, nullable=False),
)
batches = Table(
    "batches",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("digest", LargeBinary, nullable=False),
    Column("ack", LargeBinary, nullable=False),
    Column("received_at", BigInteger, nullable=False),
)
nonces = Table(
    "nonces",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("nonce", String(32), primary_key=True),
    Column("expires_at", BigInteger, nullable=False, index=True),
)
counters = Table(
    "stream_counters",
    metadata,
    Column("stream", String(32), primary_key=True),
    Column("next", BigInteger, nullable=False),
)
sealed = Table(
    "sealed_batches",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("device", String(64), nullable=False),
    Column("batch", BigInteger, nullable=False),
    Column("ct", LargeBinary, nullable=False),
    Column("sig", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    # msgpack of the revisions the author declares (``SealedPart.revs``).
    Column("decl", LargeBinary),
)
# One batch upload in progress per device: the bytes of a frozen batch received
# so far, in parts sized to the device's link (``hub.uploads``).
uploads = Table(
    "uploads",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("digest", LargeBinary, nullable=False),
    Column("total", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
reg_records = Table(
    "registry_records",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("seq", BigInteger, nullable=False),
    # Follow-ups: the assigned team, the only devices (with coordinators) served it.
    Column("team", String(200)),
)
# Who owns a record (``models.authority``): the team of its first revision (a
# registry entry: the team that created it; a follow-up: the team it is
# assigned to), and the device that created it. Stamped from certificates.
record_owners = Table(
    "record_owners",
    metadata,
    Column("record_id", String(32), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("team", String(200), nullable=False),
    Column("creator", String(64), nullable=False),
)
reg_fields = Table(
    "registry_fields",
    metadata,
    Column("record_id", String(32), primary_key=True),
    Column("field", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
    Column("hlc", String(40), nullable=False),
    Column("device", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
reg_losers = Table(
    "registry_losers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(32), nullable=False, index=True),
    Column("field", String(64), nullable=False),
    Column("value", LargeBinary, nullable=False),
    Column("hlc", String(40), nullable=False),
    Column("device", String(64), nullable=False),
)
reg_aliases = Table(
    "registry_aliases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(32), nullable=False, index=True),
    Column("akey", Text, nullable=False),
    Column("alias", Text, nullable=False),
    Column("device", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("removed", Boolean, nullable=False),
)
reg_log = Table(
    "registry_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("record_id", String(32), nullable=False),
)
commands = Table(
    "commands",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("signed", LargeBinary, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger),
)
packs = Table(
    "packs",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("manifest", LargeBinary, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("published_at", BigInteger, nullable=False),
)
# The audit log (``hub.audit``): a hash chain, and its head, the appenders' lock.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", BigInteger, nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("detail", Text, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    Column("sig", LargeBinary, nullable=False),
)
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", LargeBinary, nullable=False),
    Column("sig", LargeBinary, nullable=False),
)
# Exports devices reported, by their own id: a resent report is recorded once.
export_reports = Table(
    "export_reports",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("id", String(32), primary_key=True),
    Column("received_at", BigInteger, nullable=False),
)
device_quotas = Table(
    "device_quotas",
    metadata,
    Column("device", String(64), primary_key=True),
    Column("hour_start", BigInteger, nullable=False),
    Column("hour_ops", Integer, nullable=False),
    Column("entries", Integer, nullable=False),
)
