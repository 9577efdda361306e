"""One decrypted pass over the vault, shaped for the screens that need several kinds."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from app.store import Entry, Store
from models import Actor, CheckpointLog, Contact, FollowUp, Hlc, Place, SyncedRecord

__all__ = [
    "Option",
    "RecordRow",
    "Snapshot",
    "event_time",
    "row_for",
    "stub_row",
]


@dataclass(frozen=True, slots=True)
class Option:
    """A pickable record: its id and its name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class RecordRow:
    """What a list shows for one record. Display text is the view's job.

    ``status`` is the record's own lifecycle value (``draft``, ``complete``,
    ``planned``, ``done``, ``open``...); ``detail`` is its outcome or kind code.
    """

    id: uuid.UUID
    kind: str
    when: dt.datetime
    status: str
    detail: str = ""
    title: str = ""
    actor_id: uuid.UUID | None = None
    actor_name: str = ""
    place_name: str = ""
    incomplete: bool = False
    pending: bool = False
    conflict: bool = False
    #: only a stub is left here (retention purged it); the hub keeps the record
    purged: bool = False


def event_time(record: SyncedRecord) -> dt.datetime:
    """When the event happened (or is due), as an aware datetime for sorting."""
    if isinstance(record, CheckpointLog):
        seen = record.observed_at
        return seen if seen.tzinfo else seen.astimezone()
    if isinstance(record, Contact):
        return dt.datetime.combine(record.on, dt.time(12)).astimezone()
    if isinstance(record, FollowUp) and record.due is not None:
        return dt.datetime.combine(record.due, dt.time(12)).astimezone()
    return dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class Snapshot:
    """Every current record, decrypted once, grouped by type."""

    entries: dict[uuid.UUID, Entry] = field(default_factory=dict)
    pending: set[uuid.UUID] = field(default_factory=set)

    @classmethod
    def load(cls, store: Store) -> Snapshot:
        """Read and decrypt the whole vault once."""
        entries = {e.record.id: e for e in store.entries()}
        return cls(entries=entries, pending=store.pending_records())

    def live(self, model: type[SyncedRecord]) -> list[SyncedRecord]:
        """Records of one type that are not deleted."""
        return [
            e.record
            for e in self.entries.values()
            if isinstance(e.record, model) and not e.record.deleted
        ]

    def actors(self) -> list[Actor]:
        """Every actor, by name."""
        found = [r for r in self.live(Actor) if isinstance(r, Actor)]
        return sorted(found, key=lambda a: a.name.casefold())

    def places(self) -> list[Place]:
        """Every place, by name."""
        found = [r for r in self.live(Place) if isinstance(r, Place)]
        return sorted(found, key=lambda p: p.name.casefold())

    def name_of(self, record_id: uuid.UUID | None) -> str:
        """The name of an actor or place, or ``""``."""
        entry = self.entries.get(record_id) if record_id else None
        if entry is None or entry.record.deleted:
            return ""
        return str(getattr(entry.record, "name", ""))

    def row(self, record: SyncedRecord) -> RecordRow:
        """The list row for one record."""
        entry = self.entries.get(record.id)
        conflict = entry.conflict if entry else False
        if entry is not None and entry.purged:
            return stub_row(record, pending=record.id in self.pending)
        return row_for(
            record,
            actor_name=self.name_of(getattr(record, "actor_id", None)),
            place_name=self.name_of(getattr(record, "place_id", None)),
            pending=record.id in self.pending,
            conflict=conflict,
        )


def stub_row(record: SyncedRecord, *, pending: bool = False) -> RecordRow:
    """The row of a purged record: its kind and when it was last saved, nothing else.

    A stub's body holds placeholders, never shown: only the revision clock is real.
    """
    return RecordRow(
        id=record.id,
        kind=record.kind.value,
        when=_saved_at(record.hlc),
        status="",
        pending=pending,
        purged=True,
    )


def _saved_at(hlc: str) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(Hlc.decode(hlc).wall_ms / 1000, dt.UTC)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def row_for(
    record: SyncedRecord,
    *,
    actor_name: str = "",
    place_name: str = "",
    pending: bool = False,
    conflict: bool = False,
) -> RecordRow:
    """Build the list row of a log, contact or follow-up."""
    status, detail, title, incomplete = "", "", "", False
    if isinstance(record, CheckpointLog):
        status, detail = record.status.value, record.outcome.value
        incomplete = record.status.value == "draft"
    elif isinstance(record, Contact):
        status, detail = record.status.value, record.contact_kind.value
        title = record.interlocutor_role
        incomplete = record.status.value == "planned"
    elif isinstance(record, FollowUp):
        status, title = record.status.value, record.title
        incomplete = record.status.value == "open"
    return RecordRow(
        id=record.id,
        kind=record.kind.value,
        when=event_time(record),
        status=status,
        detail=detail,
        title=title,
        actor_id=getattr(record, "actor_id", None),
        actor_name=actor_name,
        place_name=place_name,
        incomplete=incomplete,
        pending=pending,
        conflict=conflict,
    )
