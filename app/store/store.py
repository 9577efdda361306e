"""The unlocked vault: sealed records, their revision chains, settings, the outbox."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import msgpack
from sqlalchemy import Connection, delete, func, insert, select, update

from app.errors import (
    DiskFull,
    RecordNotFound,
    RecordUnreadable,
    StoreError,
    StoreLocked,
)
from app.store import tables
from app.store.batch import Batch
from app.store.changes import Change, Loaded, Peers, Watcher
from app.store.crypto import Keyring
from app.store.engine import Database
from app.store.records import PURGED, Entry, as_meta, decode_record, stub_doc
from app.store.rows import Rows
from models import RECORD_TYPES, Hlc, HybridClock, RecordKind, SyncedRecord

__all__ = ["Store"]

R = TypeVar("R", bound=SyncedRecord)
_CLOCK = "clock"
_IDENTITY = "identity"
log = logging.getLogger("parley.store")


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Store:
    """Read and write sealed records. Built by :class:`app.store.vault.Vault`.

    Every write goes through :meth:`Database.writing` (one writer, ``BEGIN
    IMMEDIATE``) and is announced to the watchers (:meth:`watch`) once committed.
    :meth:`close` drops the keys; every later call raises :class:`StoreLocked`.
    """

    def __init__(self, *, db: Database, keyring: Keyring) -> None:
        self._db: Database | None = db
        self._keys: Keyring | None = keyring
        self.unreadable = 0  # rows the last listing had to skip
        self._watchers: list[Watcher] = []
        self._closers: list[Callable[[], None]] = []
        self._peer_key = (str(db.path.resolve()), keyring.name("peers"))
        identity = self.get_meta(_IDENTITY) or {}
        self.device: str = identity.get("device", "")
        self.team: str = identity.get("team", "")
        last = self.get_meta(_CLOCK)
        self.clock = HybridClock(
            node=self.device or "0",
            now_ms=_now_ms,
            last=Hlc.decode(last) if last else None,
        )
        Peers.join(self._peer_key, self)

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
        """Lock: fold the WAL into the main file, close connections, drop the keys.

        On a full disk the WAL cannot be folded in: it stays, safe and sealed, and
        the next lock with room folds it. Locking never fails for lack of space.
        """
        if self._db is None:
            return
        Peers.leave(self._peer_key, self)
        closers, self._watchers, self._closers = self._closers, [], []
        db, self._db, self._keys = self._db, None, None
        try:
            db.checkpoint()
        except DiskFull:
            pass
        finally:
            db.close()
            for closer in closers:
                closer()

    def set_identity(self, *, device: str, team: str) -> None:
        """Record which device and team author new revisions."""
        self.set_meta(_IDENTITY, {"device": device, "team": team})
        self.device, self.team = device, team
        self.clock = HybridClock(node=device, now_ms=_now_ms, last=self.clock.last)

    # -- watching changes ----------------------------------------------------------

    def watch(
        self, watcher: Watcher, *, on_close: Callable[[], None] | None = None
    ) -> Callable[[], None]:
        """Call ``watcher`` with every committed change to the records.

        It is called on the writing thread, after the commit and before the next
        write of this vault file (another session's writes included), so changes
        arrive in commit order. It must be quick and must not write to the store.
        ``on_close`` is called once the store is locked, whoever locked it (a
        wipe or duress in another session too). Returns the function that stops
        both. Locking stops them all.
        """
        self._watchers = [*self._watchers, watcher]
        if on_close is not None:
            self._closers = [*self._closers, on_close]

        def stop() -> None:
            self._watchers = [w for w in self._watchers if w is not watcher]
            self._closers = [c for c in self._closers if c is not on_close]

        return stop

    @contextmanager
    def _announcing(self) -> Iterator[tuple[Connection, list[Change]]]:
        """A write transaction whose changes are announced after the commit."""
        db, _ = self._parts()
        made: list[Change] = []
        with db.writer:
            with db.writing() as conn:
                yield conn, made
            for change in made:
                if change:
                    self._announce(change)

    def _announce(self, change: Change) -> None:
        self._tell(change)
        ids = frozenset(change.entries)
        for peer in Peers.others(self._peer_key, self):
            peer.peer_changed(ids, change.queued, change.acked)

    def _tell(self, change: Change) -> None:
        for watcher in self._watchers:
            try:
                watcher(change)
            except Exception as exc:  # the write is committed; a watcher cannot undo it
                log.error("change watcher failed: %s", type(exc).__name__)

    def peer_changed(
        self,
        record_ids: frozenset[uuid.UUID],
        queued: Mapping[uuid.UUID, uuid.UUID],
        acked: frozenset[uuid.UUID],
    ) -> None:
        """Another session on this vault committed a write: re-open what it named."""
        if not self._watchers:
            return
        try:
            db, keys = self._parts()
            with db.reading() as conn:
                states = Rows(conn, keys).load_heads(str(r) for r in record_ids)
        except StoreError:
            return  # locked meanwhile: nobody to tell
        entries = {}
        for rid, state in states.items():
            try:
                entries[uuid.UUID(rid)] = state.entry()
            except RecordUnreadable:
                continue
        self._tell(Change(entries=entries, queued=dict(queued), acked=acked))

    # -- settings and state --------------------------------------------------------

    def get_meta(self, name: str) -> Any:
        """Return a sealed setting or state value, or ``None``."""
        db, _ = self._parts()
        with db.reading() as conn:
            return self._meta_in(conn, name)

    def _meta_in(self, conn: Connection, name: str) -> Any:
        keys = self._parts()[1]
        row_id = keys.name(name)
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

    def update_meta(self, name: str, change: Callable[[Any], Any]) -> Any:
        """Replace a sealed value by ``change(old)`` in one write transaction, so
        two sessions adding to the same list never lose each other's entry."""
        with self._parts()[0].writing() as conn:
            value = change(self._meta_in(conn, name))
            self.put_meta(conn, name, value)
        return value

    def put_meta(self, conn: Connection, name: str, value: Any) -> None:
        """Write a sealed value inside an open write transaction."""
        keys = self._parts()[1]
        row_id = keys.name(name)
        conn.execute(delete(tables.meta).where(tables.meta.c.k == row_id))
        if value is not None:
            blob = keys.seal(as_meta(value), table="m", row_id=row_id, column="b")
            conn.execute(insert(tables.meta).values(k=row_id, b=blob))

    # -- records: writes -----------------------------------------------------------

    def save(self, record: R, *, parents: list[uuid.UUID] | None = None) -> R:
        """Store ``record`` as a new revision of its chain and queue it for the hub.

        ``parents`` are the heads the author saw when the edit began (a form passes
        the heads it was opened on). A head that arrived since stays beside the new
        revision: a visible conflict, never a silent overwrite. Without ``parents``
        the record's current heads are used. Returns the stored revision.

        Raises:
            ValidationFailed: if the record breaks a model rule (codes only).
        """
        return self.save_many(
            [record], parents={record.id: parents} if parents else None
        )[0]

    def save_many(
        self,
        records: Sequence[R],
        *,
        parents: dict[uuid.UUID, list[uuid.UUID]] | None = None,
    ) -> list[R]:
        """Save several records in one transaction (``parents`` as in :meth:`save`)."""
        seen = parents or {}
        with self._announcing() as (conn, made):
            batch = self._batch(conn, [str(r.id) for r in records])
            saved = [batch.add_local(r, seen.get(r.id)) for r in records]
            batch.flush(clock=self.clock.last.encode())
            made.append(batch.change())
        return saved

    def _batch(self, conn: Connection, record_ids: list[str]) -> Batch:
        """Start a write batch. Every batch writes the clock, so first move past the
        clock another session on this vault (another tab) may have stored."""
        stored = self._meta_in(conn, _CLOCK)
        if stored is not None:
            self.clock.catch_up(Hlc.decode(stored))
        return Batch(self, Rows(conn, self._parts()[1]), record_ids)

    def delete(self, record_id: uuid.UUID) -> SyncedRecord:
        """Replace a record with a tombstone revision (history is kept)."""
        entry = self.get(record_id)
        if entry is None:
            raise RecordNotFound()
        tomb = entry.record.model_copy(update={"deleted": True})
        return self.save(tomb, parents=list(entry.heads))

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
        self,
        revisions: Iterable[SyncedRecord],
        *,
        state: dict[str, Any] | None = None,
        replace_heads: bool = False,
    ) -> int:
        """Apply revisions pulled from the hub; return how many were new.

        ``state`` (meta name → value, e.g. a stream cursor) is written in the same
        transaction, so a cursor never runs ahead of the rows it covers.

        With ``replace_heads`` each revision's parents become the record's current
        heads, read inside the transaction: the revision supersedes whatever the
        device holds (registry kinds, whose merge happened per field at the hub).
        """
        keys = self._parts()[1]
        revs = list(revisions)
        with self._announcing() as (conn, made):
            batch = self._batch(conn, [str(r.id) for r in revs])
            known = Rows(conn, keys).known_revisions([str(r.rev) for r in revs])
            added = 0
            for rev in revs:
                if str(rev.rev) in known:
                    continue
                known.add(str(rev.rev))
                if rev.hlc:
                    self.clock.observe(Hlc.decode(rev.hlc))
                if replace_heads:
                    heads = batch.heads_of(str(rev.id))
                    if heads is not None:
                        parents = [uuid.UUID(h) for h in heads]
                        rev = rev.model_copy(update={"parents": parents})
                batch.add_revision(rev)
                added += 1
            batch.flush(clock=self.clock.last.encode(), meta=state)
            made.append(batch.change())
        return added

    # -- records: reads -------------------------------------------------------------

    def get(self, record_id: uuid.UUID) -> Entry | None:
        """Return a record's current state, deleted or not, or ``None``."""
        db, keys = self._parts()
        with db.reading() as conn:
            state = Rows(conn, keys).load_head(str(record_id))
        return state.entry() if state else None

    def entries(self, kinds: Iterable[RecordKind] | None = None) -> list[Entry]:
        """Return the current state of every record of ``kinds`` (all when ``None``)."""
        db, keys = self._parts()
        wanted = {k.value for k in kinds} if kinds is not None else None
        with db.reading() as conn:
            found = conn.execute(select(tables.heads.c.id, tables.heads.c.b)).all()
        rows = Rows(conn, keys)
        out: list[Entry] = []
        unreadable = 0
        for row in found:
            try:
                state = rows.open_head(row.id, row.b)
                if wanted is None or state.kind in wanted:
                    out.append(state.entry())
            except RecordUnreadable:
                unreadable += 1  # one damaged row must not hide all the others
        self.unreadable = unreadable
        return out

    def load(self) -> Loaded:
        """Every record's current state and the outbox, in one consistent read.

        What is pending is found from the revision graphs and the outbox's row
        names: no queued revision is opened. A damaged row is counted in
        ``unreadable`` and skipped.
        """
        db, keys = self._parts()
        with db.reading() as conn:
            found = conn.execute(select(tables.heads.c.id, tables.heads.c.b)).all()
            queued = set(conn.execute(select(tables.outbox.c.id)).scalars())
        rows = Rows(conn, keys)
        entries: dict[uuid.UUID, Entry] = {}
        pending: dict[uuid.UUID, uuid.UUID] = {}
        unreadable = 0
        for row in found:
            try:
                state = rows.open_head(row.id, row.b)
                entry = state.entry()
            except RecordUnreadable:
                unreadable += 1  # one damaged row must not hide all the others
                continue
            record_id = entry.record.id
            entries[record_id] = entry
            if queued:
                for rev in _queued_revisions(rows, state.order, queued):
                    pending[rev] = record_id
        self.unreadable = unreadable
        return Loaded(entries=entries, pending=pending, unreadable=unreadable)

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
        db, keys = self._parts()
        with db.reading() as conn:
            rows = Rows(conn, keys)
            state = rows.load_head(str(record_id))
            if state is None:
                raise RecordNotFound()
            if state.flags & PURGED:
                return []
            return [rows.load_revision(rev) for rev in state.order]

    # -- outbox ----------------------------------------------------------------

    def pending(self, limit: int | None = None) -> list[SyncedRecord]:
        """Return revisions not yet acknowledged by the hub, oldest first."""
        db, keys = self._parts()
        query = select(tables.outbox.c.id).order_by(tables.outbox.c.n)
        if limit is not None:
            query = query.limit(limit)
        with db.reading() as conn:
            rows = Rows(conn, keys)
            return [rows.load_revision_at(key) for key in conn.execute(query).scalars()]

    def pending_count(self) -> int:
        """Return how many revisions wait for the hub."""
        db, _ = self._parts()
        with db.reading() as conn:
            return int(
                conn.execute(select(func.count()).select_from(tables.outbox)).scalar()
                or 0
            )

    def pending_records(self) -> set[uuid.UUID]:
        """Return the ids of records with at least one revision not yet synced.

        Found as :meth:`load` finds them: no queued revision is opened.
        """
        return set(self.load().pending.values())

    def ack(
        self, rev_ids: Iterable[uuid.UUID], *, state: dict[str, Any] | None = None
    ) -> None:
        """Remove revisions the hub acknowledged from the outbox.

        ``state`` (meta name → value) is written in the same transaction, so the
        sync bookkeeping never disagrees with the outbox.
        """
        keys = self._parts()[1]
        revs = list(rev_ids)
        if not revs and not state:
            return
        with self._announcing() as (conn, made):
            ids = [Rows(conn, keys).rev_key(str(r)) for r in revs]
            if ids:
                conn.execute(delete(tables.outbox).where(tables.outbox.c.id.in_(ids)))
            for name, value in (state or {}).items():
                self.put_meta(conn, name, value)
            made.append(Change(acked=frozenset(revs)))

    # -- retention ----------------------------------------------------------------

    def purge(self, record_ids: Iterable[uuid.UUID]) -> int:
        """Drop the plaintext of sealed records, leaving a stub; return how many.

        Only records of a sealed kind with nothing left in the outbox are purged.
        Their revisions are deleted and the current state keeps ids and the
        revision graph with an emptied body (``Entry.purged`` is then true).
        Purging never creates a tombstone: the hub keeps its copy.
        """
        keys = self._parts()[1]
        done = 0
        stubs: dict[uuid.UUID, Entry] = {}
        with self._announcing() as (conn, made):
            rows = Rows(conn, keys)
            queued = set(conn.execute(select(tables.outbox.c.id)).scalars())
            for record_id in record_ids:
                rec_id = str(record_id)
                state = rows.load_head(rec_id)
                if state is None or state.flags & PURGED:
                    continue
                rev_keys = [rows.rev_key(r) for r in state.order]
                if queued & set(rev_keys):
                    continue
                if not RECORD_TYPES[RecordKind(state.kind)].sealed:
                    continue
                revs = tables.revisions
                conn.execute(delete(revs).where(revs.c.id.in_(rev_keys)))
                state.doc = stub_doc(decode_record(state.kind, state.doc))
                state.flags |= PURGED
                key = rows.head_key(rec_id)
                sealed = keys.seal(state.pack(), table="h", row_id=key, column="b")
                heads = tables.heads
                conn.execute(update(heads).where(heads.c.id == key).values(b=sealed))
                stubs[record_id] = state.entry()
                done += 1
            made.append(Change(entries=stubs))
        return done


def _queued_revisions(
    rows: Rows, order: Sequence[str], queued: set[str]
) -> Iterator[uuid.UUID]:
    """The revisions of ``order`` whose outbox row names are in ``queued``."""
    for rev in reversed(order):  # queued revisions are the latest ones
        if rows.rev_key(rev) in queued:
            yield uuid.UUID(rev)
