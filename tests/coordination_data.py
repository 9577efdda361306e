"""Records of several teams in one vault, as a coordinator's device holds them."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from app.store import Store
from app.sync.identity import Identity, save_identity
from models import Actor, CheckpointLog, Contact
from models.enums import CheckpointOutcome
from models.keys import box_public, new_key, signing_public


def device_of(team: str) -> str:
    """A device id (32 hex digits, like the hub's) for one device per team."""
    return hashlib.sha256(team.encode()).hexdigest()[:32]


def as_team(store: Store, team: str) -> None:
    """Later saves are authored by a device of ``team``."""
    store.set_identity(device=device_of(team), team=team)


def enroll_as(store: Store, role: str, team: str = "hq") -> None:
    """Make the vault's identity one of ``role`` (no hub involved)."""
    save_identity(
        store,
        Identity(
            device=device_of(team),
            team=team,
            role=role,
            base_url="http://127.0.0.1:9",
            ed=new_key(),
            x=new_key(),
            cert=b"",
            command_key=signing_public(new_key()),
            publish_key=signing_public(new_key()),
            records_key=box_public(new_key()),
        ),
    )


def actor(store: Store, name: str, **fields: Any) -> Actor:
    """Save an actor in the registry."""
    return store.save(Actor(name=name, **fields))


def contact(
    store: Store, team: str, on: dt.date, who: Actor | None, **fields: Any
) -> Contact:
    """Save a contact as ``team`` made it."""
    as_team(store, team)
    return store.save(Contact(on=on, actor_id=who.id if who else None, **fields))


def crossing(
    store: Store,
    team: str,
    at: dt.datetime,
    who: Actor | None,
    outcome: CheckpointOutcome,
    **fields: Any,
) -> CheckpointLog:
    """Save a checkpoint log as ``team`` made it."""
    as_team(store, team)
    return store.save(
        CheckpointLog(
            observed_at=at,
            entered_at=at,
            actor_id=who.id if who else None,
            outcome=outcome,
            **fields,
        )
    )
