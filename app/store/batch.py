"""One write transaction's worth of record changes, flushed with few statements.

Statement building dominates SQLAlchemy's cost for small rows, so a batch loads every
head it needs in one query and writes each table with one ``executemany``.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, insert, update

from app.errors import ValidationFailed
from app.store import tables
from app.store.changes import Change
from app.store.records import PURGED, Entry, HeadState, pack_revision, pick_winner
from app.store.rows import Rows
from models import SyncedRecord

__all__ = ["Batch", "Owner"]

R = TypeVar("R", bound=SyncedRecord)


class Owner(Protocol):
    """What a batch needs of its store: stamping revisions, writing state."""

    def stamp(self, record: R, parents: list[uuid.UUID]) -> R:
        """``record`` as a new local revision with these parents."""
        ...

    def put_meta(self, conn: Connection, name: str, value: Any) -> None:
        """Write a sealed value inside the open transaction."""
        ...


_UPDATE_HEAD = (
    update(tables.heads)
    .where(tables.heads.c.id == bindparam("key"))
    .values(b=bindparam("blob"))
)


def checked_json(record: SyncedRecord) -> bytes:
    """Serialise a record, re-validating it first (``model_copy`` skips validation).

    Raises:
        ValidationFailed: with field names and codes only, never the values.
    """
    doc = record.model_dump_json().encode()
    try:
        type(record).model_validate_json(doc)
    except ValidationError as exc:
        fields = {
            str((e.get("loc") or ("record",))[0]): e["type"] for e in exc.errors()
        }
        raise ValidationFailed(fields) from None
    return doc


class Batch:
    """Pending writes for one transaction of one :class:`Store`."""

    def __init__(self, store: Owner, rows: Rows, record_ids: list[str]) -> None:
        self._store = store
        self._rows = rows
        self._states: dict[str, HeadState | None] = dict.fromkeys(record_ids)
        self._states.update(rows.load_heads(set(record_ids)))
        self._fresh: set[str] = set()
        self._revs: dict[str, SyncedRecord] = {}
        self._docs: dict[str, bytes] = {}
        self._winners: dict[str, SyncedRecord] = {}
        self._outbox: list[dict[str, str]] = []
        self._queued: dict[uuid.UUID, uuid.UUID] = {}

    def heads_of(self, record_id: str) -> list[str] | None:
        """Current heads of a record in this batch, or ``None`` if it is new."""
        state = self._states.get(record_id)
        return state.heads() if state else None

    def add_local(self, record: R, parents: list[uuid.UUID] | None = None) -> R:
        """Stamp ``record`` as a new local revision and queue it for the hub.

        ``parents`` are the revisions the author saw (unknown ones are dropped); by
        default, the record's current heads.
        """
        state = self._states.get(str(record.id))
        known = set(state.graph) if state else set()
        if parents is None:
            chosen = [uuid.UUID(h) for h in state.heads()] if state else []
        else:
            chosen = [p for p in parents if str(p) in known]
        stamped = self._store.stamp(record, chosen)
        self.add_revision(stamped, doc=checked_json(stamped))
        self._outbox.append({"id": self._rows.rev_key(str(stamped.rev))})
        self._queued[stamped.rev] = stamped.id
        return stamped

    def add_revision(self, rev: SyncedRecord, *, doc: bytes | None = None) -> None:
        """Add one revision to its record's graph and recompute the winner."""
        rid, rev_id = str(rev.id), str(rev.rev)
        self._revs[rev_id] = rev
        self._docs[rev_id] = doc or rev.model_dump_json().encode()
        state = self._states.get(rid)
        if state is None:
            state = HeadState(kind=rev.kind.value)
            self._states[rid] = state
            self._fresh.add(rid)
        state.add(rev_id, [str(p) for p in rev.parents])
        heads = state.heads()
        if heads == [rev_id]:
            winner = rev
            state.doc = self._docs[rev_id]
        else:
            winner = pick_winner([self._revision(h) for h in heads])
            state.doc = (
                self._docs.get(str(winner.rev)) or winner.model_dump_json().encode()
            )
        self._winners[rid] = winner
        state.dirty = True

    def _revision(self, rev_id: str) -> SyncedRecord:
        if rev_id in self._revs:
            return self._revs[rev_id]
        return self._rows.load_revision(rev_id)

    def change(self) -> Change:
        """What this batch did, for the store's watchers (call after :meth:`flush`).

        The records are the revision objects the batch already holds: nothing is
        decrypted or parsed again.
        """
        entries: dict[uuid.UUID, Entry] = {}
        for rid, winner in self._winners.items():
            state = self._states[rid]
            assert state is not None
            heads = tuple(uuid.UUID(h) for h in state.heads())
            entries[uuid.UUID(rid)] = Entry(winner, heads, bool(state.flags & PURGED))
        return Change(entries=entries, queued=dict(self._queued))

    def flush(self, *, clock: str, meta: dict[str, Any] | None = None) -> None:
        """Write every pending row, then the clock and any state values."""
        rows, conn = self._rows, self._rows.conn
        seal = rows.keys.seal
        if self._revs:
            new_revs = []
            for rev_id, rev in self._revs.items():
                key = rows.rev_key(rev_id)
                packed = pack_revision(rev.kind, self._docs[rev_id])
                blob = seal(packed, table="r", row_id=key, column="b")
                new_revs.append({"id": key, "b": blob})
            conn.execute(insert(tables.revisions), new_revs)
        new, changed = [], []
        for rid, state in self._states.items():
            if state is None or not state.dirty:
                continue
            key = rows.head_key(rid)
            blob = seal(state.pack(), table="h", row_id=key, column="b")
            if rid in self._fresh:
                new.append({"id": key, "b": blob})
            else:
                changed.append({"key": key, "blob": blob})
        if new:
            conn.execute(insert(tables.heads), new)
        if changed:
            conn.execute(_UPDATE_HEAD, changed)
        if self._outbox:
            conn.execute(insert(tables.outbox), self._outbox)
        self._store.put_meta(conn, "clock", clock)
        for name, value in (meta or {}).items():
            self._store.put_meta(conn, name, value)
