"""The hub's audit log: one hash chain of what was done to the organisation.

Enrollments, revocations, wipes, guidance packs published and the exports devices
report. Each entry is appended in the transaction of the action it records, so an
action and its entry commit or roll back together. An entry's hash is SHA-256 over
a canonical encoding of the entry and the previous entry's hash; the hash is also
signed by the command key (sealed by the hub key file), so whoever can write the
database but lacks the key file cannot rewrite the chain and make it verify
again. The head row (last number, last hash, signed) is the one lock appenders
take, which keeps the chain in commit order on PostgreSQL, and lets ``verify``
notice entries cut off the end.

No entry carries contact content: ids, teams, roles, versions, counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from hub import tables
from hub.db import HubDb
from models.keys import CryptoError, sign, verify

__all__ = [
    "GENESIS",
    "AuditEntry",
    "Broken",
    "append",
    "entries",
    "entry_hash",
    "head_message",
    "verify_chain",
]

GENESIS = bytes(32)
_ENTRY_CONTEXT = b"parley-audit-v1|"
_HEAD_CONTEXT = b"parley-audit-head-v1|"
Detail = Mapping[str, str | int | bool | None]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log, as stored."""

    seq: int
    at: int
    action: str
    actor: str
    subject: str
    detail: str
    hash: bytes
    sig: bytes

    def details(self) -> dict[str, object]:
        """The detail fields, decoded; empty when the stored text is not JSON."""
        try:
            found = json.loads(self.detail)
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class Broken:
    """Why the chain does not verify, and the first entry concerned."""

    seq: int
    reason: str


def _canonical_detail(detail: Detail) -> str:
    return json.dumps(
        dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def entry_hash(
    *,
    seq: int,
    at: int,
    action: str,
    actor: str,
    subject: str,
    detail: str,
    prev: bytes,
) -> bytes:
    """SHA-256 over the canonical encoding of one entry, then the previous hash."""
    body = json.dumps(
        {
            "action": action,
            "actor": actor,
            "at": at,
            "detail": detail,
            "seq": seq,
            "subject": subject,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return hashlib.sha256(_ENTRY_CONTEXT + body + b"|" + prev).digest()


def head_message(seq: int, digest: bytes) -> bytes:
    """What the head's signature covers: the last number and its hash."""
    return _HEAD_CONTEXT + seq.to_bytes(8, "big") + digest


def append(
    conn: Connection,
    command_sk: bytes,
    *,
    action: str,
    actor: str,
    subject: str,
    at: int,
    detail: Detail | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; return its number.

    Take this lock last in a transaction (after the action's own rows), so two
    audited actions never wait on each other in opposite orders.
    """
    head = tables.audit_head
    row = conn.execute(
        select(head.c.seq, head.c.hash).where(head.c.id == 1).with_for_update()
    ).one()
    seq, text = int(row.seq) + 1, _canonical_detail(detail or {})
    digest = entry_hash(
        seq=seq,
        at=at,
        action=action,
        actor=actor,
        subject=subject,
        detail=text,
        prev=bytes(row.hash),
    )
    conn.execute(
        insert(tables.audit_log).values(
            seq=seq,
            at=at,
            action=action,
            actor=actor,
            subject=subject,
            detail=text,
            hash=digest,
            sig=sign(command_sk, _ENTRY_CONTEXT + digest),
        )
    )
    conn.execute(
        update(head)
        .where(head.c.id == 1)
        .values(seq=seq, hash=digest, sig=sign(command_sk, head_message(seq, digest)))
    )
    return seq


def entries(db: HubDb, *, after: int = 0, limit: int | None = None) -> list[AuditEntry]:
    """Stored entries in chain order, from number ``after + 1``."""
    t = tables.audit_log
    query = select(t).where(t.c.seq > after).order_by(t.c.seq)
    if limit is not None:
        query = query.limit(limit)
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEntry(
            seq=int(r.seq),
            at=int(r.at),
            action=r.action,
            actor=r.actor,
            subject=r.subject,
            detail=r.detail,
            hash=bytes(r.hash),
            sig=bytes(r.sig),
        )
        for r in rows
    ]


def _signed(public: bytes, sig: bytes, message: bytes) -> bool:
    try:
        verify(public, sig, message)
    except CryptoError:
        return False
    return True


def _check_entry(entry: AuditEntry, prev: bytes, expected: int, public: bytes) -> str:
    if entry.seq != expected:
        return "missing"
    digest = entry_hash(
        seq=entry.seq,
        at=entry.at,
        action=entry.action,
        actor=entry.actor,
        subject=entry.subject,
        detail=entry.detail,
        prev=prev,
    )
    if digest != entry.hash:
        return "changed, removed or moved: its hash does not follow the chain"
    if not _signed(public, entry.sig, _ENTRY_CONTEXT + digest):
        return "its signature does not match the hub's command key"
    return ""


def _check_head(db: HubDb, last: int, digest: bytes, public: bytes) -> Broken | None:
    head = tables.audit_head
    with db.read() as conn:
        row = conn.execute(select(head).where(head.c.id == 1)).first()
    if row is None:
        return Broken(last + 1, "the head of the log is gone")
    if last == 0 and _org_created(db):
        return Broken(1, "missing: the organisation exists but its log is empty")
    if int(row.seq) != last or bytes(row.hash) != digest:
        return Broken(last + 1, "missing: the log ends before its head")
    if last and not _signed(public, bytes(row.sig), head_message(last, digest)):
        return Broken(last, "the head's signature does not match the command key")
    return None


def verify_chain(db: HubDb, *, command_pub: bytes) -> tuple[int, Broken | None]:
    """Walk the whole chain; return how many entries hold and the first break.

    Reads in pages, so a long log is never held in memory at once.
    """
    prev, count, page = GENESIS, 0, 1000
    while True:
        batch = entries(db, after=count, limit=page)
        for entry in batch:
            reason = _check_entry(entry, prev, count + 1, command_pub)
            if reason:
                seq = count + 1 if reason == "missing" else entry.seq
                return count, Broken(seq, reason)
            prev, count = entry.hash, entry.seq
        if len(batch) < page:
            return count, _check_head(db, count, prev, command_pub)


def _org_created(db: HubDb) -> bool:
    with db.read() as conn:
        return conn.execute(select(tables.org.c.id)).first() is not None
