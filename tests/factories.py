"""Valid records with random or chosen text, for tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from models import (
    Actor,
    Briefing,
    CheckpointLog,
    Commitment,
    Contact,
    Coords,
    FollowUp,
    Place,
)
from models.enums import (
    AccessConstraint,
    ActorType,
    Approach,
    CheckpointOutcome,
    Method,
    ProtectionIssue,
    RiskFlag,
)

UTC = dt.UTC


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def make_actor(**overrides: Any) -> Actor:
    fields: dict[str, Any] = {
        "name": f"Unit {uuid.uuid4().hex[:6]}",
        "aliases": ["The Hawks"],
        "actor_type": ActorType.MILITIA,
        "area": "North road",
    }
    return Actor(**(fields | overrides))


def make_place(**overrides: Any) -> Place:
    fields: dict[str, Any] = {"name": f"Junction {uuid.uuid4().hex[:4]}"}
    return Place(**(fields | overrides))


def make_log(**overrides: Any) -> CheckpointLog:
    fields: dict[str, Any] = {
        "observed_at": now(),
        "entered_at": now(),
        "outcome": CheckpointOutcome.DELAYED,
        "delay_minutes": 40,
        "constraint": AccessConstraint.MOVEMENT_RESTRICTION,
    }
    return CheckpointLog(**(fields | overrides))


def make_contact(**overrides: Any) -> Contact:
    fields: dict[str, Any] = {
        "on": dt.date.today(),
        "methods": [Method.DIRECT_DIALOGUE],
        "approaches": [Approach.LOCAL_NORMS],
        "issues": [ProtectionIssue.FREEDOM_OF_MOVEMENT],
        "risks": [RiskFlag.STAFF_SAFETY],
        "asks": "Let the water trucks through on Tuesdays",
        "commitments": [Commitment(text="Open the gate at 8", due=dt.date.today())],
    }
    return Contact(**(fields | overrides))


def make_follow_up(**overrides: Any) -> FollowUp:
    fields: dict[str, Any] = {"title": "Check the gate opens"}
    return FollowUp(**(fields | overrides))


def make_briefing(**overrides: Any) -> Briefing:
    """A coordinator's "before you go" note for the north team."""
    return Briefing(**({"team": "north", "text": "Go by the east road"} | overrides))


def marked_records(marker: str) -> list[Any]:
    """One record of every kind with ``marker`` in every text field."""
    return [
        make_actor(name=marker, aliases=[marker], area=marker, notes=marker),
        make_place(name=marker, notes=marker, coords=Coords(lat=12.3456, lon=45.6789)),
        make_log(demands=marker, items_checked=marker, notes=marker),
        make_contact(
            interlocutor_role=marker,
            asks=marker,
            outcome=marker,
            notes=marker,
            cards=[marker],
            commitments=[Commitment(text=marker)],
        ),
        make_follow_up(title=marker),
        make_briefing(text=marker),
    ]
