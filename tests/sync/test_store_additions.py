"""What sync added to the vault: ack with state, head-replacing apply, purge stubs."""

from __future__ import annotations

import datetime
from pathlib import Path

from app.store import Store
from models import Actor, Contact
from tests.hub.support import new_vault


def _store(tmp_path: Path) -> Store:
    return new_vault(tmp_path / "v")[1]


def _contact(notes: str = "met the commander") -> Contact:
    return Contact(on=datetime.date(2024, 5, 1), notes=notes)


def test_ack_writes_state_in_the_same_transaction(tmp_path: Path) -> None:
    store = _store(tmp_path)
    saved = store.save(_contact())
    store.ack([saved.rev], state={"sync.last_seq": 4, "sync.inflight": None})
    assert store.pending_count() == 0
    assert store.get_meta("sync.last_seq") == 4
    store.ack([], state={"sync.last_seq": 5})
    assert store.get_meta("sync.last_seq") == 5


def test_apply_with_replace_heads_supersedes_local_heads_without_conflict(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    local = store.save(Actor(name="Unit 4"))
    merged = Actor(id=local.id, name="Unit 4 (merged)", parents=[])
    assert store.apply_remote([merged], state={"cursor": 7}, replace_heads=True) == 1
    entry = store.get(local.id)
    assert entry is not None and not entry.conflict
    assert entry.record.name == "Unit 4 (merged)"  # type: ignore[attr-defined]
    assert store.get_meta("cursor") == 7
    assert [r.rev for r in store.history(local.id)] == [local.rev, merged.rev]


def test_apply_without_replace_heads_still_shows_concurrent_revisions_as_conflict(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    local = store.save(_contact())
    other = _contact("another account").model_copy(
        update={"id": local.id, "parents": []}
    )
    store.apply_remote([other])
    entry = store.get(local.id)
    assert entry is not None and entry.conflict


def test_purge_leaves_a_stub_without_content(tmp_path: Path) -> None:
    store = _store(tmp_path)
    saved = store.save(_contact("SECRET-MARKER"))
    store.ack([saved.rev])
    assert store.purge([saved.id]) == 1
    entry = store.get(saved.id)
    assert entry is not None and entry.purged
    assert "SECRET-MARKER" not in entry.record.model_dump_json()
    assert entry.record.id == saved.id and entry.heads == (saved.rev,)
    assert store.history(saved.id) == []
    assert store.records(Contact)[0].notes == ""


def test_purge_skips_pending_and_registry_records(tmp_path: Path) -> None:
    store = _store(tmp_path)
    pending = store.save(_contact())
    actor = store.save(Actor(name="Unit 4"))
    store.ack([actor.rev])
    assert store.purge([pending.id, actor.id]) == 0
    assert not store.get(pending.id).purged  # type: ignore[union-attr]
    assert store.get(actor.id).record.name == "Unit 4"  # type: ignore[union-attr]


def test_purge_stays_after_lock_and_unlock(tmp_path: Path) -> None:
    vault, store = new_vault(tmp_path / "v")
    saved = store.save(_contact("PLAIN-MARKER " * 20))
    store.ack([saved.rev])
    store.purge([saved.id])
    store.close()
    store = vault.unlock("device passphrase")
    entry = store.get(saved.id)
    assert entry is not None and entry.purged
