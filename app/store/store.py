"""The unlocked vault: sealed records, their revision chains, settings, the outbox."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import msgpack
from sqlalchemy import Connection, delete, func, insert, select

from app.errors import RecordNotFound, StoreLocked
from app.store import tables
from app.store.batch import Batch
from app.store.crypto import Keyring
from app.store.engine import Database
from app.store.records import (
    Entry,
    HeadState,
    as_meta,
    unpack_revision,
)
from models import Hlc, HybridClock, RecordKind, SyncedRecord

__all__ = ["Store"]

R = TypeVar("R", bound=SyncedRecord)
_CLOCK = "clock"
_IDENTITY = "identity"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Store:
    """Read and write sealed records. Built by :class:`app.store.vault.Vault`.

    Every write goes through :meth:`Database.writing` (one writer, ``BEGIN
    IMMEDIATE``). :meth:`close` drops the keys; every later call raises
    :class:`StoreLocked`.
    """

    def __init__(self, *, db: Database, keyring: Keyring) -> None:
        self._db: Database | None = db
        self._keys: Keyring | None = keyring
        identity = self.get_meta(_IDENTITY) or {}
        self.device: str = identity.get("device", "")
        self.team: str = identity.get("team", "")
        last = self.get_meta(_CLOCK)
        self.clock = HybridClock(
            node=self.device or "0",
            now_ms=_now_ms,
            last=Hlc.decode(last) if last else None,
        )

    # -- lifecycle ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """False once the store is locked."""
        return self._db is not None

    def _parts(self) -> tuple[Database, Keyring]:
        if self._db is None or self._keys is None:
            raise StoreLocked()
        return self._db, self._keys

    def close(self) -> None:
        """Lock: fold the WAL into the main file, close connections, drop the keys."""
        if self._db is None:
            return
        db, self._db, self._keys = self._db, None, None
        try:
            db.checkpoint()
        finally:
            db.close()

    def set_identity(self, *, device: str, team: str) -> None:
        """Record which device and team author new revisions."""
        self.set_meta(_IDENTITY, {"device": device, "team": team})
        self.device, self.team = device, team
        self.clock = HybridClock(node=device, now_ms=_now_ms, last=self.clock.last)

    # -- settings and state --------------------------------------------------------

    def get_meta(self, name: str) -> Any:
        """Return a sealed setting or state value, or ``None``."""
        db, keys = self._parts()
        row_id = keys.name(name)
        with db.reading() as conn:
            blob = conn.execute(
                select(tables.meta.c.b).where(tables.meta.c.k == row_id)
            ).scalar()
        if blob is None:
            return None
        return msgpack.unpackb(keys.open(blob, table="m", row_id=row_id, column="b"))

    def set_meta(self, name: str, value: Any) -> None:
        """Store a setting or state value (``None`` deletes it)."""
        with self._parts()[0].writing() as conn:
            self.put_meta(conn, name, value)

    def put_meta(self, conn: Connection, name: str, value: Any) -> None:
        """Write a sealed value inside an open write transaction."""
        keys = self._parts()[1]
        row_id = keys.name(name)
        conn.execute(delete(tables.meta).where(tables.meta.c.k == row_id))
        if value is not None:
            blob = keys.seal(as_meta(value), table="m", row_id=row_id, column="b")
            conn.execute(insert(tables.meta).values(k=row_id, b=blob))

    # -- records: writes -----------------------------------------------------------

    def save(self, record: R) -> R:
        """Store ``record`` as a new revision of its chain and queue it for the hub.

        The new revision's parents are the record's current heads, so saving over an
        open conflict resolves it. Returns the stored revision.
        """
        return self.save_many([record])[0]

    def save_many(self, records: Sequence[R]) -> list[R]:
        """Save several records in one transaction."""
        db, _ = self._parts()
        with db.writing() as conn:
            batch = Batch(self, conn, self._parts()[1], [str(r.id) for r in records])
            saved = [batch.add_local(record) for record in records]
            batch.flush(clock=self.clock.last.encode())
        return saved

    def delete(self, record_id: uuid.UUID) -> SyncedRecord:
        """Replace a record with a tombstone revision (history is kept)."""
        entry = self.get(record_id)
        if entry is None:
            raise RecordNotFound()
        tomb = entry.record.model_copy(update={"deleted": True})
        return self.save(tomb)

    def stamp(self, record: R, parents: list[uuid.UUID]) -> R:
        """Return ``record`` as a new local revision with the given parents."""
        return record.model_copy(
            update={
                "rev": uuid.uuid4(),
                "parents": parents,
                "hlc": self.clock.now().encode(),
                "device": self.device,
                "team": record.team or self.team,
            }
        )

    def apply_remote(
        self, revisions: Iterable[SyncedRecord], *, state: dict[str, Any] | None = None
    ) -> int:
        """Apply revisions pulled from the hub; return how many were new.

        ``state`` (meta name → value, e.g. a stream cursor) is written in the same
        transaction, so a cursor never runs ahead of the rows it covers.
        """
        db, _ = self._parts()
        revs = list(revisions)
        with db.writing() as conn:
            batch = Batch(self, conn, self._parts()[1], [str(r.id) for r in revs])
            known = batch.known_revisions([str(r.rev) for r in revs])
            added = 0
            for rev in revs:
                if str(rev.rev) in known:
                    continue
                known.add(str(rev.rev))
                if rev.hlc:
                    self.clock.observe(Hlc.decode(rev.hlc))
                batch.add_revision(rev)
                added += 1
            batch.flush(clock=self.clock.last.encode(), meta=state)
        return added

    # -- records: reads -------------------------------------------------------------

    def _load_head(self, conn: Connection, rec_id: str) -> HeadState | None:
        keys = self._parts()[1]
        blob = conn.execute(
            select(tables.heads.c.b).where(tables.heads.c.id == rec_id)
        ).scalar()
        if blob is None:
            return None
        return HeadState.unpack(keys.open(blob, table="h", row_id=rec_id, column="b"))

    def _has_revision(self, conn: Connection, rev_id: str) -> bool:
        found = conn.execute(
            select(tables.revisions.c.id).where(tables.revisions.c.id == rev_id)
        ).scalar()
        return found is not None

    def _revision(self, conn: Connection, rev_id: str) -> SyncedRecord:
        keys = self._parts()[1]
        blob = conn.execute(
            select(tables.revisions.c.b).where(tables.revisions.c.id == rev_id)
        ).scalar()
        if blob is None:
            raise RecordNotFound()
        return unpack_revision(keys.open(blob, table="r", row_id=rev_id, column="b"))

    def get(self, record_id: uuid.UUID) -> Entry | None:
        """Return a record's current state, deleted or not, or ``None``."""
        db, _ = self._parts()
        with db.reading() as conn:
            state = self._load_head(conn, str(record_id))
        return state.entry() if state else None

    def entries(self, kinds: Iterable[RecordKind] | None = None) -> list[Entry]:
        """Return the current state of every record of ``kinds`` (all when ``None``)."""
        db, keys = self._parts()
        wanted = {k.value for k in kinds} if kinds is not None else None
        with db.reading() as conn:
            rows = conn.execute(select(tables.heads.c.id, tables.heads.c.b)).all()
        out: list[Entry] = []
        for row in rows:
            state = HeadState.unpack(
                keys.open(row.b, table="h", row_id=row.id, column="b")
            )
            if wanted is None or state.kind in wanted:
                out.append(state.entry())
        return out

    def records(self, model: type[R], *, include_deleted: bool = False) -> list[R]:
        """Return the current revision of every record of one type."""
        found = [e.record for e in self.entries([model.kind])]
        return [
            r
            for r in found
            if isinstance(r, model) and (include_deleted or not r.deleted)
        ]

    def history(self, record_id: uuid.UUID) -> list[SyncedRecord]:
        """Return every revision of a record, oldest first."""
        db, _ = self._parts()
        with db.reading() as conn:
            state = self._load_head(conn, str(record_id))
            if state is None:
                raise RecordNotFound()
            return [self._revision(conn, rev) for rev in state.order]

    # -- outbox ----------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[SyncedRecord]:
        """Return revisions not yet acknowledged by the hub, oldest first."""
        db, _ = self._parts()
        query = select(tables.outbox.c.id).order_by(tables.outbox.c.n)
        if limit is not None:
            query = query.limit(limit)
        with db.reading() as conn:
            ids = list(conn.execute(query).scalars())
            return [self._revision(conn, rev) for rev in ids]

    def pending_count(self) -> int:
        """Return how many revisions wait for the hub."""
        db, _ = self._parts()
        with db.reading() as conn:
            return int(
                conn.execute(select(func.count()).select_from(tables.outbox)).scalar()
                or 0
            )

    def pending_records(self) -> set[uuid.UUID]:
        """Return the ids of records with at least one revision not yet synced."""
        return {rev.id for rev in self.pending()}

    def ack(self, rev_ids: Iterable[uuid.UUID]) -> None:
        """Remove revisions the hub acknowledged from the outbox."""
        ids = [str(r) for r in rev_ids]
        if not ids:
            return
        with self._parts()[0].writing() as conn:
            conn.execute(delete(tables.outbox).where(tables.outbox.c.id.in_(ids)))
