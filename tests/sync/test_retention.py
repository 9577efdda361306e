"""Retention: acknowledged contacts lose their plaintext after the period."""

from __future__ import annotations

import datetime

import pytest

from app.errors import ValidationFailed
from app.sync import purge_due, retention_days, set_retention_days
from app.sync.retention import ACKED_META
from models import Actor, Contact
from tests.sync.conftest import DeviceFactory

DAY_MS = 24 * 3600 * 1000


def test_acknowledged_contacts_are_purged_after_the_retention_period(
    devices: DeviceFactory,
) -> None:
    device = devices("a")
    store = device.store
    old = store.save(Contact(on=datetime.date(2024, 5, 1), notes="OLD-MARKER"))
    store.save(Actor(name="Brigade 7"))
    device.sync()
    acked = store.get_meta(ACKED_META)
    assert set(acked) == {str(old.id)}
    fresh = store.save(Contact(on=datetime.date(2024, 5, 2), notes="still pending"))
    now = store.clock.physical_ms()
    assert purge_due(store, now_ms=now + 29 * DAY_MS) == 0
    assert purge_due(store, now_ms=now + 31 * DAY_MS) == 1
    entry = store.get(old.id)
    assert entry is not None and entry.purged
    assert "OLD-MARKER" not in entry.record.model_dump_json()
    assert not store.get(fresh.id).purged  # type: ignore[union-attr]
    assert store.records(Actor)[0].name == "Brigade 7"
    assert store.get_meta(ACKED_META) == {}


def test_retention_period_is_a_setting_with_a_30_day_default(
    devices: DeviceFactory,
) -> None:
    store = devices("a").store
    assert retention_days(store) == 30
    set_retention_days(store, 7)
    assert retention_days(store) == 7
    with pytest.raises(ValidationFailed):
        set_retention_days(store, 0)


def test_a_sync_run_purges_what_is_due(devices: DeviceFactory) -> None:
    device = devices("a")
    store = device.store
    saved = store.save(Contact(on=datetime.date(2024, 5, 1), notes="x"))
    device.sync()
    store.set_meta(ACKED_META, {str(saved.id): store.clock.physical_ms() - 31 * DAY_MS})
    assert device.engine.run_once().purged == 1
