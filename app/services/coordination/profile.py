"""One actor across every team: who it is, every record with it, what worked."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from app.services.coordination.facts import CheckpointFact, ContactFact, Facts
from models import Actor
from models.enums import Compliance

__all__ = [
    "ActorProfile",
    "CheckpointPattern",
    "CommitmentLine",
    "Moment",
    "Tried",
    "build_profile",
    "commitment_state",
]

_OPEN = (Compliance.PENDING, Compliance.UNKNOWN)


@dataclass(frozen=True, slots=True)
class Moment:
    """One record on the actor's timeline (newest first). ``kind`` is its code."""

    id: uuid.UUID
    kind: str
    team: str
    on: dt.date
    planned: bool = False
    safety: bool = False


@dataclass(frozen=True, slots=True)
class Tried:
    """A method or approach, with how often it was used and what came of it.

    ``kept``/``broken`` count the commitments obtained in those contacts.
    """

    group: str  # "method" or "approach"
    code: str
    contacts: int
    commitments: int
    kept: int
    broken: int


@dataclass(frozen=True, slots=True)
class CommitmentLine:
    """One commitment the actor made; ``state`` is kept, broken, overdue, due..."""

    contact: uuid.UUID
    team: str
    on: dt.date
    text: str
    due: dt.date | None
    state: str


@dataclass(frozen=True, slots=True)
class CheckpointPattern:
    """How crossings with this actor go."""

    crossings: int = 0
    free: int = 0
    delayed: int = 0
    turned_back: int = 0
    incidents: int = 0
    with_demands: int = 0
    median_delay: float | None = None
    max_delay: int | None = None
    constraints: tuple[tuple[str, int], ...] = ()
    areas: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """Everything a coordinator reads about one actor."""

    actor: Actor
    parent_name: str
    aliases: tuple[str, ...]
    merged: tuple[str, ...]
    teams: tuple[str, ...]
    timeline: list[Moment]
    tried: list[Tried]
    commitments: list[CommitmentLine]
    checkpoints: CheckpointPattern
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)


def commitment_state(
    compliance: Compliance, due: dt.date | None, today: dt.date
) -> str:
    """``kept``, ``partly_kept``, ``broken``, or for an open one ``overdue``,
    ``due`` (within a week) or ``open``."""
    if compliance not in _OPEN:
        return compliance.value
    if due is not None and due < today:
        return "overdue"
    if due is not None and (due - today).days <= 7:
        return "due"
    return "open"


def _tried(contacts: list[ContactFact]) -> list[Tried]:
    stats: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in contacts:
        kept = sum(1 for x in c.commitments if x.compliance is Compliance.KEPT)
        broken = sum(1 for x in c.commitments if x.compliance is Compliance.BROKEN)
        codes = [("method", m.value) for m in c.methods]
        codes += [("approach", a.value) for a in c.approaches]
        for key in codes:
            s = stats[key]
            s[0] += 1
            s[1] += len(c.commitments)
            s[2] += kept
            s[3] += broken
    out = [Tried(g, code, *s) for (g, code), s in stats.items()]
    out.sort(key=lambda t: (t.group, -t.contacts, t.code))
    return out


def _pattern(logs: list[CheckpointFact]) -> CheckpointPattern:
    if not logs:
        return CheckpointPattern()
    outcomes = Counter(x.outcome.value for x in logs)
    delays = [x.delay for x in logs if x.delay is not None]
    constraints = Counter(x.constraint for x in logs if x.constraint)
    areas = Counter(x.area for x in logs if x.area)
    return CheckpointPattern(
        crossings=len(logs),
        free=sum(1 for x in logs if x.free),
        delayed=outcomes["delayed"],
        turned_back=outcomes["turned_back"],
        incidents=outcomes["incident"],
        with_demands=sum(1 for x in logs if x.demands),
        median_delay=statistics.median(delays) if delays else None,
        max_delay=max(delays) if delays else None,
        constraints=tuple(constraints.most_common()),
        areas=tuple(areas.most_common(10)),
    )


def build_profile(
    facts: Facts,
    actor_id: uuid.UUID,
    *,
    today: dt.date,
    kinds: tuple[str, str],
) -> ActorProfile | None:
    """The profile of one actor (a merged duplicate gives its survivor's).

    ``kinds`` are the timeline codes of contacts and of checkpoint logs.
    """
    actor = facts.actor(actor_id)
    if actor is None:
        return None
    contacts = facts.by_actor.get(actor.id, [])
    logs = facts.logs_by_actor.get(actor.id, [])
    merged = facts.merged_from(actor.id)
    aliases = list(actor.aliases)
    for other in merged:
        aliases += [n for n in (other.name, *other.aliases) if n not in aliases]
    timeline = [
        Moment(c.id, kinds[0], c.team, c.on, c.planned, c.safety) for c in contacts
    ]
    timeline += [Moment(x.id, kinds[1], x.team, x.on) for x in logs]
    timeline.sort(key=lambda m: (m.on, str(m.id)), reverse=True)
    lines = [
        CommitmentLine(
            c.id,
            c.team,
            c.on,
            x.text,
            x.due,
            commitment_state(x.compliance, x.due, today),
        )
        for c in contacts
        for x in c.commitments
    ]
    lines.sort(key=lambda x: (x.due or dt.date.max, x.on))
    levels: dict[str, set[str]] = defaultdict(set)
    for c in contacts:
        if c.level is not None and not c.planned:
            levels[c.team].add(c.level.value)
    parent = facts.actor(actor.parent_id)
    return ActorProfile(
        actor=actor,
        parent_name=parent.name if parent else "",
        aliases=tuple(a for a in aliases if a != actor.name),
        merged=tuple(sorted(o.name for o in merged)),
        teams=tuple(sorted({m.team for m in timeline}, key=str.casefold)),
        timeline=timeline,
        tried=_tried([c for c in contacts if not c.planned]),
        commitments=lines,
        checkpoints=_pattern(logs),
        levels={t: tuple(sorted(v)) for t, v in sorted(levels.items())},
    )
