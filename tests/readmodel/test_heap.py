"""The collector is paused while a read model is built, and gets it back on lock."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from app.readmodel import ReadModel, heap
from app.readmodel.heap import collector_paused
from app.store import Store
from tests.factories import make_contact


@pytest.fixture(autouse=True)
def no_build_running() -> Iterator[None]:
    """A read model some earlier test started on a thread may still be building."""
    for _ in range(1000):
        if heap._builds == 0:
            break
        threading.Event().wait(0.01)
    yield
    gc.unfreeze()


def test_collector_is_paused_during_a_build_and_resumes_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_overlapping_builds_resume_the_collector_when_the_last_ends() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_failed_build_resumes_the_collector() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_lock_gives_frozen_objects_back_to_the_collector(store: Store) -> None:
    store.save(make_contact())
    model = ReadModel(store)
    model.build()
    assert gc.get_freeze_count() > 0
    model.close()
    assert gc.get_freeze_count() == 0
