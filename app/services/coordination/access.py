"""The access incident report: checkpoint logs that were not free crossings.

Counted by OCHA access-constraint category, area, actor and month, in flat rows
an access working group can paste into its own reporting (CSV below).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from app.services.coordination.facts import CheckpointFact, Facts
from app.services.coordination.overview import month_of

__all__ = ["AccessLine", "AccessReport", "access_csv", "build_access"]


@dataclass(frozen=True, slots=True)
class AccessLine:
    """Incidents of one category, in one area, with one actor, in one month."""

    month: str
    constraint: str  # the OCHA category code, "" when not given
    area: str
    actor: uuid.UUID | None
    actor_name: str
    events: int
    delayed: int
    turned_back: int
    incidents: int
    median_delay: float | None


@dataclass(frozen=True, slots=True)
class AccessReport:
    """Every line, newest month first, with totals by category and by month."""

    lines: list[AccessLine]
    by_constraint: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    by_actor: list[tuple[str, int]]
    total: int


def _line(
    key: tuple[str, str, str, uuid.UUID | None], name: str, logs: list[CheckpointFact]
) -> AccessLine:
    outcomes = Counter(x.outcome.value for x in logs)
    delays = [x.delay for x in logs if x.delay is not None]
    return AccessLine(
        month=key[0],
        constraint=key[1],
        area=key[2],
        actor=key[3],
        actor_name=name,
        events=len(logs),
        delayed=outcomes["delayed"],
        turned_back=outcomes["turned_back"],
        incidents=outcomes["incident"],
        median_delay=statistics.median(delays) if delays else None,
    )


def build_access(
    facts: Facts,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    unnamed: str = "",
) -> AccessReport:
    """The report over ``start``..``end`` (days, UTC)."""
    groups: dict[tuple[str, str, str, uuid.UUID | None], list[CheckpointFact]]
    groups = defaultdict(list)
    for x in facts.checkpoints:
        if x.free or (start and x.on < start) or (end and x.on > end):
            continue
        groups[(month_of(x.on), x.constraint, x.area, x.actor)].append(x)
    lines = []
    for key, logs in groups.items():
        actor = facts.actor(key[3])
        lines.append(_line(key, actor.name if actor else unnamed, logs))
    lines.sort(key=lambda a: (a.month, -a.events, a.constraint, a.area), reverse=False)
    lines.sort(key=lambda a: a.month, reverse=True)

    def total(attr: str) -> list[tuple[str, int]]:
        counts: Counter[str] = Counter()
        for line in lines:
            counts[str(getattr(line, attr))] += line.events
        return counts.most_common()

    return AccessReport(
        lines=lines,
        by_constraint=total("constraint"),
        by_month=sorted(total("month"), reverse=True),
        by_area=total("area"),
        by_actor=total("actor_name"),
        total=sum(line.events for line in lines),
    )


def access_csv(report: AccessReport) -> bytes:
    """One line per row of the report; UTF-8 with BOM for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "month",
            "access_constraint",
            "area",
            "actor",
            "events",
            "delayed",
            "turned_back",
            "incidents",
            "median_delay_minutes",
        ]
    )
    for a in report.lines:
        median = "" if a.median_delay is None else f"{a.median_delay:g}"
        cells = [a.month, a.constraint, a.area, a.actor_name]
        cells = ["'" + c if c.startswith(("=", "+", "-", "@")) else c for c in cells]
        writer.writerow(
            [*cells, a.events, a.delayed, a.turned_back, a.incidents, median]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
