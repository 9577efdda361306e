"""Stream order equals commit order: a slow transaction never makes a reader skip."""

from __future__ import annotations

import datetime
import threading
import time

from hub.pull import sealed_page
from hub.service import Hub
from models import Contact
from models.enums import Role
from tests.hub.conftest import DeviceFactory


def _record(device_store: object, n: int) -> None:
    for i in range(n):
        device_store.save(Contact(on=datetime.date(2024, 5, 1), notes=f"talk {i}"))  # type: ignore[attr-defined]


class Reader:
    """Follows the sealed stream by cursor, like a coordinator does."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.cursor = 0
        self.seen: list[int] = []

    def poll(self) -> None:
        with self.hub.db.read() as conn:
            page = sealed_page(conn, self.cursor, 1 << 20)
        self.seen += [item.seq for item in page.items]
        self.cursor = page.cursor


def test_a_delayed_push_transaction_holds_back_later_ones_instead_of_being_skipped(
    devices: DeviceFactory, hub: Hub
) -> None:
    slow, fast = devices("slow"), devices("fast")
    _record(slow.store, 3)
    _record(fast.store, 3)
    entered, release = threading.Event(), threading.Event()
    first = threading.Lock()

    def hold() -> None:
        if first.acquire(blocking=False):
            entered.set()
            release.wait(10)

    hub.before_commit = hold
    reader = Reader(hub)
    t_slow = threading.Thread(target=slow.sync)
    t_slow.start()
    assert entered.wait(10)
    t_fast = threading.Thread(target=fast.sync)
    t_fast.start()
    for _ in range(15):  # the slow transaction is open, the fast one queued behind it
        reader.poll()
        time.sleep(0.02)
    assert reader.seen == []
    release.set()
    t_slow.join(10)
    t_fast.join(10)
    reader.poll()
    assert reader.seen == [1, 2]
    assert slow.store.pending_count() == fast.store.pending_count() == 0


def test_readers_following_concurrent_pushes_see_every_batch_once_in_order(
    devices: DeviceFactory, hub: Hub
) -> None:
    writers = [devices(f"w{i}") for i in range(3)]
    coordinator = devices("c", role=Role.COORDINATOR)
    reader = Reader(hub)
    done = threading.Event()

    def write(device: object) -> None:
        for _ in range(4):
            _record(device.store, 2)  # type: ignore[attr-defined]
            device.sync()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        reader.poll()
        coordinator.sync()
    done.set()
    reader.poll()
    coordinator.sync()
    assert reader.seen == list(range(1, len(reader.seen) + 1))
    assert len(reader.seen) == 12
    assert len(coordinator.store.records(Contact)) == 24
