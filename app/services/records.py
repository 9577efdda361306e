"""The records list: filters, search over decrypted text, history, delete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.errors import RecordNotFound
from app.services.snapshot import RecordRow, Snapshot
from app.services.validation import parse_id
from app.store import Store
from models import Actor, CheckpointLog, Contact, FollowUp, Place, SyncedRecord
from models.enums import ContactStatus, LogStatus

__all__ = ["Change", "HomeOverview", "RecordFilter", "RecordService", "Revision"]

LISTED = (CheckpointLog, Contact, FollowUp)
_SKIP = {"id", "rev", "parents", "hlc", "device", "team"}


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """What the records list shows. Empty values mean "any"."""

    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    actor_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One field that a revision changed (``field`` is the model's field name)."""

    field: str


@dataclass(frozen=True, slots=True)
class Revision:
    """One entry of a record's history, oldest first."""

    rev: str
    at: dt.datetime | None
    device: str
    deleted: bool
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HomeOverview:
    """Everything the home screen shows, from one pass over the vault."""

    upcoming: list[RecordRow]
    unfinished: list[RecordRow]
    recent: list[RecordRow]
    pending_count: int


def _words(record: SyncedRecord, snap: Snapshot) -> str:
    """The decrypted text of a record, for search in memory (never indexed on disk)."""
    parts: list[str] = []
    for value in record.model_dump(exclude=_SKIP).values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                values = item.values() if isinstance(item, dict) else [item]
                parts.extend(str(v) for v in values)
    for ref in ("actor_id", "place_id"):
        target = snap.entries.get(getattr(record, ref, None))  # type: ignore[arg-type]
        if target is not None and isinstance(target.record, (Actor, Place)):
            parts.append(target.record.name)
            if isinstance(target.record, Actor):
                parts.extend(target.record.aliases)
    return "\n".join(parts).casefold()


def _matches(
    row: RecordRow, record: SyncedRecord, snap: Snapshot, flt: RecordFilter
) -> bool:
    if flt.kinds and row.kind not in flt.kinds:
        return False
    if flt.statuses and row.status not in flt.statuses:
        return False
    if flt.actor_id and str(row.actor_id or "") != flt.actor_id:
        return False
    day = row.when.astimezone().date()
    if flt.date_from and day < flt.date_from:
        return False
    if flt.date_to and day > flt.date_to:
        return False
    words = flt.text.casefold().split()
    if words and row.purged:
        return False  # a stub has no text left on this phone
    if words:
        text = _words(record, snap)
        return all(w in text for w in words)
    return True


def _time_of(hlc: str) -> dt.datetime | None:
    if len(hlc) < 12:
        return None
    return dt.datetime.fromtimestamp(int(hlc[:12], 16) / 1000, dt.UTC)


class RecordService:
    """Lists and history of checkpoint logs, contacts and follow-ups."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def query(self, flt: RecordFilter | None = None) -> list[RecordRow]:
        """Records matching ``flt``, newest first."""
        flt = flt or RecordFilter()
        snap = Snapshot.load(self._store)
        rows: list[RecordRow] = []
        for model in LISTED:
            for record in snap.live(model):
                row = snap.row(record)
                if _matches(row, record, snap, flt):
                    rows.append(row)
        rows.sort(key=lambda r: r.when, reverse=True)
        return rows

    def home(self, recent: int = 5) -> HomeOverview:
        """Upcoming contacts, unfinished logs and the latest records, in one pass."""
        snap = Snapshot.load(self._store)
        rows = [snap.row(r) for model in LISTED for r in snap.live(model)]
        rows.sort(key=lambda r: r.when, reverse=True)
        upcoming = sorted(
            (
                r
                for r in rows
                if r.kind == "contact" and r.status == ContactStatus.PLANNED
            ),
            key=lambda r: r.when,
        )
        unfinished = [
            r for r in rows if r.kind == "checkpoint" and r.status == LogStatus.DRAFT
        ]
        return HomeOverview(upcoming, unfinished, rows[:recent], len(snap.pending))

    def row(self, record_id: str) -> RecordRow:
        """The list row of one record.

        Raises:
            RecordNotFound: if there is no such record.
        """
        snap = Snapshot.load(self._store)
        entry = snap.entries.get(parse_id(record_id))
        if entry is None or entry.record.deleted:
            raise RecordNotFound()
        return snap.row(entry.record)

    def history(self, record_id: str) -> list[Revision]:
        """Every revision of a record, oldest first, with the fields each changed."""
        revisions = self._store.history(parse_id(record_id))
        out: list[Revision] = []
        previous: dict[str, object] | None = None
        for rev in revisions:
            body = rev.model_dump(exclude=_SKIP | {"deleted"})
            changed = (
                []
                if previous is None
                else [Change(k) for k in body if body[k] != previous.get(k)]
            )
            out.append(
                Revision(
                    str(rev.rev), _time_of(rev.hlc), rev.device, rev.deleted, changed
                )
            )
            previous = body
        return out

    def contact_of(self, record_id: str) -> str:
        """The contact a follow-up belongs to (``""`` when none or not a follow-up)."""
        entry = self._store.get(parse_id(record_id))
        if entry is None or not isinstance(entry.record, FollowUp):
            return ""
        return str(entry.record.contact_id or "")

    def delete(self, record_id: str) -> None:
        """Delete a record: a tombstone revision, history kept.

        Raises:
            RecordNotFound: if there is no such record.
        """
        self._store.delete(parse_id(record_id))
