"""The session's read model: every record decrypted and validated once, kept current.

Built once after unlock (:meth:`ReadModel.start` builds it on a thread of its
own), then kept current by the store's change announcements: every local save,
every applied sync page, acknowledgement and purge, from this session or another
one on the same vault. Screens ask it, never the vault. :meth:`ReadModel.close`
(on lock) drops every record and everything derived from them.

Every method is safe from any thread. Queries made while the model is still
being built wait for it.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.errors import AppError, StoreError, StoreLocked
from app.readmodel.heap import collector_paused, thaw
from app.readmodel.index import Index, Item
from app.readmodel.kinds import type_for
from app.readmodel.rows import RecordFilter, RecordRow, RowPage
from app.store import Entry, Store
from app.store.changes import Change
from models import SyncedRecord

__all__ = ["ReadModel", "TeamPage"]

R = TypeVar("R", bound=SyncedRecord)
log = logging.getLogger("parley.readmodel")
_BUILD_WAIT_S = 120.0


@dataclass(frozen=True, slots=True)
class TeamPage:
    """One team's records of a kind: the first rows, the count, the conflicts."""

    team: str
    page: RowPage
    conflicts: int


@dataclass(frozen=True, slots=True)
class _Search:
    """The last filter's records, kept while the user types on under it."""

    version: int
    base: RecordFilter
    base_ids: list[uuid.UUID]  # every record the filter passes, newest first
    base_mask: int | None  # the same, as a bit set of the word index


