"""A cut in the middle of a batch loses only the bytes since the hub's last count:
the next attempt starts from the byte the hub holds, and the batch lands once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import HubUnreachable
from app.sync import SyncEngine
from app.sync.engine import HELD_META
from app.sync.pace import LinkPace
from bench._corpus import Corpus
from bench._proxy import CutPlan, LinkProfile, TcpProxy
from hub import tables
from hub.service import Hub
from models import Contact
from models.enums import Role
from tests.hub.support import LiveHub, enroll
from tests.sync.test_faults import _sealed_rows

# 256 kbit/s each way and 100 ms: slow enough that the hub reports several
# counts while one batch goes out.
SLOW = LinkProfile("slow", 256_000, (0.1, 0.1))


@pytest.fixture
def proxy(live: LiveHub) -> Iterator[TcpProxy]:
    made = TcpProxy(live.port, profile=SLOW)
    yield made
    made.close()


def _contacts(n: int) -> list[Contact]:
    return list(Corpus(seed=5).contacts(n))  # compresses like field notes


def test_a_cut_batch_resumes_from_the_bytes_the_hub_holds_and_lands_once(
    hub: Hub, proxy: TcpProxy, tmp_path: Path
) -> None:
    field = enroll(hub, proxy.url, tmp_path / "a")
    coordinator = enroll(hub, proxy.url, tmp_path / "c", role=Role.COORDINATOR)
    field.store.save_many(_contacts(400))
    engine = SyncEngine(
        field.store, field.client, pace=LinkPace(), batch_bytes=256 * 1024
    )
    proxy.reset()
    proxy.cut_next(CutPlan(upstream_after=60_000))
    with pytest.raises(HubUnreachable):
        engine.run_once()
    first_up = proxy.bytes_up
    held = int(field.store.get_meta(HELD_META) or 0)
    assert held > 0  # the device heard counts before the cut
    frozen_size = engine.report.batch_size
    assert frozen_size > 80_000
    proxy.reset()
    engine.run_once()
    second_up = proxy.bytes_up
    # Bytes sent twice: everything sent over what one clean send needs.
    resent = first_up + second_up - frozen_size
    assert resent < first_up / 2, (first_up, second_up, frozen_size, held)
    assert field.store.pending_count() == 0
    assert len(_sealed_rows(hub.db)) == 1
    coordinator.sync()
    assert len(coordinator.store.records(Contact)) == 400
    for device in (field, coordinator):
        device.client.close()
        device.store.close()


def _held_at_hub(hub: Hub) -> int:
    """What the hub holds of the upload, once it has stored what the cut left."""
    seen = -1
    while True:
        with hub.db.read() as conn:
            data = conn.execute(select(tables.uploads.c.data)).scalar()
        if len(data or b"") == seen:
            return seen
        seen = len(data or b"")
        time.sleep(0.5)


def test_after_a_cut_the_device_asks_first_and_sends_nothing_the_hub_holds(
    hub: Hub, proxy: TcpProxy, tmp_path: Path
) -> None:
    field = enroll(hub, proxy.url, tmp_path / "a")
    field.store.save_many(_contacts(400))
    engine = SyncEngine(
        field.store, field.client, pace=LinkPace(), batch_bytes=256 * 1024
    )
    proxy.reset()
    proxy.cut_next(CutPlan(upstream_after=60_000))
    with pytest.raises(HubUnreachable):
        engine.run_once()
    at_hub = _held_at_hub(hub)
    assert at_hub > 20_000
    # A cut also loses the hub's last counts on their way: the device knows less.
    field.store.set_meta(HELD_META, at_hub // 2)
    frozen_size = engine.report.batch_size
    proxy.reset()
    engine.run_once()
    # The rest of the batch and two requests' headers; not the bytes in between.
    assert 0 < proxy.bytes_up - (frozen_size - at_hub) < 1500
    assert field.store.pending_count() == 0
    assert len(_sealed_rows(hub.db)) == 1
    field.client.close()
    field.store.close()


def test_pages_and_batches_follow_what_the_link_carries() -> None:
    pace = LinkPace()
    first = pace.batch_bytes(), pace.whole_bytes(), pace.page_bytes()
    pace.observe(60_000, 10.0)  # 6 KB/s: 2G
    pace.cut(4.0)
    slow = pace.batch_bytes(), pace.whole_bytes(), pace.page_bytes()
    fast = LinkPace()
    fast.observe(2_000_000, 1.6)
    quick = fast.batch_bytes(), fast.whole_bytes(), fast.page_bytes()
    assert slow[0] < first[0] < quick[0] == 256 * 1024
    assert slow[1] <= 6_000 * 1.0  # at most a second of a link cut every 4 s
    assert slow[2] <= 6_000 * 4.0 / 3 + 4096
    assert quick[2] == 256 * 1024
