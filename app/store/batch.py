"""One write transaction's worth of record changes, flushed with few statements.

Statement building dominates SQLAlchemy's cost for small rows, so a batch loads every
head it needs in one query and writes each table with one ``executemany``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, bindparam, insert, select, update

from app.errors import RecordNotFound
from app.store import tables
from app.store.crypto import Keyring
from app.store.records import HeadState, pack_revision, pick_winner, unpack_revision
from models import SyncedRecord

if TYPE_CHECKING:
    from app.store.store import Store

__all__ = ["Batch"]

R = TypeVar("R", bound=SyncedRecord)
_CHUNK = 500
_UPDATE_HEAD = (
    update(tables.heads)
    .where(tables.heads.c.id == bindparam("rid"))
    .values(b=bindparam("blob"))
)


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Batch:
    """Pending writes for one transaction of one :class:`Store`."""

    def __init__(
        self, store: Store, conn: Connection, keys: Keyring, record_ids: list[str]
    ) -> None:
        self._store = store
        self._conn = conn
        self._keys = keys
        self._states: dict[str, HeadState | None] = {}
        self._fresh: set[str] = set()
        self._revs: dict[str, SyncedRecord] = {}
        self._outbox: list[dict[str, str]] = []
        self._load_heads(sorted(set(record_ids)))

    def _load_heads(self, ids: list[str]) -> None:
        h = tables.heads
        for chunk in _chunks(ids):
            for row in self._conn.execute(
                select(h.c.id, h.c.b).where(h.c.id.in_(chunk))
            ):
                plain = self._keys.open(row.b, table="h", row_id=row.id, column="b")
                self._states[row.id] = HeadState.unpack(plain)
        for rid in ids:
            self._states.setdefault(rid, None)

    def known_revisions(self, rev_ids: list[str]) -> set[str]:
        """Return which of ``rev_ids`` the vault already holds."""
        r = tables.revisions
        found: set[str] = set()
        for chunk in _chunks(sorted(set(rev_ids))):
            found.update(
                self._conn.execute(select(r.c.id).where(r.c.id.in_(chunk))).scalars()
            )
        return found

    def add_local(self, record: R) -> R:
        """Stamp ``record`` as a new revision on top of its heads, and queue it."""
        state = self._states.get(str(record.id))
        parents = [uuid.UUID(h) for h in state.heads()] if state else []
        stamped = self._store.stamp(record, parents)
        self.add_revision(stamped)
        self._outbox.append({"id": str(stamped.rev)})
        return stamped

    def add_revision(self, rev: SyncedRecord) -> None:
        """Add one revision to its record's graph and recompute the winner."""
        rid, rev_id = str(rev.id), str(rev.rev)
        self._revs[rev_id] = rev
        state = self._states.get(rid)
        if state is None:
            state = HeadState(kind=rev.kind.value)
            self._states[rid] = state
            self._fresh.add(rid)
        state.add(rev_id, [str(p) for p in rev.parents])
        heads = state.heads()
        winner = (
            rev
            if heads == [rev_id]
            else pick_winner([self._revision(h) for h in heads])
        )
        state.doc = winner.model_dump_json().encode()
        state.dirty = True

    def _revision(self, rev_id: str) -> SyncedRecord:
        if rev_id in self._revs:
            return self._revs[rev_id]
        blob = self._conn.execute(
            select(tables.revisions.c.b).where(tables.revisions.c.id == rev_id)
        ).scalar()
        if blob is None:
            raise RecordNotFound()
        return unpack_revision(
            self._keys.open(blob, table="r", row_id=rev_id, column="b")
        )

    def flush(
        self,
        *,
        clock: str,
        meta: dict[str, Any] | None = None,
        put_meta: Callable[[Connection, str, Any], None] | None = None,
    ) -> None:
        """Write every pending row, then the clock and any state values."""
        seal = self._keys.seal
        if self._revs:
            rows = [
                {
                    "id": rid,
                    "b": seal(pack_revision(rev), table="r", row_id=rid, column="b"),
                }
                for rid, rev in self._revs.items()
            ]
            self._conn.execute(insert(tables.revisions), rows)
        new, changed = [], []
        for rid, state in self._states.items():
            if state is None or not state.dirty:
                continue
            blob = seal(state.pack(), table="h", row_id=rid, column="b")
            if rid in self._fresh:
                new.append({"id": rid, "b": blob})
            else:
                changed.append({"rid": rid, "blob": blob})
        if new:
            self._conn.execute(insert(tables.heads), new)
        if changed:
            self._conn.execute(_UPDATE_HEAD, changed)
        if self._outbox:
            self._conn.execute(insert(tables.outbox), self._outbox)
        writer = put_meta or self._store.put_meta
        writer(self._conn, "clock", clock)
        for name, value in (meta or {}).items():
            writer(self._conn, name, value)
