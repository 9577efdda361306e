"""What the coordination screens count, taken once from the read model per version.

Contacts and checkpoint logs become small frozen facts with the actor resolved
through merges (a merged duplicate's records count for the actor it was merged
into). Built again only when the read model changed: every screen and every
alert of one version shares one pass over the records.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from app.readmodel import ReadModel
from models import Actor, CheckpointLog, Contact, Place
from models.enums import (
    Approach,
    CheckpointOutcome,
    Compliance,
    ContactStatus,
    Level,
    Method,
    ProtectionIssue,
    RiskFlag,
)

__all__ = ["CheckpointFact", "CommitmentFact", "ContactFact", "Facts", "FactSource"]


@dataclass(frozen=True, slots=True)
class CommitmentFact:
    """One commitment recorded in a contact."""

    text: str
    due: dt.date | None
    compliance: Compliance


@dataclass(frozen=True, slots=True)
class ContactFact:
    """One contact, reduced to what coordination counts."""

    id: uuid.UUID
    actor: uuid.UUID | None
    team: str
    on: dt.date
    level: Level | None
    methods: frozenset[Method]
    approaches: frozenset[Approach]
    issues: frozenset[ProtectionIssue]
    risks: frozenset[RiskFlag]
    planned: bool
    commitments: tuple[CommitmentFact, ...]

    @property
    def safety(self) -> bool:
        """The team flagged a staff-safety risk or raised staff safety."""
        return (
            RiskFlag.STAFF_SAFETY in self.risks
            or ProtectionIssue.STAFF_SAFETY in self.issues
        )


@dataclass(frozen=True, slots=True)
class CheckpointFact:
    """One checkpoint log, reduced to what coordination counts."""

    id: uuid.UUID
    actor: uuid.UUID | None
    team: str
    at: dt.datetime
    outcome: CheckpointOutcome
    delay: int | None
    constraint: str
    area: str
    demands: bool

    @property
    def on(self) -> dt.date:
        """The day of the crossing (UTC)."""
        return self.at.astimezone(dt.UTC).date()

    @property
    def free(self) -> bool:
        """A crossing with no delay, no turning back, no incident."""
        return self.outcome is CheckpointOutcome.PASSED


@dataclass(frozen=True, slots=True)
class Facts:
    """Every contact and checkpoint log of one read-model version, by actor."""

    version: int
    actors: dict[uuid.UUID, Actor]
    canonical: dict[uuid.UUID, uuid.UUID]
    contacts: list[ContactFact]
    checkpoints: list[CheckpointFact]
    by_actor: dict[uuid.UUID | None, list[ContactFact]] = field(default_factory=dict)
    logs_by_actor: dict[uuid.UUID | None, list[CheckpointFact]] = field(
        default_factory=dict
    )

    def actor(self, actor_id: uuid.UUID | None) -> Actor | None:
        """The live actor a (possibly merged) id stands for."""
        if actor_id is None:
            return None
        return self.actors.get(self.canonical.get(actor_id, actor_id))

    def merged_from(self, actor_id: uuid.UUID) -> list[Actor]:
        """Actors merged into ``actor_id`` (directly or through others)."""
        return [
            a
            for a_id, a in self.actors.items()
            if a_id != actor_id and self.canonical.get(a_id) == actor_id
        ]


def _canonical(actors: dict[uuid.UUID, Actor]) -> dict[uuid.UUID, uuid.UUID]:
    """Each actor id to the end of its ``merged_into`` chain (cycles stop)."""
    out: dict[uuid.UUID, uuid.UUID] = {}
    for start in actors:
        seen, current = [start], start
        while True:
            target = actors[current].merged_into
            if target is None or target not in actors or target in seen:
                break
            seen.append(target)
            current = target
        out[start] = current
    return out


def _contact(c: Contact, canon: dict[uuid.UUID, uuid.UUID]) -> ContactFact:
    return ContactFact(
        id=c.id,
        actor=canon.get(c.actor_id, c.actor_id) if c.actor_id else None,
        team=c.team,
        on=c.on,
        level=c.level,
        methods=frozenset(c.methods),
        approaches=frozenset(c.approaches),
        issues=frozenset(c.issues),
        risks=frozenset(c.risks),
        planned=c.status is ContactStatus.PLANNED,
        commitments=tuple(
            CommitmentFact(x.text, x.due, x.compliance) for x in c.commitments
        ),
    )


def _log(
    x: CheckpointLog, canon: dict[uuid.UUID, uuid.UUID], areas: dict[uuid.UUID, str]
) -> CheckpointFact:
    return CheckpointFact(
        id=x.id,
        actor=canon.get(x.actor_id, x.actor_id) if x.actor_id else None,
        team=x.team,
        at=x.observed_at,
        outcome=x.outcome,
        delay=x.delay_minutes,
        constraint=x.constraint.value if x.constraint else "",
        area=areas.get(x.place_id, "") if x.place_id else "",
        demands=bool(x.demands.strip()),
    )


def build_facts(model: ReadModel) -> Facts:
    """One pass over the read model's contacts and checkpoint logs."""
    version = model.version
    actors = {a.id: a for a in model.records(Actor)}
    canon = _canonical(actors)
    areas = {p.id: p.area for p in model.records(Place)}
    contacts = [_contact(c, canon) for c in model.records(Contact)]
    contacts.sort(key=lambda c: (c.on, str(c.id)))
    logs = [_log(x, canon, areas) for x in model.records(CheckpointLog)]
    logs.sort(key=lambda x: (x.at, str(x.id)))
    by_actor: dict[uuid.UUID | None, list[ContactFact]] = defaultdict(list)
    for c in contacts:
        by_actor[c.actor].append(c)
    logs_by_actor: dict[uuid.UUID | None, list[CheckpointFact]] = defaultdict(list)
    for x in logs:
        logs_by_actor[x.actor].append(x)
    return Facts(
        version, actors, canon, contacts, logs, dict(by_actor), dict(logs_by_actor)
    )


class FactSource:
    """The facts of the read model's current version, built at most once each."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model
        self._lock = threading.Lock()
        self._facts: Facts | None = None

    def get(self) -> Facts:
        """Current facts (waits for the read model to be built)."""
        with self._lock:
            facts = self._facts
            if facts is None or facts.version != self.model.version:
                facts = self._facts = build_facts(self.model)
            return facts
