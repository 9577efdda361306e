"""De-confliction alerts: where two teams risk contradicting each other.

Each alert says why it fired (a reason code and the values the screen words it
with) and names the records behind it. Four rules, each over one actor:

* ``overlap``: two teams raised the same issue with it within the window;
* ``contradiction``: one team offered something in return (quid pro quo) on an
  issue while another pressed the same issue on principle (law or norms, no
  trade) within the window: the actor can play one against the other;
* ``after_safety``: a team met it, or plans to, on or after the day another team
  recorded a staff-safety flag or a checkpoint incident with it;
* ``levels``: it was engaged at several levels by different teams within the
  window, with no one team covering them (no shared plan).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from app.services.coordination.facts import ContactFact, Facts
from models.enums import Approach, CheckpointOutcome

__all__ = ["Alert", "AlertSettings", "build_alerts"]

_PRINCIPLE = frozenset({Approach.INTERNATIONAL_LAW, Approach.LOCAL_NORMS})


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """Windows, in days: how close two contacts must be to matter together."""

    window_days: int = 30
    safety_days: int = 90


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert: its rule, the actor, the teams, what it is about, the records.

    ``issue`` is the protection issue's code (overlap, contradiction) or ``""``;
    ``levels`` the level codes (levels rule); ``latest`` the newest record's day.
    """

    rule: str
    actor: uuid.UUID
    teams: tuple[str, ...]
    records: tuple[uuid.UUID, ...]
    latest: dt.date
    issue: str = ""
    levels: tuple[str, ...] = ()
    first_team: str = ""
    planned: bool = False


def _close_pairs(
    found: list[ContactFact], days: int
) -> list[tuple[ContactFact, ContactFact]]:
    """Pairs from different teams within ``days`` of each other (sorted input)."""
    pairs = []
    start = 0
    for i, c in enumerate(found):
        while (c.on - found[start].on).days > days:
            start += 1
        for d in found[start:i]:
            if d.team != c.team:
                pairs.append((d, c))
    return pairs


def _grouped(pairs: list[tuple[ContactFact, ContactFact]]) -> list[list[ContactFact]]:
    """Join pairs that share a record into clusters (union-find)."""
    parent: dict[uuid.UUID, uuid.UUID] = {}
    facts: dict[uuid.UUID, ContactFact] = {}

    def root(x: uuid.UUID) -> uuid.UUID:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        for c in (a, b):
            if c.id not in parent:
                parent[c.id], facts[c.id] = c.id, c
        ra, rb = root(a.id), root(b.id)
        if ra != rb:
            parent[rb] = ra
    clusters: dict[uuid.UUID, list[ContactFact]] = defaultdict(list)
    for x, c in facts.items():
        clusters[root(x)].append(c)
    return [sorted(c, key=lambda x: (x.on, str(x.id))) for c in clusters.values()]


def _alert(
    rule: str, actor: uuid.UUID, found: list[ContactFact], **extra: object
) -> Alert:
    teams = tuple(sorted({c.team for c in found}, key=str.casefold))
    return Alert(
        rule=rule,
        actor=actor,
        teams=teams,
        records=tuple(c.id for c in found),
        latest=max(c.on for c in found),
        **extra,  # type: ignore[arg-type]
    )


def _overlaps(actor: uuid.UUID, done: list[ContactFact], days: int) -> list[Alert]:
    by_issue: dict[str, list[ContactFact]] = defaultdict(list)
    for c in done:
        for raised in c.issues:
            by_issue[raised.value].append(c)
    out = []
    for issue, found in sorted(by_issue.items()):
        for cluster in _grouped(_close_pairs(found, days)):
            out.append(_alert("overlap", actor, cluster, issue=issue))
    return out


def _contradictions(
    actor: uuid.UUID, done: list[ContactFact], days: int
) -> list[Alert]:
    out = []
    by_issue: dict[str, list[ContactFact]] = defaultdict(list)
    for c in done:
        if Approach.QUID_PRO_QUO in c.approaches or c.approaches & _PRINCIPLE:
            for raised in c.issues:
                by_issue[raised.value].append(c)
    for issue, found in sorted(by_issue.items()):
        pairs = [
            (a, b) for a, b in _close_pairs(found, days) if _trades(a) != _trades(b)
        ]
        for cluster in _grouped(pairs):
            trader = next(c for c in cluster if _trades(c))
            out.append(
                _alert(
                    "contradiction", actor, cluster, issue=issue, first_team=trader.team
                )
            )
    return out


def _trades(c: ContactFact) -> bool:
    return Approach.QUID_PRO_QUO in c.approaches


def _after_safety(
    actor: uuid.UUID, facts: Facts, contacts: list[ContactFact], days: int
) -> list[Alert]:
    flags: dict[str, list[tuple[dt.date, uuid.UUID]]] = defaultdict(list)
    for c in contacts:
        if c.safety and not c.planned:
            flags[c.team].append((c.on, c.id))
    for x in facts.logs_by_actor.get(actor, []):
        if x.outcome is CheckpointOutcome.INCIDENT:
            flags[x.team].append((x.on, x.id))
    out = []
    for team, raised in sorted(flags.items()):
        behind: dict[uuid.UUID, None] = {}
        later = []
        for c in contacts:
            if c.team == team:
                continue
            hits = [f for on, f in raised if 0 <= (c.on - on).days <= days]
            if hits:
                later.append(c)
                behind.update(dict.fromkeys(hits))
        if later:
            out.append(
                Alert(
                    rule="after_safety",
                    actor=actor,
                    teams=tuple(sorted({team, *(c.team for c in later)})),
                    records=(*behind, *(c.id for c in later)),
                    latest=max(c.on for c in later),
                    first_team=team,
                    planned=any(c.planned for c in later),
                )
            )
    return out


def _levels(actor: uuid.UUID, done: list[ContactFact], days: int) -> list[Alert]:
    leveled = [c for c in done if c.level is not None]
    if len({c.level for c in leveled}) < 2:
        return []
    latest = max(c.on for c in leveled)
    recent = [c for c in leveled if (latest - c.on).days <= days]
    per_team: dict[str, set[str]] = defaultdict(set)
    for c in recent:
        per_team[c.team].add(c.level.value)  # type: ignore[union-attr]
    levels = set().union(*per_team.values()) if per_team else set()
    if len(levels) < 2 or len(per_team) < 2:
        return []
    if any(team_levels == levels for team_levels in per_team.values()):
        return []  # one team covers every level: its plan is the shared one
    order = [lv for lv in ("local", "mid", "senior") if lv in levels]
    return [_alert("levels", actor, recent, levels=tuple(order))]


def build_alerts(facts: Facts, settings: AlertSettings | None = None) -> list[Alert]:
    """Every alert over every actor, newest first."""
    s = settings or AlertSettings()
    out: list[Alert] = []
    for actor, contacts in facts.by_actor.items():
        if actor is None:
            continue
        done = [c for c in contacts if not c.planned]
        out += _overlaps(actor, done, s.window_days)
        out += _contradictions(actor, done, s.window_days)
        out += _after_safety(actor, facts, contacts, s.safety_days)
        out += _levels(actor, done, s.window_days)
    out.sort(key=lambda a: (a.latest, a.rule, str(a.actor)), reverse=True)
    return out
