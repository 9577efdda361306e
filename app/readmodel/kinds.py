"""The registry of record types: what the app knows about each kind, in one place.

Services and views never branch on a record's type (``kind == ...``,
``isinstance(record, Contact)``; ``tests/test_registry_only.py`` fails if they
do). They ask the record's :class:`RecordType` instead: how it is labelled and
summarised in lists, what its page shows, which words find it, which screen edits
it, whether it is listed with the records or picked by name in forms.

What a type shows is described, not rendered: catalog keys and :class:`Label`
values that the UI translates and formats for the session's language. Validation
is the model's own (``models/``); the read model holds only records that passed it.

To add a record type: its model in ``models/records.py`` (and ``RECORD_TYPES``),
one :class:`RecordType` in :data:`TYPES` below, its catalog keys, and, when it
is edited in the app, its form screen on the route named by ``edit_route``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from models import (
    RECORD_TYPES,
    Actor,
    Briefing,
    CheckpointLog,
    Commitment,
    Contact,
    FollowUp,
    Hlc,
    Place,
    RecordKind,
    SyncedRecord,
)

__all__ = [
    "TYPES",
    "Cards",
    "Day",
    "Detail",
    "Label",
    "Labels",
    "Lines",
    "Moment",
    "RecordType",
    "Target",
    "Text",
    "Value",
    "listed_kinds",
    "named_kinds",
    "of_type",
    "saved_at",
    "statuses",
    "type_of",
    "type_for",
]

R = TypeVar("R", bound=SyncedRecord)

NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)
_META = frozenset({"id", "rev", "parents", "hlc", "device", "team", "deleted"})


# -- what a type shows, before translation -------------------------------------------


@dataclass(frozen=True, slots=True)
class Label:
    """A closed-vocabulary value; the UI shows the catalog's label for it."""

    group: str
    value: str


@dataclass(frozen=True, slots=True)
class Labels:
    """Several values of one vocabulary, shown as a list."""

    group: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Cards:
    """Guidance cards by id; the UI shows their titles."""

    ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    """A point in time, shown to the minute in the session's format."""

    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar day, shown in the session's format."""

    on: dt.date


@dataclass(frozen=True, slots=True)
class Text:
    """A catalog key and the values to fill in."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Lines:
    """Several described lines (commitments...), shown one under the other."""

    items: tuple[Text, ...]


Value = str | int | Label | Labels | Cards | Moment | Day | Lines | None


@dataclass(frozen=True, slots=True)
class Detail:
    """One line of a record's page: the catalog key of its label, and its value."""

    label: str
    value: Value


@dataclass(frozen=True, slots=True)
class Target:
    """Where a record is opened or edited: a route and the record it shows."""

    route: str
    record_id: uuid.UUID


# -- the registry entry ----------------------------------------------------------------


def saved_at(record: SyncedRecord) -> dt.datetime:
    """When ``record``'s revision was written (its clock), or the dawn of time."""
    try:
        return dt.datetime.fromtimestamp(Hlc.decode(record.hlc).wall_ms / 1000, dt.UTC)
    except ValueError:
        return NEVER


def _words(record: SyncedRecord) -> Iterable[str]:
    """Every string a record holds (list items and nested rows too), ids aside."""
    for name, value in record.__dict__.items():
        if name in _META or name.endswith("_id"):
            continue
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield item
                elif isinstance(item, BaseModel):
                    yield from (v for v in item.__dict__.values() if isinstance(v, str))


def _nothing(_: Any) -> str:
    return ""


def _never(_: Any) -> bool:
    return False


def _no_details(_: Any) -> list[Detail]:
    return []


