"""Fields every synced record carries: identity, revision chain, clock, authorship."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import ClassVar

from sqlmodel import Field, SQLModel

from models.text import ShortText, Team

__all__ = ["RecordKind", "SyncedRecord", "new_id"]


def new_id() -> uuid.UUID:
    """Return a random UUIDv4 (v7 would leak the creation time)."""
    return uuid.uuid4()


class RecordKind(StrEnum):
    """Every type of synced record, with its stable wire code."""

    ACTOR = "actor"
    PLACE = "place"
    CHECKPOINT = "checkpoint"
    CONTACT = "contact"
    FOLLOW_UP = "follow_up"
    BRIEFING = "briefing"


class SyncedRecord(SQLModel):
    """Revision fields shared by every record kind.

    A record is a chain of immutable revisions. ``id`` names the record, ``rev`` this
    revision, ``parents`` the revisions it replaces (two parents merge a conflict).
    """

    kind: ClassVar[RecordKind]
    sealed: ClassVar[bool] = False
    # Fields of a hub-readable kind that reach the hub only sealed to the devices
    # of a team and the coordinators (``models.wire.private``).
    private: ClassVar[frozenset[str]] = frozenset()
    # True: one sealed cell per author team (notes on a shared registry entry);
    # False: one sealed cell for the record (a follow-up, sealed to its team).
    private_per_team: ClassVar[bool] = False
    # True: only a coordinator's device may write it; a device refuses one whose
    # signer's certificate says otherwise (a coordinator's briefing to a team).
    coordinator_only: ClassVar[bool] = False
    # True: owned by a team like a sealed record (a follow-up), not a shared
    # registry entry whose name, deletion and merge are guarded.
    team_owned: ClassVar[bool] = False

    id: uuid.UUID = Field(default_factory=new_id)
    rev: uuid.UUID = Field(default_factory=new_id)
    parents: list[uuid.UUID] = Field(default_factory=list)
    hlc: ShortText = ""
    device: ShortText = ""
    team: Team = ""
    deleted: bool = False
