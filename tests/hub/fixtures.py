"""Fixtures shared by the hub and sync suites: a live hub and enrolled devices.

Each suite's conftest provides its own ``hub`` (SQLite and PostgreSQL for the hub
suite, SQLite for sync) and imports these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.service import Hub
from models.enums import Role
from tests.hub.support import Device, LiveHub, enroll

__all__ = ["DeviceFactory", "devices", "live"]

DeviceFactory = Callable[..., Device]


@pytest.fixture
def live(hub: Hub) -> Iterator[LiveHub]:
    """The hub served over HTTP on 127.0.0.1."""
    server = LiveHub(hub)
    yield server
    server.stop()


@pytest.fixture
def devices(hub: Hub, live: LiveHub, tmp_path: Path) -> Iterator[DeviceFactory]:
    """Enroll devices against the live hub; their clients and stores close after."""
    made: list[Device] = []

    def factory(name: str, *, role: Role = Role.FIELD, team: str = "north") -> Device:
        device = enroll(hub, live.url, tmp_path / name, team=team, role=role)
        made.append(device)
        return device

    yield factory
    for device in made:
        device.client.close()
        if device.store.is_open:
            device.store.close()
