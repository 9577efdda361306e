"""The device directory over real HTTP: who a device seals to, revocation, late
enrollment. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from app.sync import load_identity
from app.sync.identity import Identity
from app.sync.sealing import (
    directory_certificates,
    directory_version,
    open_sealed_value,
    reading_keys,
    seal_for_team,
)
from hub.devices import revoke, wipe
from hub.directory import directory_for
from hub.service import Hub, now_ms
from models.enums import Role
from models.envelope import record_context
from models.keys import CryptoError
from tests.hub.fixtures import DeviceFactory
from tests.hub.support import Device

CONTEXT = record_context("follow_up", "12" * 16, "sealed")


def _identity(device: Device) -> Identity:
    identity = load_identity(device.store)
    assert identity is not None
    return identity


def _listed(device: Device) -> set[str]:
    certs = directory_certificates(device.store, _identity(device), now_ms=now_ms())
    return {c.device for c in certs}


def _open(device: Device, box: bytes) -> bytes:
    identity = _identity(device)
    keys = reading_keys(device.store, identity)
    return open_sealed_value(keys, identity, box, context=CONTEXT).plaintext


def _seal(device: Device, team: str, text: bytes) -> bytes:
    return seal_for_team(
        device.store,
        _identity(device),
        text,
        team=team,
        context=CONTEXT,
        now_ms=now_ms(),
    )


def test_field_device_gets_its_team_and_the_coordinators_a_coordinator_gets_all(
    devices: DeviceFactory,
) -> None:
    north, north2 = devices("n1"), devices("n2")
    south = devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    for device in (north, south, coord):
        device.sync()
    n1, n2, s1, c1 = (_identity(d).device for d in (north, north2, south, coord))
    assert _listed(north) == {n1, n2, c1}
    assert _listed(south) == {s1, c1}
    assert _listed(coord) == {n1, n2, s1, c1}


def test_sealed_for_a_team_opens_on_its_devices_and_coordinators_only(
    devices: DeviceFactory,
) -> None:
    north, north2 = devices("n1"), devices("n2")
    south = devices("s1", team="south")
    coord = devices("c1", team="hq", role=Role.COORDINATOR)
    for device in (north, north2, south, coord):
        device.sync()
    box = _seal(north, "north", b"meet at the bridge")
    assert _open(north, box) == _open(north2, box) == b"meet at the bridge"
    assert _open(coord, box) == b"meet at the bridge"
    with pytest.raises(CryptoError):
        _open(south, box)
    # A coordinator seals for south: south reads it, north does not.
    box = _seal(coord, "south", b"south only")
    assert _open(south, box) == b"south only"
    with pytest.raises(CryptoError):
        _open(north, box)


def test_revoked_or_wiped_device_is_dropped_and_gets_nothing_sealed_after(
    hub: Hub, devices: DeviceFactory
) -> None:
    north, lost, wiped = devices("n1"), devices("n2"), devices("n3")
    north.sync()
    before = directory_version(north.store)
    revoke(hub.db, hub.keys, _identity(lost).device, now_ms=now_ms())
    wipe(hub.db, hub.keys, _identity(wiped).device, now_ms=now_ms())
    north.sync()
    assert directory_version(north.store) > before
    assert _listed(north) == {_identity(north).device}
    box = _seal(north, "north", b"after the loss")
    for gone in (lost, wiped):
        with pytest.raises(CryptoError):
            _open(gone, box)


def test_device_enrolled_later_cannot_open_what_was_sealed_before_coordinators_can(
    devices: DeviceFactory,
) -> None:
    north = devices("n1")
    north.sync()
    box = _seal(north, "north", b"old task")
    newcomer = devices("n2")
    late_coord = devices("c1", team="hq", role=Role.COORDINATOR)
    newcomer.sync()
    with pytest.raises(CryptoError):
        _open(newcomer, box)
    assert _open(late_coord, box) == b"old task"  # through the records key
    north.sync()
    assert _open(newcomer, _seal(north, "north", b"new task")) == b"new task"


def test_unchanged_directory_is_not_sent_again(
    hub: Hub, devices: DeviceFactory
) -> None:
    north = devices("n1")
    north.sync()
    version = directory_version(north.store)
    assert version >= 2
    with hub.db.read() as conn:
        assert directory_for(conn, team="north", role="field", cursor=version) is None
        again = directory_for(conn, team="north", role="field", cursor=0)
    assert again is not None and again.version == version
