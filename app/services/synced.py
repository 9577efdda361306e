"""Reading what sync brought: every team's contacts, registry losers, merged actors."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from app.readmodel import of_type
from app.store import Store
from app.sync.apply import losers_meta
from app.sync.private import team_values_meta
from models import Actor, Contact

__all__ = [
    "LosingValue",
    "TeamContacts",
    "TeamValues",
    "all_contacts",
    "losing_values",
    "other_teams_values",
    "resolve_actor",
]


@dataclass(frozen=True)
class LosingValue:
    """A registry value that lost a concurrent last-writer-wins race."""

    field: str
    value: Any
    hlc: str
    device: str


def losing_values(store: Store, record_id: uuid.UUID) -> list[LosingValue]:
    """Values another device wrote concurrently that lost (newest first per field)."""
    rows = store.get_meta(losers_meta(record_id)) or []
    return [LosingValue(*row) for row in rows]


@dataclass(frozen=True)
class TeamValues:
    """Another team's sealed fields of a shared entry (its notes, an actor's
    influence and stance), as a coordinator reads them."""

    team: str
    values: dict[str, Any]


def other_teams_values(store: Store, record_id: uuid.UUID) -> list[TeamValues]:
    """Coordinators: what each other team noted on an actor or place, by team.

    A field device holds none: it reads only its own team's (the record itself).
    """
    rows = store.get_meta(team_values_meta(record_id)) or []
    return [TeamValues(str(team), dict(values)) for team, values in rows]


def resolve_actor(store: Store, actor_id: uuid.UUID) -> Actor | None:
    """Follow ``merged_into`` pointers to the entry a duplicate was merged into."""
    seen: set[uuid.UUID] = set()
    current: uuid.UUID | None = actor_id
    found: Actor | None = None
    while current is not None and current not in seen:
        seen.add(current)
        entry = store.get(current)
        actor = of_type(Actor, entry.record if entry else None)
        if actor is None:
            return found
        found = actor
        current = actor.merged_into
    return found


@dataclass(frozen=True)
class TeamContacts:
    """One team's contacts as a coordinator sees them."""

    team: str
    contacts: list[Contact]
    conflicts: set[uuid.UUID]


def all_contacts(store: Store) -> list[TeamContacts]:
    """Every contact in the vault grouped by team (a coordinator holds all teams').

    Conflicting records (two heads) are listed once, with the revision shown
    while the conflict is open, and their ids are in ``conflicts``.
    """
    by_team: dict[str, list[Contact]] = defaultdict(list)
    conflicts: dict[str, set[uuid.UUID]] = defaultdict(set)
    for entry in store.entries([Contact.kind]):
        record = of_type(Contact, entry.record)
        if record is None or record.deleted or entry.purged:
            continue
        by_team[record.team].append(record)
        if entry.conflict:
            conflicts[record.team].add(record.id)
    return [
        TeamContacts(
            team, sorted(items, key=lambda c: (c.on, str(c.id))), conflicts[team]
        )
        for team, items in sorted(by_team.items())
    ]
