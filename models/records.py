"""The domain records of Parley. Pure data: validation only, no I/O."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, ClassVar

from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from models.base import RecordKind, SyncedRecord
from models.enums import (
    AccessConstraint,
    ActorType,
    Approach,
    CheckpointOutcome,
    Compliance,
    ContactKind,
    ContactStatus,
    FollowUpStatus,
    Influence,
    Level,
    LogStatus,
    Method,
    ProtectionIssue,
    RiskFlag,
    Sensitivity,
    Stance,
)
from models.text import NAME_MAX, TEXT_MAX, LongText, Name, ShortText

__all__ = [
    "NAME_MAX",
    "TEXT_MAX",
    "Actor",
    "Briefing",
    "CheckpointLog",
    "Commitment",
    "Contact",
    "Coords",
    "FollowUp",
    "Place",
    "Record",
    "RECORD_TYPES",
]

# Two decimals of a degree is about 1.1 km: enough to plan, too coarse to find a house.
COORD_DECIMALS = 2


class Coords(SQLModel):
    """A coarse position, rounded to about 1 km on the way in."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)

    @field_validator("lat", "lon")
    @classmethod
    def _coarsen(cls, value: float) -> float:
        return round(value, COORD_DECIMALS)


class Place(SyncedRecord):
    """A place from the team's own list: a town, a checkpoint, a road junction."""

    kind: ClassVar[RecordKind] = RecordKind.PLACE
    sealed: ClassVar[bool] = False
    private: ClassVar[frozenset[str]] = frozenset({"notes"})
    private_per_team: ClassVar[bool] = True

    name: Name
    # The district or zone it lies in: what a redacted export shows instead.
    area: ShortText = ""
    coords: Coords | None = None
    notes: LongText = ""


class Actor(SyncedRecord):
    """An armed actor in the registry, with its stakeholder-mapping fields."""

    kind: ClassVar[RecordKind] = RecordKind.ACTOR
    sealed: ClassVar[bool] = False
    # The hub reads what merging needs (name, aliases, type, affiliation, area);
    # each team's assessment and notes are sealed to that team and coordinators.
    private: ClassVar[frozenset[str]] = frozenset({"influence", "stance", "notes"})
    private_per_team: ClassVar[bool] = True

    name: Name
    aliases: list[ShortText] = Field(default_factory=list)
    actor_type: ActorType = ActorType.OTHER
    parent_id: uuid.UUID | None = None
    area: ShortText = ""
    influence: Influence | None = None
    stance: Stance | None = None
    notes: LongText = ""
    # Set when this entry turned out to duplicate another: readers follow the pointer.
    merged_into: uuid.UUID | None = None

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for alias in value:
            text = alias.strip()[:NAME_MAX]
            if text and text.casefold() not in seen:
                seen[text.casefold()] = text
        return list(seen.values())


class CheckpointLog(SyncedRecord):
    """One checkpoint crossing, logged in seconds and completed later."""

    kind: ClassVar[RecordKind] = RecordKind.CHECKPOINT
    sealed: ClassVar[bool] = True

    place_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    observed_at: datetime
    entered_at: datetime
    outcome: CheckpointOutcome
    delay_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    demands: LongText = ""
    items_checked: LongText = ""
    notes: LongText = ""
    constraint: AccessConstraint | None = None
    status: LogStatus = LogStatus.DRAFT

    @model_validator(mode="after")
    def _free_crossing_has_no_constraint(self) -> CheckpointLog:
        if self.outcome is CheckpointOutcome.PASSED and self.constraint is not None:
            raise ValueError("a free crossing has no access constraint")
        return self


class Commitment(SQLModel):
    """Something an actor agreed to do, and whether it was done."""

    text: Annotated[LongText, Field(min_length=1)]
    due: date | None = None
    compliance: Compliance = Compliance.PENDING


class Contact(SyncedRecord):
    """A dialogue or community-level engagement with an armed actor."""

    kind: ClassVar[RecordKind] = RecordKind.CONTACT
    sealed: ClassVar[bool] = True

    on: date
    place_id: uuid.UUID | None = None
    contact_kind: ContactKind = ContactKind.BILATERAL
    actor_id: uuid.UUID | None = None
    interlocutor_role: ShortText = ""
    level: Level | None = None
    methods: list[Method] = Field(default_factory=list)
    approaches: list[Approach] = Field(default_factory=list)
    issues: list[ProtectionIssue] = Field(default_factory=list)
    asks: LongText = ""
    commitments: list[Commitment] = Field(default_factory=list)
    outcome: LongText = ""
    risks: list[RiskFlag] = Field(default_factory=list)
    sensitivity: Sensitivity = Sensitivity.NORMAL
    cards: list[ShortText] = Field(default_factory=list, max_length=64)
    status: ContactStatus = ContactStatus.DONE
    notes: LongText = ""
    # Saved to be finished later (as a checkpoint log's draft): listed to complete.
    draft: bool = False


class FollowUp(SyncedRecord):
    """A task arising from a contact, assigned to a team (``team``).

    The hub routes it by team and sees nothing else: every other field travels
    sealed to that team's devices and the coordinators.
    """

    kind: ClassVar[RecordKind] = RecordKind.FOLLOW_UP
    sealed: ClassVar[bool] = False
    team_owned: ClassVar[bool] = True
    private: ClassVar[frozenset[str]] = frozenset(
        {"contact_id", "actor_id", "title", "notes", "due", "status"}
    )

    contact_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    title: Name
    notes: LongText = ""
    due: date | None = None
    status: FollowUpStatus = FollowUpStatus.OPEN


class Briefing(SyncedRecord):
    """A coordinator's "before you go" note on an actor, for one team (``team``).

    What other teams agreed or asked, what to avoid: read by that team's devices
    when they log a contact or a crossing with the actor. The hub routes it by
    team and sees nothing else; only a coordinator's device may write one.
    """

    kind: ClassVar[RecordKind] = RecordKind.BRIEFING
    sealed: ClassVar[bool] = False
    private: ClassVar[frozenset[str]] = frozenset({"actor_id", "text"})
    coordinator_only: ClassVar[bool] = True

    actor_id: uuid.UUID | None = None
    text: LongText = ""


Record = Actor | Place | CheckpointLog | Contact | FollowUp | Briefing

RECORD_TYPES: dict[RecordKind, type[SyncedRecord]] = {
    RecordKind.ACTOR: Actor,
    RecordKind.PLACE: Place,
    RecordKind.CHECKPOINT: CheckpointLog,
    RecordKind.CONTACT: Contact,
    RecordKind.FOLLOW_UP: FollowUp,
    RecordKind.BRIEFING: Briefing,
}
