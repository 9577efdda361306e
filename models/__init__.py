"""Data definitions shared by the field app and the hub. No I/O."""

from models.base import RecordKind, SyncedRecord, new_id
from models.hlc import Hlc, HybridClock
from models.records import (
    RECORD_TYPES,
    Actor,
    Briefing,
    CheckpointLog,
    Commitment,
    Contact,
    Coords,
    FollowUp,
    Place,
    Record,
)

__all__ = [
    "RECORD_TYPES",
    "Actor",
    "Briefing",
    "CheckpointLog",
    "Commitment",
    "Contact",
    "Coords",
    "FollowUp",
    "Hlc",
    "HybridClock",
    "Place",
    "Record",
    "RecordKind",
    "SyncedRecord",
    "new_id",
]
