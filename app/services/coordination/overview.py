"""The engagement overview: actors against teams, and the charts beside it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.services.coordination.facts import ContactFact, Facts
from models.enums import ActorType, Level, Method, ProtectionIssue

__all__ = [
    "ActorHead",
    "Cell",
    "MonthCount",
    "Overview",
    "OverviewFilter",
    "build_overview",
    "delays_by_month",
    "matches",
    "month_of",
]


@dataclass(frozen=True, slots=True)
class OverviewFilter:
    """What the overview counts. Empty values mean "any"."""

    start: dt.date | None = None
    end: dt.date | None = None
    actor_type: ActorType | None = None
    issue: ProtectionIssue | None = None
    method: Method | None = None
    include_planned: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """One actor with one team: how many contacts, the last, levels, issues."""

    actor: uuid.UUID | None
    team: str
    contacts: int
    last: dt.date
    levels: tuple[Level, ...]
    issues: tuple[ProtectionIssue, ...]


@dataclass(frozen=True, slots=True)
class ActorHead:
    """A row of the overview: the actor and its totals across teams."""

    id: uuid.UUID | None
    name: str
    actor_type: str
    contacts: int
    teams: int
    last: dt.date


@dataclass(frozen=True, slots=True)
class MonthCount:
    """A value for one month (``2026-03``) and one series (an actor's name...)."""

    month: str
    series: str
    value: float


@dataclass(frozen=True, slots=True)
class Overview:
    """The grid: actors (most engaged first) by teams (by name), and its cells."""

    actors: list[ActorHead]
    teams: list[str]
    cells: dict[tuple[uuid.UUID | None, str], Cell]
    contacts: int
    per_month: list[MonthCount] = field(default_factory=list)

    def cell(self, actor: uuid.UUID | None, team: str) -> Cell | None:
        """The cell of one actor and one team, if they met."""
        return self.cells.get((actor, team))


def month_of(day: dt.date) -> str:
    """``2026-03``."""
    return f"{day.year:04d}-{day.month:02d}"


def matches(c: ContactFact, flt: OverviewFilter, facts: Facts) -> bool:
    """True when one contact is counted under ``flt``."""
    if c.planned and not flt.include_planned:
        return False
    if (flt.start and c.on < flt.start) or (flt.end and c.on > flt.end):
        return False
    if flt.issue is not None and flt.issue not in c.issues:
        return False
    if flt.method is not None and flt.method not in c.methods:
        return False
    if flt.actor_type is not None:
        actor = facts.actor(c.actor)
        if actor is None or actor.actor_type is not flt.actor_type:
            return False
    return True


_LEVELS = {level: n for n, level in enumerate(Level)}
_ISSUES = {issue: n for n, issue in enumerate(ProtectionIssue)}


def _cell(actor: uuid.UUID | None, team: str, found: list[ContactFact]) -> Cell:
    levels = {c.level for c in found if c.level is not None}
    issues = set().union(*(c.issues for c in found))
    return Cell(
        actor=actor,
        team=team,
        contacts=len(found),
        last=max(c.on for c in found),
        levels=tuple(sorted(levels, key=_LEVELS.__getitem__)),
        issues=tuple(sorted(issues, key=_ISSUES.__getitem__)),
    )


def _per_month(
    found: Iterable[ContactFact], names: dict[uuid.UUID | None, str], top: int
) -> list[MonthCount]:
    wanted = set(list(names)[:top])
    counts: Counter[tuple[str, str]] = Counter(
        (month_of(c.on), names[c.actor]) for c in found if c.actor in wanted
    )
    return [MonthCount(m, s, float(n)) for (m, s), n in sorted(counts.items())]


def build_overview(
    facts: Facts, flt: OverviewFilter, *, unnamed: str = "", top: int = 5
) -> Overview:
    """The overview under ``flt``; ``unnamed`` names contacts with no actor.

    ``per_month`` holds contacts per month for the ``top`` most engaged actors.
    """
    groups: dict[tuple[uuid.UUID | None, str], list[ContactFact]] = defaultdict(list)
    kept = [c for c in facts.contacts if matches(c, flt, facts)]
    for c in kept:
        groups[(c.actor, c.team)].append(c)
    cells = {key: _cell(key[0], key[1], found) for key, found in groups.items()}
    by_actor: dict[uuid.UUID | None, list[Cell]] = defaultdict(list)
    for cell in cells.values():
        by_actor[cell.actor].append(cell)
    heads = []
    for actor_id, row in by_actor.items():
        actor = facts.actor(actor_id)
        heads.append(
            ActorHead(
                id=actor_id,
                name=actor.name if actor else unnamed,
                actor_type=actor.actor_type.value if actor else "",
                contacts=sum(c.contacts for c in row),
                teams=len(row),
                last=max(c.last for c in row),
            )
        )
    heads.sort(key=lambda h: (-h.contacts, h.name.casefold()))
    names = {h.id: h.name for h in heads}
    teams = sorted({team for _, team in cells}, key=str.casefold)
    return Overview(heads, teams, cells, len(kept), _per_month(kept, names, top))


def delays_by_month(facts: Facts, flt: OverviewFilter) -> list[MonthCount]:
    """Mean checkpoint delay (minutes) per month, and crossings not free per month."""
    delays: dict[str, list[int]] = defaultdict(list)
    hindered: Counter[str] = Counter()
    for x in facts.checkpoints:
        day = x.on
        if (flt.start and day < flt.start) or (flt.end and day > flt.end):
            continue
        if flt.actor_type is not None:
            actor = facts.actor(x.actor)
            if actor is None or actor.actor_type is not flt.actor_type:
                continue
        month = month_of(day)
        if x.delay is not None:
            delays[month].append(x.delay)
        if not x.free:
            hindered[month] += 1
    out = [MonthCount(m, "delay", sum(v) / len(v)) for m, v in sorted(delays.items())]
    out += [MonthCount(m, "hindered", float(n)) for m, n in sorted(hindered.items())]
    return out
