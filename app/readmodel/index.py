"""The indexes of the read model: records by id, kind, reference, team, flag and date.

Not thread-safe on its own: :class:`~app.readmodel.model.ReadModel` holds the lock.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.readmodel.kinds import Label, RecordType, Text, saved_at, type_of
from app.readmodel.rows import RecordFilter, RecordRow, fold
from app.readmodel.search import WordIndex
from app.store import Entry
from models import Hlc, RecordKind

__all__ = ["Index", "Item"]

_Key = tuple[float, int, uuid.UUID]


@dataclass(slots=True)
class Item:
    """One live record with what the filters ask of it, computed once."""

    entry: Entry
    spec: RecordType[Any]
    when: dt.datetime
    day: dt.date
    status: str
    flag: str
    text: str | None = None  # folded search text; None until (re)computed

    @property
    def id(self) -> uuid.UUID:
        """The record's id."""
        return self.entry.record.id

    @property
    def key(self) -> _Key:
        """Sort key: newest first; on the same day, the latest written first."""
        return (-self.when.timestamp(), -_written(self.entry.record.hlc), self.id)

    def ref(self, name: str) -> uuid.UUID | None:
        """The record a reference field names (``actor_id``...)."""
        value = getattr(self.entry.record, name, None)
        return value if isinstance(value, uuid.UUID) else None


def make_item(entry: Entry) -> Item:
    """The index entry of one record."""
    record = entry.record
    spec = type_of(record)
    when = saved_at(record) if entry.purged else spec.when(record)
    return Item(
        entry=entry,
        spec=spec,
        when=when,
        day=when.astimezone().date() if when.year > 1 else dt.date.min,
        status="" if entry.purged else spec.status(record),
        flag="" if entry.purged else spec.flag(record),
    )