def _no_names(_: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class RecordType(Generic[R]):
    """Everything the app knows about one kind of record.

    Attributes:
        model: The record's model; its validation is the type's validation.
        icon: Material icon name for its rows.
        listed: Shown in the records list, the home screen and actor timelines.
        precise: Its time is shown to the minute (else the day only).
        refs: Fields naming other records; the names of those records find it
            in searches, and lists show them.
        open_route: The screen that shows one record of this type.
        edit_route: The form that edits it (``None``: not edited in the app).
        statuses: Its lifecycle values, in the order filters offer them.
        when: When the event happened or is due (for ordering and date filters).
        status: Its lifecycle value (``draft``, ``planned``, ``open``...).
        flag: A marker for lists (``draft``, ``planned``), ``""`` for none.
        incomplete: True while it waits for someone to finish it.
        title: Its line in lists.
        details: What its page shows, in order.
        words: Its own searchable text (referenced names are added by the model).
        names: For a type picked by name: its name, then other names (aliases).
        edits: The record to open in ``edit_route`` (a follow-up edits its
            contact); by default the record itself.
    """

    model: type[R]
    icon: str = "DESCRIPTION"
    listed: bool = False
    precise: bool = False
    refs: tuple[str, ...] = ()
    open_route: str = "/record"
    edit_route: str | None = None
    statuses: tuple[str, ...] = ()
    when: Callable[[R], dt.datetime] = saved_at
    status: Callable[[R], str] = _nothing
    flag: Callable[[R], str] = _nothing
    incomplete: Callable[[R], bool] = _never
    title: Callable[[R], Text] = lambda r: Text("row.record")
    details: Callable[[R], list[Detail]] = _no_details
    words: Callable[[R], Iterable[str]] = _words
    names: Callable[[R], tuple[str, ...]] = _no_names
    edits: Callable[[R], uuid.UUID | None] = lambda r: r.id

    @property
    def kind(self) -> RecordKind:
        """The kind's stable wire code."""
        return self.model.kind

    @property
    def named(self) -> bool:
        """True for types picked by name in forms (actors, places)."""
        return self.names is not _no_names

    def edit_target(self, record: R) -> Target | None:
        """Where editing ``record`` leads, or ``None``."""
        target = self.edits(record)
        if self.edit_route is None or target is None:
            return None
        return Target(self.edit_route, target)


# -- the types -------------------------------------------------------------------------


def _noon(day: dt.date | None) -> dt.datetime:
    if day is None:
        return NEVER
    return dt.datetime.combine(day, dt.time(12)).astimezone()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.astimezone()


def _labels(group: str, values: Iterable[Any]) -> Labels:
    return Labels(group, tuple(getattr(v, "value", str(v)) for v in values))


def _log_details(log: CheckpointLog) -> list[Detail]:
    return [
        Detail("log.observed_at", Moment(_aware(log.observed_at))),
        Detail("log.delay", None if log.delay_minutes is None else log.delay_minutes),
        Detail(
            "log.constraint",
            Label("constraint", log.constraint.value if log.constraint else ""),
        ),
        Detail("log.demands", log.demands),
        Detail("log.items_checked", log.items_checked),
        Detail("log.notes", log.notes),
    ]


def _commitment(item: Commitment) -> Text:
    status = Label("compliance", item.compliance.value)
    if item.due is None:
        return Text("detail.commitment_undated", {"text": item.text, "status": status})
    return Text(
        "detail.commitment", {"text": item.text, "due": Day(item.due), "status": status}
    )


def _contact_details(contact: Contact) -> list[Detail]:
    """Every field the form has, in the form's order (empty ones are not shown)."""
    return [
        Detail("contact.interlocutor_role", contact.interlocutor_role),
        Detail("contact.level", Label("level", getattr(contact.level, "value", ""))),
        Detail("contact.methods", _labels("method", contact.methods)),
        Detail("contact.approaches", _labels("approach", contact.approaches)),
        Detail("contact.consulted", Cards(tuple(contact.cards))),
        Detail("contact.issues", _labels("issue", contact.issues)),
        Detail("contact.asks", contact.asks),
        Detail(
            "contact.section.commitments",
            Lines(tuple(_commitment(c) for c in contact.commitments)),
        ),
        Detail("contact.risks", _labels("risk", contact.risks)),
        Detail("contact.sensitivity", Label("sensitivity", contact.sensitivity.value)),
        Detail("contact.outcome", contact.outcome),
        Detail("contact.notes", contact.notes),
    ]


CHECKPOINT: RecordType[CheckpointLog] = RecordType(
    CheckpointLog,
    icon="ROUTE",
    listed=True,
    precise=True,
    refs=("place_id", "actor_id"),
    edit_route="/log/edit",
    statuses=("draft", "complete"),
    when=lambda log: _aware(log.observed_at),
    status=lambda log: log.status.value,
    flag=lambda log: "draft" if log.status.value == "draft" else "",
    incomplete=lambda log: log.status.value == "draft",
    title=lambda log: Text(
        "row.checkpoint", {"outcome": Label("outcome", log.outcome.value)}
    ),
    details=_log_details,
)

CONTACT: RecordType[Contact] = RecordType(
    Contact,
    icon="FORUM",
    listed=True,
    refs=("place_id", "actor_id"),
    edit_route="/contact/edit",
    statuses=("planned", "draft", "done"),
    when=lambda contact: _noon(contact.on),
    status=lambda contact: "draft" if contact.draft else contact.status.value,
    flag=lambda contact: (
        "draft"
        if contact.draft
        else "planned"
        if contact.status.value == "planned"
        else ""
    ),
    incomplete=lambda contact: contact.draft or contact.status.value == "planned",
    title=lambda contact: Text(
        "row.contact", {"kind": Label("contact_kind", contact.contact_kind.value)}
    ),
    details=_contact_details,
)

FOLLOW_UP: RecordType[FollowUp] = RecordType(
    FollowUp,
    icon="TASK_ALT",
    listed=True,
    refs=("contact_id", "actor_id"),
    edit_route="/contact/edit",
    statuses=("open", "done", "cancelled"),
    # No due date: when it was written (never the dawn of time in a list).
    when=lambda task: _noon(task.due) if task.due else saved_at(task),
    status=lambda task: task.status.value,
    incomplete=lambda task: task.status.value == "open",
    title=lambda task: Text("row.follow_up", {"title": task.title}),
    details=lambda task: [
        Detail("contact.follow_up_done", Label("follow_up_status", task.status.value))
    ],
    edits=lambda task: task.contact_id,
)

ACTOR: RecordType[Actor] = RecordType(
    Actor,
    icon="SHIELD",
    refs=("parent_id", "merged_into"),
    open_route="/actor",
    edit_route="/actor/edit",
    title=lambda actor: Text("row.named", {"name": actor.name}),
    names=lambda actor: (actor.name, *actor.aliases),
)

PLACE: RecordType[Place] = RecordType(
    Place,
    icon="PLACE",
    open_route="/place/edit",
    edit_route="/place/edit",
    title=lambda place: Text("row.named", {"name": place.name}),
    names=lambda place: (place.name,),
)

BRIEFING: RecordType[Briefing] = RecordType(
    Briefing,
    icon="TIPS_AND_UPDATES",
    refs=("actor_id",),
    title=lambda note: Text("row.briefing"),
)

#: Every record type, by kind. Listed types come in the order filters show them.
TYPES: dict[RecordKind, RecordType[Any]] = {
    spec.kind: spec for spec in (CHECKPOINT, CONTACT, FOLLOW_UP, ACTOR, PLACE, BRIEFING)
}
assert set(TYPES) == set(RECORD_TYPES), "every model needs its RecordType"


def type_of(record: SyncedRecord) -> RecordType[Any]:
    """The registry entry of ``record``'s type."""
    return TYPES[record.kind]


def of_type(model: type[R], record: SyncedRecord | None) -> R | None:
    """``record`` when it is a ``model``, else ``None`` (a typed fetch)."""
    return record if isinstance(record, model) else None


def type_for(kind: str | RecordKind) -> RecordType[Any]:
    """The registry entry of a kind code.

    Raises:
        ValueError: for a code that names no record type.
    """
    return TYPES[RecordKind(kind)]


def listed_kinds() -> list[str]:
    """Kinds shown in the records list, in filter order."""
    return [kind.value for kind, spec in TYPES.items() if spec.listed]


def named_kinds() -> list[RecordKind]:
    """Kinds picked by name in forms."""
    return [kind for kind, spec in TYPES.items() if spec.named]


def statuses() -> list[str]:
    """Every lifecycle value of the listed kinds, each once, in filter order."""
    seen: dict[str, None] = {}
    for spec in TYPES.values():
        if spec.listed:
            seen.update(dict.fromkeys(spec.statuses))
    return list(seen)
