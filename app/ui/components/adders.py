"""The "add it on the spot" actions of the place and actor pickers."""

from __future__ import annotations

import flet as ft

from app.ui.components.picker import Adder
from app.ui.host import Host
from app.ui.messages import enum_label
from models.enums import ActorType

__all__ = ["actor_adder", "place_adder"]


def place_adder(host: Host) -> Adder:
    """Add a place by the name typed (one tap)."""
    create = host.on(lambda name: host.services.places.find_or_create(name))
    return Adder(
        button_key="picker.create_place",
        icon=ft.Icons.ADD_LOCATION_ALT,
        create=lambda name, _kind: create(name) or "",
    )


def actor_adder(host: Host) -> Adder:
    """Add an actor by the name typed, its type chosen in one more tap."""
    create = host.on(lambda pair: host.services.actors.find_or_create(*pair))
    return Adder(
        button_key="picker.create_actor",
        icon=ft.Icons.PERSON_ADD_ALT,
        create=lambda name, kind: create((name, kind)) or "",
        kinds=[(a.value, enum_label("actor_type", a.value)) for a in ActorType],
        kinds_key="picker.actor_kind",
    )
