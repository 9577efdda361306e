"""The store announces every committed change; pending records are found unopened."""

from __future__ import annotations

import threading
import uuid

import pytest

from app.store import Store, Vault
from app.store.changes import Change
from app.store.rows import Rows
from tests.conftest import PASSPHRASE
from tests.factories import make_actor, make_contact


def heard(store: Store) -> list[Change]:
    changes: list[Change] = []
    store.watch(changes.append)
    return changes


def test_save_announces_the_new_state_and_the_queued_revision(store: Store) -> None:
    changes = heard(store)
    saved = store.save(make_contact(asks="first words"))
    (change,) = changes
    entry = change.entries[saved.id]
    assert entry.record.asks == "first words"  # type: ignore[attr-defined]
    assert entry.heads == (saved.rev,)
    assert change.queued == {saved.rev: saved.id}


def test_applied_sync_page_and_ack_are_announced(store: Store) -> None:
    mine = store.save(make_contact())
    changes = heard(store)
    remote = make_actor(name="From the hub", device="hub")
    store.apply_remote([remote])
    store.ack([mine.rev])
    assert changes[0].entries[remote.id].record.name == "From the hub"  # type: ignore[attr-defined]
    assert not changes[0].queued
    assert changes[1].acked == frozenset({mine.rev})


def test_nothing_new_is_not_announced(store: Store) -> None:
    remote = make_actor()
    store.apply_remote([remote])
    changes = heard(store)
    store.apply_remote([remote])  # the same revision again
    assert changes == []


def test_purge_announces_the_stub(store: Store) -> None:
    contact = store.save(make_contact(asks="secret words"))
    store.ack([contact.rev])
    changes = heard(store)
    assert store.purge([contact.id]) == 1
    entry = changes[0].entries[contact.id]
    assert entry.purged and entry.record.asks == ""  # type: ignore[attr-defined]


def test_stopped_watcher_hears_nothing_more(store: Store) -> None:
    changes: list[Change] = []
    stop = store.watch(changes.append)
    stop()
    store.save(make_contact())
    assert changes == []


def test_a_failing_watcher_does_not_undo_or_hide_the_save(store: Store) -> None:
    def boom(_: Change) -> None:
        raise RuntimeError("watcher bug")

    store.watch(boom)
    after = heard(store)
    saved = store.save(make_contact())
    assert store.get(saved.id) is not None
    assert len(after) == 1


def test_another_session_on_the_vault_hears_writes_through_its_own_keys(
    vault: Vault, store: Store
) -> None:
    other = vault.unlock(PASSPHRASE)
    try:
        changes = heard(other)
        saved = store.save(make_contact(asks="typed in tab one"))
        store.ack([saved.rev])
        assert changes[0].entries[saved.id].record.asks == "typed in tab one"  # type: ignore[attr-defined]
        assert changes[0].entries[saved.id] is not None
        assert changes[0].queued == {saved.rev: saved.id}
        assert changes[1].acked == frozenset({saved.rev})
    finally:
        other.close()


def test_a_locked_session_is_told_and_hears_no_more(vault: Vault, store: Store) -> None:
    other = vault.unlock(PASSPHRASE)
    closed = threading.Event()
    changes: list[Change] = []
    other.watch(changes.append, on_close=closed.set)
    other.close()
    store.save(make_contact())
    assert closed.is_set() and changes == []


def test_changes_of_two_writers_arrive_in_commit_order(store: Store) -> None:
    contact = store.save(make_contact(asks="v0"))
    changes = heard(store)

    def edit(word: str) -> None:
        for i in range(20):
            current = store.get(contact.id)
            assert current is not None
            store.save(current.record.model_copy(update={"asks": f"{word}{i}"}))

    threads = [threading.Thread(target=edit, args=(w,)) for w in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.get(contact.id)
    assert final is not None
    assert changes[-1].entries[contact.id] == final


def test_load_finds_pending_records_without_opening_queued_revisions(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced = store.save(make_contact())
    store.ack([synced.rev])
    waiting = store.save(make_contact())
    edited = store.save(synced.model_copy(update={"asks": "edited offline"}))

    def never(*_: object) -> None:
        raise AssertionError("a queued revision was opened")

    monkeypatch.setattr(Rows, "load_revision_at", never)
    loaded = store.load()
    assert loaded.pending == {waiting.rev: waiting.id, edited.rev: synced.id}
    assert store.pending_records() == {waiting.id, synced.id}
    assert set(loaded.entries) == {synced.id, waiting.id}


def test_load_counts_a_damaged_row_and_keeps_the_others(store: Store) -> None:
    kept = store.save(make_contact())
    gone = store.save(make_contact())
    rows_key = store._keys.name(f"h/{gone.id}")  # type: ignore[union-attr]
    db = store._db
    assert db is not None
    from sqlalchemy import update

    from app.store import tables

    with db.writing() as conn:
        conn.execute(
            update(tables.heads)
            .where(tables.heads.c.id == rows_key)
            .values(b=b"\x01\x01" + bytes(40))
        )
    loaded = store.load()
    assert set(loaded.entries) == {kept.id} and loaded.unreadable == 1
    assert uuid.UUID(str(kept.id)) in loaded.entries
