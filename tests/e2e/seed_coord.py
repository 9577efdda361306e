"""A coordinator's vault with three teams' records, as after syncing with a hub."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.main import build_gate
from app.settings import Settings
from app.sync.identity import RECORDS_KEY_META
from models import Commitment, Place
from models.enums import (
    AccessConstraint,
    ActorType,
    Approach,
    CheckpointOutcome,
    Compliance,
    ContactStatus,
    Level,
    Method,
    ProtectionIssue,
    RiskFlag,
)
from tests.conftest import FAST_KDF
from tests.coordination_data import actor, as_team, contact, crossing, enroll_as

#: What a shareable export must never hold.
MARKERS = ("MARKER-ROLE", "MARKER-NOTE", "MARKER-GATE", "2026-03-10")
ALIAS = "Jaysh el Mahdy"


def seed_coordination(data_dir: Path, passphrase: str, *, today: dt.date) -> None:
    """Three teams, six actors (two of them one group under two spellings)."""
    gate = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF)
    services = gate.create(passphrase, passphrase)
    store = services._store
    try:
        enroll_as(store, "coordinator")
        store.set_meta(RECORDS_KEY_META, bytes(32))
        as_team(store, "hq")
        jam = actor(store, "Jaish al-Mahdi", actor_type=ActorType.MILITIA)
        alias = actor(store, ALIAS, actor_type=ActorType.MILITIA)
        brigade = actor(store, "Northern Brigade", actor_type=ActorType.STATE_FORCES)
        police = actor(store, "District police", actor_type=ActorType.LAW_ENFORCEMENT)
        gate_place = store.save(Place(name="MARKER-GATE north", area="Hills district"))
        d = today - dt.timedelta(days=20)
        contact(
            store,
            "north",
            d,
            jam,
            level=Level.LOCAL,
            issues=[ProtectionIssue.DETENTION],
            methods=[Method.DIRECT_DIALOGUE],
            approaches=[Approach.QUID_PRO_QUO],
            interlocutor_role="MARKER-ROLE",
            notes="MARKER-NOTE",
            place_id=gate_place.id,
            commitments=[
                Commitment(text="release two drivers", due=d + dt.timedelta(7))
            ],
        )
        contact(
            store,
            "south",
            d + dt.timedelta(3),
            alias,
            level=Level.SENIOR,
            issues=[ProtectionIssue.DETENTION],
            methods=[Method.DIRECT_DIALOGUE],
            approaches=[Approach.INTERNATIONAL_LAW],
            risks=[RiskFlag.STAFF_SAFETY],
        )
        contact(
            store,
            "east",
            d + dt.timedelta(9),
            jam,
            status=ContactStatus.PLANNED,
            issues=[ProtectionIssue.HUMANITARIAN_ACCESS],
        )
        for n in range(6):
            contact(
                store,
                ("north", "east")[n % 2],
                today - dt.timedelta(days=15 * n + 2),
                brigade,
                level=(Level.LOCAL, Level.MID)[n % 2],
                issues=[ProtectionIssue.FREEDOM_OF_MOVEMENT],
                methods=[Method.EDUCATION_TRAINING],
                commitments=[
                    Commitment(
                        text="open the road at night",
                        compliance=(Compliance.KEPT, Compliance.BROKEN)[n % 2],
                    )
                ],
            )
        contact(
            store,
            "south",
            today - dt.timedelta(days=40),
            police,
            issues=[ProtectionIssue.CHILD_RECRUITMENT],
        )
        for n, (outcome, delay) in enumerate(
            [
                (CheckpointOutcome.DELAYED, 45),
                (CheckpointOutcome.DELAYED, 120),
                (CheckpointOutcome.TURNED_BACK, None),
                (CheckpointOutcome.INCIDENT, None),
                (CheckpointOutcome.PASSED, None),
            ]
        ):
            at = dt.datetime.combine(
                today - dt.timedelta(days=12 * n + 1), dt.time(9, 30), dt.UTC
            )
            crossing(
                store,
                "north",
                at,
                brigade,
                outcome,
                delay_minutes=delay,
                place_id=gate_place.id,
                constraint=None
                if outcome is CheckpointOutcome.PASSED
                else AccessConstraint.MOVEMENT_RESTRICTION,
            )
        as_team(store, "hq")  # the coordinator's own saves (a merge)
    finally:
        services.close()
