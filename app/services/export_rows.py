"""Export rows: contacts and checkpoint logs as flat fields, redacted on the way out.

Redaction happens here, while the rows are made, so no writer (CSV, JSON, HTML)
ever holds what a profile removes. "Drop people" removes the interlocutor's role
and every free-text field (notes, asks, outcome, commitment wording, demands,
items checked): free text is where names end up. Commitments then travel as a
count by compliance. "Coarse places" replaces a place by its area, and never
gives a place's name or position. "Coarse dates" gives the ISO week only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass

from app.readmodel import ReadModel
from models import Actor, CheckpointLog, Contact, Place
from models.records import Commitment

__all__ = [
    "COLUMNS",
    "FULL",
    "SHAREABLE",
    "ExportRow",
    "Redaction",
    "iso_week",
    "make_rows",
]

ExportRow = dict[str, str]

COLUMNS = (
    "record",
    "ref",
    "team",
    "date",
    "place",
    "area",
    "lat",
    "lon",
    "actor",
    "actor_type",
    "contact_kind",
    "interlocutor_role",
    "level",
    "methods",
    "approaches",
    "issues",
    "asks",
    "commitments",
    "outcome",
    "risks",
    "sensitivity",
    "status",
    "crossing",
    "delay_minutes",
    "access_constraint",
    "demands",
    "items_checked",
    "notes",
)


@dataclass(frozen=True, slots=True)
class Redaction:
    """What an export leaves out. The profile's ``name`` is what the hub hears."""

    name: str
    drop_people: bool = False
    coarse_places: bool = False
    coarse_dates: bool = False

    @property
    def redacted(self) -> bool:
        """True when anything at all is left out."""
        return self.drop_people or self.coarse_places or self.coarse_dates


FULL = Redaction("full")
SHAREABLE = Redaction(
    "shareable", drop_people=True, coarse_places=True, coarse_dates=True
)


def iso_week(day: dt.date) -> str:
    """``2026-W48``: the ISO year and week of ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class _Names:
    """Actor and place names as the read model has them, merges followed."""

    def __init__(self, model: ReadModel) -> None:
        self._model = model
        self._actors: dict[uuid.UUID, Actor | None] = {}

    def actor(self, actor_id: uuid.UUID | None) -> Actor | None:
        if actor_id is None:
            return None
        if actor_id not in self._actors:
            found, seen = self._model.record(Actor, actor_id), set[uuid.UUID]()
            while found is not None and found.merged_into is not None:
                seen.add(found.id)
                target = self._model.record(Actor, found.merged_into)
                if target is None or target.id in seen:
                    break
                found = target
            self._actors[actor_id] = found
        return self._actors[actor_id]

    def place(self, place_id: uuid.UUID | None) -> Place | None:
        return None if place_id is None else self._model.record(Place, place_id)


def _day(value: dt.date, redaction: Redaction) -> str:
    return iso_week(value) if redaction.coarse_dates else value.isoformat()


def _moment(value: dt.datetime, redaction: Redaction) -> str:
    if redaction.coarse_dates:
        return iso_week(value.date())
    return value.isoformat(timespec="minutes")


def _where(place: Place | None, redaction: Redaction) -> ExportRow:
    if place is None:
        return {}
    area = place.area or ""
    if redaction.coarse_places:
        return {"area": area}
    coords = place.coords
    return {
        "place": place.name,
        "area": area,
        "lat": "" if coords is None else f"{coords.lat:.2f}",
        "lon": "" if coords is None else f"{coords.lon:.2f}",
    }


def _who(actor: Actor | None) -> ExportRow:
    if actor is None:
        return {}
    return {"actor": actor.name, "actor_type": actor.actor_type.value}


def _commitments(items: list[Commitment], redaction: Redaction) -> str:
    if redaction.drop_people:
        counts = Counter(c.compliance.value for c in items)
        return "; ".join(f"{value} {n}" for value, n in sorted(counts.items()))
    parts = []
    for c in items:
        due = f", due {_day(c.due, redaction)}" if c.due else ""
        parts.append(f"{c.text} ({c.compliance.value}{due})")
    return "; ".join(parts)


def _contact(c: Contact, names: _Names, redaction: Redaction) -> ExportRow:
    row: ExportRow = {
        "record": c.kind.value,
        "team": c.team,
        "date": _day(c.on, redaction),
        "contact_kind": c.contact_kind.value,
        "level": c.level.value if c.level else "",
        "methods": ", ".join(m.value for m in c.methods),
        "approaches": ", ".join(a.value for a in c.approaches),
        "issues": ", ".join(i.value for i in c.issues),
        "commitments": _commitments(c.commitments, redaction),
        "risks": ", ".join(r.value for r in c.risks),
        "sensitivity": c.sensitivity.value,
        "status": c.status.value,
    }
    if not redaction.drop_people:
        row |= {
            "interlocutor_role": c.interlocutor_role,
            "asks": c.asks,
            "outcome": c.outcome,
            "notes": c.notes,
        }
    place, actor = names.place(c.place_id), names.actor(c.actor_id)
    return row | _where(place, redaction) | _who(actor)


def _checkpoint(log: CheckpointLog, names: _Names, redaction: Redaction) -> ExportRow:
    row: ExportRow = {
        "record": log.kind.value,
        "team": log.team,
        "date": _moment(log.observed_at, redaction),
        "crossing": log.outcome.value,
        "delay_minutes": "" if log.delay_minutes is None else str(log.delay_minutes),
        "access_constraint": log.constraint.value if log.constraint else "",
        "status": log.status.value,
    }
    if not redaction.drop_people:
        row |= {
            "demands": log.demands,
            "items_checked": log.items_checked,
            "notes": log.notes,
        }
    place = names.place(log.place_id)
    return row | _where(place, redaction) | _who(names.actor(log.actor_id))


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


def make_rows(
    *,
    model: ReadModel,
    redaction: Redaction,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[ExportRow]:
    """Every contact, then every checkpoint log, oldest first, as export rows.

    Each row has every column of :data:`COLUMNS` (empty when it does not apply).
    ``ref`` (the record id) is left out of redacted exports: with it, a row can be
    matched back to a vault.
    """
    names = _Names(model)
    contacts = sorted(
        (c for c in model.records(Contact) if _within(c.on, start, end)),
        key=lambda c: (c.on, str(c.id)),
    )
    logs = sorted(
        (
            x
            for x in model.records(CheckpointLog)
            if _within(x.observed_at.date(), start, end)
        ),
        key=lambda x: (x.observed_at, str(x.id)),
    )
    made = [_contact(c, names, redaction) for c in contacts]
    made += [_checkpoint(x, names, redaction) for x in logs]
    refs = [str(c.id) for c in contacts] + [str(x.id) for x in logs]
    blank = dict.fromkeys(COLUMNS, "")
    out = []
    for row, ref in zip(made, refs, strict=True):
        full = blank | row
        full["ref"] = "" if redaction.redacted else ref
        out.append(full)
    return out