class ReadModel:
    """Decrypted records of one unlocked session, indexed for the screens."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._ready = threading.Event()
        self._closed = False
        self._failure: AppError | None = None
        self._heard_while_building: list[Change] | None = []
        self._listeners: list[Callable[[], None]] = []
        self._index = Index()
        self._search: _Search | None = None
        self._names: dict[str, tuple[int, list[Any]]] = {}
        self.version = 0
        self.unreadable = 0
        # Watch first, then load: nothing committed in between is missed.
        self._unwatch = store.watch(self._heard, on_close=self.close)

    # -- life ------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True once built (or failed, or closed): queries answer without waiting."""
        return self._ready.is_set()

    def start(self) -> None:
        """Build on a background thread (unlock returns at once)."""
        threading.Thread(
            target=self.build, name="parley-readmodel", daemon=True
        ).start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until built; False if ``timeout`` passed first."""
        return self._ready.wait(timeout)

    def build(self) -> None:
        """Read and index every record (on the calling thread)."""
        try:
            with collector_paused():
                loaded = self._store.load()
                index = Index()
                for entry in loaded.entries.values():
                    index.put(entry)
                for rev, record_id in loaded.pending.items():
                    index.queue(rev, record_id)
                index.start_search()  # the first keystroke must not pay for this
        except AppError as err:
            with self._lock:
                self._failure = err
            self._ready.set()
            return
        with self._lock:
            if self._closed:
                return
            self._index, self.unreadable = index, loaded.unreadable
            for change in self._heard_while_building or ():
                self._apply(change)
            self._heard_while_building = None
            self.version += 1
        self._ready.set()
        self._notify()

    def close(self) -> None:
        """Drop every record and everything made from them (on lock)."""
        self._unwatch()
        with self._lock:
            self._closed = True
            self._index = Index()
            self._search = None
            self._names = {}
            self._heard_while_building = None
            self._listeners = []
        self._ready.set()
        thaw()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` (on the writing thread) after each change is applied."""
        with self._lock:
            self._listeners.append(listener)

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    # -- changes ---------------------------------------------------------------------

    def _heard(self, change: Change) -> None:
        with self._lock:
            if self._closed:
                return
            if self._heard_while_building is not None:
                self._heard_while_building.append(change)
                return
            self._apply(change)
        self._notify()

    def _apply(self, change: Change) -> None:
        index = self._index
        for entry in change.entries.values():
            index.put(entry)
        for rev, record_id in change.queued.items():
            index.queue(rev, record_id)
        for rev in change.acked:
            index.ack(rev)
        self.version += 1

    def _notify(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener()
            except Exception as exc:  # a listener must not break the write path
                log.error("read model listener failed: %s", type(exc).__name__)

    def _use(self) -> Index:
        """The index, once built. Call with the lock held.

        Raises:
            StoreLocked: after :meth:`close`.
            AppError: what the build failed with.
        """
        if not self._ready.is_set():
            self._lock.release()
            try:
                if not self._ready.wait(_BUILD_WAIT_S):
                    raise StoreError("read_model_timeout")
            finally:
                self._lock.acquire()
        if self._closed:
            raise StoreLocked()
        if self._failure is not None:
            raise self._failure
        return self._index

    # -- one record ------------------------------------------------------------------

    def entry(self, record_id: uuid.UUID) -> Entry | None:
        """A live record's current state (purged stubs included), or ``None``."""
        with self._lock:
            item = self._use().items.get(record_id)
            return item.entry if item else None

    def record(self, model: type[R], record_id: uuid.UUID) -> R | None:
        """A live, readable record of type ``model``, or ``None``."""
        entry = self.entry(record_id)
        if entry is None or entry.purged or not isinstance(entry.record, model):
            return None
        return entry.record

    def row(self, record_id: uuid.UUID) -> RecordRow | None:
        """The list row of a live record, or ``None``."""
        with self._lock:
            index = self._use()
            item = index.items.get(record_id)
            return index.row(item) if item else None

    def name_of(self, record_id: uuid.UUID | None) -> str:
        """The name of an actor or place, or ``""``."""
        with self._lock:
            return self._use().name_of(record_id)

    # -- many records ------------------------------------------------------------------

    def records(self, model: type[R]) -> list[R]:
        """Every live, readable record of type ``model``."""
        with self._lock:
            items = self._use().of_kind(model.kind)
            return [i.entry.record for i in items if _readable(i, model)]  # type: ignore[misc]

    def named(self, model: type[R]) -> list[R]:
        """Every live record of a named type, by name (any case)."""
        with self._lock:
            self._use()
            cached = self._names.get(model.kind.value)
            if cached is None or cached[0] != self.version:
                names = type_for(model.kind).names
                found = sorted(
                    self.records(model), key=lambda r: names(r)[0].casefold()
                )
                cached = self._names[model.kind.value] = (self.version, found)
            return list(cached[1])

    def referring(self, field: str, target: uuid.UUID, model: type[R]) -> list[R]:
        """Live records of type ``model`` whose ``field`` names ``target``."""
        with self._lock:
            items = self._use().referring(field, target)
            return [i.entry.record for i in items if _readable(i, model)]  # type: ignore[misc]

    def rows(self, flt: RecordFilter | None = None, *, limit: int = 0) -> RowPage:
        """Listed records matching ``flt``, newest first (``limit`` 0: all)."""
        flt = flt or RecordFilter()
        with self._lock:
            index = self._use()
            total, shown = self._matching(index, flt, limit)
            return RowPage([index.row(index.items[i]) for i in shown], total)

    def rows_referring(self, field: str, target: uuid.UUID) -> list[RecordRow]:
        """Listed records whose ``field`` names ``target``, newest first."""
        with self._lock:
            index = self._use()
            items = [i for i in index.referring(field, target) if i.spec.listed]
            items.sort(key=lambda i: i.key)
            return [index.row(i) for i in items]

    def flagged(self, flag: str) -> list[RecordRow]:
        """Listed records carrying ``flag`` (``draft``, ``planned``), newest first."""
        with self._lock:
            index = self._use()
            items = [index.items[r] for r in index.flags.get(flag, ())]
            items.sort(key=lambda i: i.key)
            return [index.row(i) for i in items if i.spec.listed]

    def by_team(self, model: type[R], *, limit: int = 0) -> list[TeamPage]:
        """Each team's live records of one type, newest first, by team name."""
        with self._lock:
            index = self._use()
            out: list[TeamPage] = []
            for team in sorted(t for t, ids in index.teams.items() if ids):
                items = [
                    index.items[r]
                    for r in index.teams[team]
                    if _readable(index.items[r], model)
                ]
                if not items:
                    continue
                items.sort(key=lambda i: i.key)
                shown = items[:limit] if limit else items
                conflicts = sum(1 for i in items if i.entry.conflict)
                page = RowPage([index.row(i) for i in shown], len(items))
                out.append(TeamPage(team, page, conflicts))
            return out

    def last_used(self, field: str, *, limit: int) -> list[uuid.UUID]:
        """What listed records named in ``field`` lately, most recent first."""
        with self._lock:
            index = self._use()
            latest: dict[uuid.UUID, str] = {}
            for target, referrers in index.refs.get(field, {}).items():
                clocks = [
                    index.items[r].entry.record.hlc
                    for r in referrers
                    if r in index.items and index.items[r].spec.listed
                ]
                if clocks and target in index.items:
                    latest[target] = max(clocks)
            return sorted(latest, key=lambda t: latest[t], reverse=True)[:limit]

    def pending_records(self) -> set[uuid.UUID]:
        """Records with a revision not yet acknowledged by the hub."""
        with self._lock:
            return set(self._use().waiting)

    # -- search ------------------------------------------------------------------------

    def _matching(
        self, index: Index, flt: RecordFilter, limit: int
    ) -> tuple[int, list[uuid.UUID]]:
        """How many records match, and the ids of the first ``limit`` (0: all)."""
        base, words = flt.without_text(), flt.words()
        last = self._search
        if last is not None and (last.version, last.base) == (self.version, base):
            base_ids, base_mask = last.base_ids, last.base_mask
        elif base == _ANY:
            base_ids, base_mask = [key[2] for key in index.order], None
        else:
            base_ids = [i.id for i in index.listed() if index.passes(i, base)]
            base_mask = None
        if not words:
            self._search = _Search(self.version, base, base_ids, base_mask)
            return len(base_ids), base_ids[:limit] if limit else base_ids
        search = index.search
        hits = search.matching(words)
        if base != _ANY:
            if base_mask is None:
                base_mask = search.among(base_ids)
            hits &= base_mask
        self._search = _Search(self.version, base, base_ids, base_mask)
        return hits.bit_count(), search.first(hits, index.order, limit)


_ANY = RecordFilter()


def _readable(item: Item, model: type[SyncedRecord]) -> bool:
    return not item.entry.purged and isinstance(item.entry.record, model)