class Index:
    """Live records (deleted ones are dropped) and what points at them."""

    def __init__(self) -> None:
        self.items: dict[uuid.UUID, Item] = {}
        self.kinds: dict[RecordKind, dict[uuid.UUID, None]] = defaultdict(dict)
        self.refs: dict[str, dict[uuid.UUID, set[uuid.UUID]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.teams: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.flags: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.order: list[_Key] = []  # listed records, newest first
        self.pending: dict[uuid.UUID, uuid.UUID] = {}  # revision -> record
        self.waiting: Counter[uuid.UUID] = Counter()  # record -> queued revisions
        # Listed, readable records by their words; filled by start_search.
        self.search = WordIndex()
        self._searching = False

    # -- changes -------------------------------------------------------------------

    def put(self, entry: Entry) -> None:
        """Add, replace or (for a deletion) drop one record."""
        record_id = entry.record.id
        old = self.items.pop(record_id, None)
        if old is not None:
            self._unindex(old)
        # What names this record (even one not seen before) names it anew.
        referrers = self._stale_referrers(record_id)
        if not entry.record.deleted:
            item = make_item(entry)
            self.items[item.id] = item
            self._index(item)
        if self._searching:
            self.search.remove(record_id)
            for found in [self.items.get(record_id), *referrers]:
                if found is not None and found.id in self.items:
                    self._search_add(found)
            if self.search.worn:
                self.start_search()

    def start_search(self) -> None:
        """Fold every listed record's text and index its words (after a build)."""
        self.search = WordIndex()
        self.search.build(
            [
                (item.id, item.key, self.text(item))
                for item in self.listed()
                if not item.entry.purged
            ]
        )
        self._searching = True

    def _search_add(self, item: Item) -> None:
        if item.spec.listed and not item.entry.purged:
            self.search.add(item.id, item.key, self.text(item))

    def queue(self, rev: uuid.UUID, record_id: uuid.UUID) -> None:
        """A revision entered the outbox."""
        if rev not in self.pending:
            self.pending[rev] = record_id
            self.waiting[record_id] += 1

    def ack(self, rev: uuid.UUID) -> None:
        """A revision left the outbox."""
        record_id = self.pending.pop(rev, None)
        if record_id is not None:
            self.waiting[record_id] -= 1
            if self.waiting[record_id] <= 0:
                del self.waiting[record_id]

    def _index(self, item: Item) -> None:
        spec, record_id = item.spec, item.id
        self.kinds[spec.kind][record_id] = None
        for name in spec.refs:
            target = item.ref(name)
            if target is not None:
                self.refs[name][target].add(record_id)
        self.teams[item.entry.record.team].add(record_id)
        if item.flag:
            self.flags[item.flag].add(record_id)
        if spec.listed:
            bisect.insort(self.order, item.key)

    def _unindex(self, item: Item) -> None:
        spec, record_id = item.spec, item.id
        self.kinds[spec.kind].pop(record_id, None)
        for name in spec.refs:
            target = item.ref(name)
            if target is not None:
                self.refs[name][target].discard(record_id)
        self.teams[item.entry.record.team].discard(record_id)
        if item.flag:
            self.flags[item.flag].discard(record_id)
        if spec.listed:
            at = bisect.bisect_left(self.order, item.key)
            if at < len(self.order) and self.order[at] == item.key:
                del self.order[at]

    def _stale_referrers(self, target: uuid.UUID) -> list[Item]:
        """A record others name changed: their search text names it again."""
        stale: list[Item] = []
        for by_target in self.refs.values():
            for referrer in by_target.get(target, ()):
                found = self.items.get(referrer)
                if found is not None:
                    found.text = None
                    stale.append(found)
        return stale

    # -- reading -------------------------------------------------------------------

    def listed(self) -> Iterator[Item]:
        """Listed records, newest first."""
        items = self.items
        for key in self.order:
            yield items[key[2]]

    def of_kind(self, kind: RecordKind) -> Iterator[Item]:
        """Live records of one kind."""
        items = self.items
        for record_id in self.kinds.get(kind, {}):
            yield items[record_id]

    def referring(self, name: str, target: uuid.UUID) -> list[Item]:
        """Records whose field ``name`` names ``target``."""
        found = self.refs.get(name, {}).get(target, ())
        return [self.items[r] for r in found if r in self.items]

    def name_of(self, record_id: uuid.UUID | None) -> str:
        """The name of a named record, or ``""``."""
        item = self.items.get(record_id) if record_id is not None else None
        if item is None or not item.spec.named or item.entry.purged:
            return ""
        return item.spec.names(item.entry.record)[0]

    def text(self, item: Item) -> str:
        """The folded search text of a record, with the names of what it names."""
        if item.text is None:
            parts = list(item.spec.words(item.entry.record))
            for name in item.spec.refs:
                target = self.items.get(item.ref(name) or _NIL)
                if target is not None and target.spec.named:
                    parts.extend(target.spec.names(target.entry.record))
            item.text = fold("\n".join(parts))
        return item.text

    def passes(self, item: Item, flt: RecordFilter) -> bool:
        """True when ``item`` fits every part of ``flt`` except its words."""
        if flt.kinds and item.spec.kind.value not in flt.kinds:
            return False
        if flt.statuses and item.status not in flt.statuses:
            return False
        if flt.actor_id and str(item.ref("actor_id") or "") != flt.actor_id:
            return False
        if flt.team is not None and item.entry.record.team != flt.team:
            return False
        if flt.date_from and item.day < flt.date_from:
            return False
        if flt.date_to and item.day > flt.date_to:
            return False
        if flt.pending and item.id not in self.waiting:
            return False
        return not (flt.conflict and not item.entry.conflict)

    def row(self, item: Item) -> RecordRow:
        """The list row of one record."""
        record, spec = item.entry.record, item.spec
        pending = item.id in self.waiting
        if item.entry.purged:
            kind = Label("record_kind", spec.kind.value)
            return RecordRow(
                id=item.id,
                kind=spec.kind.value,
                when=item.when,
                title=Text("row.purged", {"kind": kind}),
                icon=spec.icon,
                precise=True,
                team=record.team,
                pending=pending,
                purged=True,
            )
        actor = item.ref("actor_id")
        return RecordRow(
            id=item.id,
            kind=spec.kind.value,
            when=item.when,
            title=spec.title(record),
            status=item.status,
            flag=item.flag,
            icon=spec.icon,
            precise=spec.precise,
            team=record.team,
            actor_id=actor,
            actor_name=self.name_of(actor),
            place_name=self.name_of(item.ref("place_id")),
            incomplete=spec.incomplete(record),
            pending=pending,
            conflict=item.entry.conflict,
        )


_NIL = uuid.UUID(int=0)


def _written(hlc: str) -> int:
    """A revision's clock as a number (0 when it has none)."""
    try:
        reading = Hlc.decode(hlc)
    except ValueError:
        return 0
    return reading.wall_ms * 65536 + reading.counter
