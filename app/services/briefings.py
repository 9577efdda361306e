""" "Before you go" notes: a coordinator's briefing on an actor, read by the field.

A coordinator writes one short note per actor (what other teams agreed or asked,
what to avoid). It is saved as one :class:`~models.Briefing` per team, each
sealed to that team's devices and the coordinators; a field device reads the
ones its team received, for the actor it picked or any entry merged with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from app.readmodel import ReadModel
from app.readmodel.kinds import saved_at
from models import Actor, Briefing

__all__ = ["BriefingNote", "briefings_on", "merge_group", "notes_on"]


@dataclass(frozen=True, slots=True)
class BriefingNote:
    """One briefing as a screen shows it: the text, for which team, when written."""

    text: str
    team: str
    written: dt.datetime


def _canonical(actors: dict[uuid.UUID, Actor], actor_id: uuid.UUID) -> uuid.UUID:
    seen: set[uuid.UUID] = set()
    current = actor_id
    while current not in seen:
        seen.add(current)
        actor = actors.get(current)
        if actor is None or actor.merged_into is None:
            return current
        current = actor.merged_into
    return current


def merge_group(model: ReadModel, actor_id: uuid.UUID) -> set[uuid.UUID]:
    """``actor_id``, the entry it was merged into, and every entry merged with it."""
    actors = {a.id: a for a in model.records(Actor)}
    root = _canonical(actors, actor_id)
    group = {a for a in actors if _canonical(actors, a) == root}
    return group | {actor_id, root}


def briefings_on(model: ReadModel, actor_id: uuid.UUID) -> list[Briefing]:
    """Every live briefing on the actor (merges followed), newest first."""
    found = {
        b.id: b
        for member in merge_group(model, actor_id)
        for b in model.referring("actor_id", member, Briefing)
    }
    return sorted(found.values(), key=lambda b: b.hlc, reverse=True)


def notes_on(model: ReadModel, actor_id: uuid.UUID) -> list[BriefingNote]:
    """The briefings this device can read on the actor, newest first."""
    return [
        BriefingNote(b.text, b.team, saved_at(b))
        for b in briefings_on(model, actor_id)
        if b.text.strip()
    ]
