"""The records list: filters and search over the read model, history, delete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.errors import RecordNotFound
from app.readmodel import (
    Detail,
    ReadModel,
    RecordFilter,
    RecordRow,
    RowPage,
    Target,
    listed_kinds,
    type_of,
)
from app.services.authority import ensure_may_write
from app.services.validation import parse_id
from app.store import Store
from models import Contact, FollowUp, Hlc
from models.enums import ContactStatus

__all__ = ["Change", "HomeOverview", "RecordFilter", "RecordService", "Revision"]

_SKIP = {"id", "rev", "parents", "hlc", "device", "team", "deleted"}
#: Rows a list shows before "show more".
PAGE = 50


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
    """Everything the home screen shows.

    ``upcoming`` are planned contacts, soonest first; ``unfinished`` the drafts to
    complete; ``recent`` the latest records; ``pending_count`` the records that
    wait for the hub.
    """

    upcoming: list[RecordRow]
    unfinished: list[RecordRow]
    recent: list[RecordRow]
    pending_count: int


def _time_of(hlc: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(Hlc.decode(hlc).wall_ms / 1000, dt.UTC)
    except ValueError:
        return None


class RecordService:
    """Lists and history of the listed record types (logs, contacts, follow-ups)."""

    def __init__(self, store: Store, model: ReadModel) -> None:
        self._store = store
        self._model = model

    @property
    def ready(self) -> bool:
        """True once the session's records are loaded (lists answer at once)."""
        return self._model.ready

    def query(self, flt: RecordFilter | None = None) -> list[RecordRow]:
        """Every record matching ``flt``, newest first."""
        return self._model.rows(flt).rows

    def page(self, flt: RecordFilter | None = None, *, limit: int = PAGE) -> RowPage:
        """The first ``limit`` records matching ``flt``, newest first, and the count."""
        return self._model.rows(flt, limit=limit)

    def home(self, recent: int = 5) -> HomeOverview:
        """Planned contacts, drafts to complete and the latest records."""
        planned = RecordFilter(
            kinds=frozenset({Contact.kind.value}),
            statuses=frozenset({ContactStatus.PLANNED.value}),
        )
        upcoming = sorted(self._model.rows(planned).rows, key=lambda r: r.when)
        return HomeOverview(
            upcoming=upcoming,
            unfinished=self._model.flagged("draft"),
            recent=self._model.rows(limit=recent).rows,
            pending_count=self._pending_records(),
        )

    def _pending_records(self) -> int:
        """Records (logs, contacts, follow-ups) waiting for the hub: places and
        actors are registry entries, not records, and are not counted."""
        kinds = set(listed_kinds())
        rows = (self._model.row(rid) for rid in self._model.pending_records())
        return sum(1 for r in rows if r is not None and r.kind in kinds)

    def row(self, record_id: str) -> RecordRow:
        """The list row of one record.

        Raises:
            RecordNotFound: if there is no such record.
        """
        found = self._model.row(parse_id(record_id))
        if found is None:
            raise RecordNotFound()
        return found

    def details(self, record_id: str) -> list[Detail]:
        """What the record's page shows, in order (its type decides).

        Raises:
            RecordNotFound: if there is no such record (or only a stub is left).
        """
        entry = self._model.entry(parse_id(record_id))
        if entry is None or entry.purged:
            raise RecordNotFound()
        return type_of(entry.record).details(entry.record)

    def edit_target(self, record_id: str) -> Target | None:
        """The form that edits this record and the record it opens, or ``None``.

        Raises:
            RecordNotFound: if there is no such record.
        """
        entry = self._model.entry(parse_id(record_id))
        if entry is None:
            raise RecordNotFound()
        if entry.purged:
            return None
        return type_of(entry.record).edit_target(entry.record)

    def history(self, record_id: str) -> list[Revision]:
        """Every revision of a record, oldest first, with the fields each changed."""
        revisions = self._store.history(parse_id(record_id))
        out: list[Revision] = []
        previous: dict[str, object] | None = None
        for rev in revisions:
            body = rev.model_dump(exclude=_SKIP)
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
        task = self._model.record(FollowUp, parse_id(record_id))
        return str(task.contact_id or "") if task else ""

    def delete(self, record_id: str) -> None:
        """Delete a record: a tombstone revision, history kept.

        Raises:
            RecordNotFound: if there is no such record.
            NotAllowed: it belongs to another team (or is another team's entry).
        """
        entry = self._store.get(parse_id(record_id))
        if entry is not None:
            held = entry.record
            tomb = held.model_copy(update={"deleted": True})
            ensure_may_write(self._store, held, tomb)
        self._store.delete(parse_id(record_id))
