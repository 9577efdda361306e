"""Records in the vault: revisions, conflicts, tombstones, outbox, settings."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, update

from app.errors import RecordNotFound, RecordUnreadable
from app.store import Store, tables
from models import Actor, Contact
from tests.factories import make_actor, make_contact


def head_key(store: Store, record_id: uuid.UUID) -> str:
    assert store._keys is not None
    return store._keys.name(f"h/{record_id}")


def test_ciphertext_copied_into_another_row_fails_to_open(store: Store) -> None:
    first = store.save(make_contact(asks="first"))
    second = store.save(make_contact(asks="second"))
    db = store._db
    assert db is not None
    with db.writing() as conn:
        blob = conn.execute(
            select(tables.heads.c.b).where(
                tables.heads.c.id == head_key(store, first.id)
            )
        ).scalar_one()
        conn.execute(
            update(tables.heads)
            .where(tables.heads.c.id == head_key(store, second.id))
            .values(b=blob)
        )

    with pytest.raises(RecordUnreadable):
        store.get(second.id)
    entry = store.get(first.id)
    assert entry is not None and entry.record.asks == "first"


def test_flipped_bit_in_ciphertext_fails_to_open(store: Store) -> None:
    saved = store.save(make_actor())
    db = store._db
    assert db is not None
    with db.writing() as conn:
        key = head_key(store, saved.id)
        blob = conn.execute(
            select(tables.heads.c.b).where(tables.heads.c.id == key)
        ).scalar_one()
        flipped = blob[:-1] + bytes([blob[-1] ^ 1])
        conn.execute(
            update(tables.heads).where(tables.heads.c.id == key).values(b=flipped)
        )
    with pytest.raises(RecordUnreadable):
        store.get(saved.id)


def test_edit_makes_a_new_revision_and_keeps_history(store: Store) -> None:
    first = store.save(make_contact(asks="v1"))
    second = store.save(first.model_copy(update={"asks": "v2"}))

    assert second.rev != first.rev
    assert second.parents == [first.rev]
    assert second.hlc > first.hlc
    assert [r.asks for r in store.history(first.id)] == ["v1", "v2"]  # type: ignore[attr-defined]
    entry = store.get(first.id)
    assert entry is not None and not entry.conflict
    assert entry.record.asks == "v2"  # type: ignore[attr-defined]


def test_delete_leaves_a_tombstone_and_hides_the_record(store: Store) -> None:
    saved = store.save(make_actor())
    store.delete(saved.id)

    assert store.records(Actor) == []
    assert [a.deleted for a in store.records(Actor, include_deleted=True)] == [True]
    assert len(store.history(saved.id)) == 2


def test_delete_of_unknown_record_raises(store: Store) -> None:
    with pytest.raises(RecordNotFound):
        store.delete(uuid.uuid4())


def test_concurrent_remote_revision_shows_as_conflict(store: Store) -> None:
    base = store.save(make_contact(asks="base"))
    mine = store.save(base.model_copy(update={"asks": "mine"}))
    theirs = base.model_copy(
        update={
            "rev": uuid.uuid4(),
            "parents": [base.rev],
            "asks": "theirs",
            "hlc": store.clock.now().encode(),
            "device": "other-device",
        }
    )

    assert store.apply_remote([theirs]) == 1
    entry = store.get(base.id)
    assert entry is not None and entry.conflict
    assert set(entry.heads) == {mine.rev, theirs.rev}

    merged = store.save(entry.record.model_copy(update={"asks": "agreed"}))
    assert set(merged.parents) == {mine.rev, theirs.rev}
    entry = store.get(base.id)
    assert entry is not None and not entry.conflict


def test_apply_remote_is_idempotent_and_not_queued(store: Store) -> None:
    remote = make_actor(hlc=store.clock.now().encode(), device="other")
    assert store.apply_remote([remote], state={"cursor:registry": 7}) == 1
    assert store.apply_remote([remote], state={"cursor:registry": 7}) == 0
    assert store.pending_count() == 0
    assert store.get_meta("cursor:registry") == 7
    assert [a.id for a in store.records(Actor)] == [remote.id]


def test_remote_revision_arriving_before_its_parent_keeps_one_head(
    store: Store,
) -> None:
    parent = make_actor(name="v1", hlc=store.clock.now().encode())
    child = parent.model_copy(
        update={
            "rev": uuid.uuid4(),
            "parents": [parent.rev],
            "name": "v2",
            "hlc": store.clock.now().encode(),
        }
    )
    store.apply_remote([child])
    store.apply_remote([parent])
    entry = store.get(parent.id)
    assert entry is not None and entry.heads == (child.rev,)
    assert entry.record.name == "v2"  # type: ignore[attr-defined]


def test_outbox_holds_local_revisions_until_acknowledged(store: Store) -> None:
    actor = store.save(make_actor())
    contact = store.save(make_contact(actor_id=actor.id))

    assert [r.rev for r in store.pending()] == [actor.rev, contact.rev]
    assert store.pending_records() == {actor.id, contact.id}
    store.ack([actor.rev])
    assert store.pending_records() == {contact.id}
    assert store.pending_count() == 1


def test_saved_revision_carries_device_and_team(store: Store) -> None:
    store.set_identity(device="5f1c7a62-0000-4000-8000-000000000001", team="north")
    saved = store.save(make_actor())
    assert saved.device == "5f1c7a62-0000-4000-8000-000000000001"
    assert saved.team == "north"
    assert saved.hlc.endswith("5f1c7a6200004000")


def test_clock_keeps_moving_forward_across_unlocks(store: Store, vault) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSPHRASE

    last = store.save(make_actor()).hlc
    store.close()
    reopened = vault.unlock(PASSPHRASE)
    reopened.clock._now_ms = lambda: 0  # the device clock jumped back to 1970
    assert reopened.save(make_actor()).hlc > last
    reopened.close()


def test_meta_values_round_trip_and_delete(store: Store) -> None:
    store.set_meta("draft:contact", {"asks": "half typed", "n": [1, 2]})
    assert store.get_meta("draft:contact") == {"asks": "half typed", "n": [1, 2]}
    store.set_meta("draft:contact", None)
    assert store.get_meta("draft:contact") is None


def test_records_lists_only_the_asked_kind(store: Store) -> None:
    store.save_many([make_actor(), make_contact(), make_contact()])
    assert len(store.records(Contact)) == 2
    assert len(store.records(Actor)) == 1


def test_edit_from_a_stale_view_shows_as_conflict(store: Store) -> None:
    base = store.save(make_contact(asks="base"))
    seen = [base.rev]  # two tabs open the same record
    first_tab = store.save(base.model_copy(update={"asks": "tab one"}), parents=seen)
    second_tab = store.save(base.model_copy(update={"asks": "tab two"}), parents=seen)

    entry = store.get(base.id)
    assert entry is not None and entry.conflict
    assert set(entry.heads) == {first_tab.rev, second_tab.rev}

    resolved = store.save(entry.record, parents=list(entry.heads))
    entry = store.get(base.id)
    assert entry is not None and not entry.conflict
    assert entry.heads == (resolved.rev,)


def test_delete_ends_an_open_conflict(store: Store) -> None:
    base = store.save(make_contact())
    store.save(base, parents=[base.rev])
    store.save(base, parents=[base.rev])
    store.delete(base.id)
    entry = store.get(base.id)
    assert entry is not None and not entry.conflict and entry.record.deleted


def test_save_revalidates_and_reports_codes_not_values(store: Store) -> None:
    from app.errors import ValidationFailed

    bad = make_contact().model_copy(update={"asks": "MARKERVALUE " * 400})
    with pytest.raises(ValidationFailed) as caught:
        store.save(bad)
    assert caught.value.fields == {"asks": "string_too_long"}
    assert "MARKERVALUE" not in str(caught.value)
    assert store.records(Contact) == []


def test_unreadable_row_is_skipped_in_lists_and_reported_on_get(store: Store) -> None:
    good = store.save(make_actor(name="Readable"))
    bad = store.save(make_actor(name="Soon broken"))
    db = store._db
    assert db is not None
    with db.writing() as conn:
        conn.execute(
            update(tables.heads)
            .where(tables.heads.c.id == head_key(store, bad.id))
            .values(b=b"\x01\x01" + bytes(60))
        )

    assert [a.id for a in store.records(Actor)] == [good.id]
    assert store.unreadable == 1
    with pytest.raises(RecordUnreadable):
        store.get(bad.id)


def test_row_keys_do_not_reveal_record_or_revision_ids(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    saved = store.save_many([make_actor(), make_contact()])
    store.close()
    data = b"".join(p.read_bytes() for p in (tmp_path / "vault").glob("d.db*"))
    for rec in saved:
        for ident in (rec.id, rec.rev):
            assert str(ident).encode() not in data
            assert ident.hex.encode() not in data
            assert ident.bytes not in data


def test_two_sessions_on_one_vault_keep_the_clock_moving_forward(
    store: Store, vault
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSPHRASE

    other = vault.unlock(PASSPHRASE)
    other.clock._now_ms = lambda: 0  # this session's wall clock lags far behind
    first = store.save(make_actor())
    second = other.save(make_actor())
    other.close()
    assert second.hlc > first.hlc


def test_applying_remote_revisions_never_moves_the_stored_clock_back(
    store: Store, vault
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PASSPHRASE

    other = vault.unlock(PASSPHRASE)
    other.clock._now_ms = lambda: 0  # this session's wall clock lags far behind
    ahead = store.save(make_actor()).hlc
    other.apply_remote([make_actor(device="remote")])
    assert other.get_meta("clock") >= ahead
    other.close()
