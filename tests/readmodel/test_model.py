"""The read model: built once, kept current by every change, dropped on lock."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import StoreLocked
from app.readmodel import ReadModel, RecordFilter, fold, type_of
from app.store import Store, Vault
from app.store.changes import Loaded
from models import Actor, Contact, FollowUp
from tests.conftest import PASSPHRASE
from tests.factories import make_actor, make_contact, make_log, make_place


@pytest.fixture
def model(store: Store) -> Iterator[ReadModel]:
    built = ReadModel(store)
    built.build()
    yield built
    built.close()


def count_loads(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = store.load

    def counted() -> Loaded:
        calls.append(1)
        return real()

    monkeypatch.setattr(store, "load", counted)
    return calls


def test_saves_show_at_once_without_reading_the_vault_again(
    store: Store, model: ReadModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = count_loads(store, monkeypatch)
    actor = store.save(make_actor(name="Hawks"))
    contact = store.save(make_contact(actor_id=actor.id, asks="water point"))
    row = model.row(contact.id)
    assert row is not None and row.actor_name == "Hawks" and row.pending
    assert [r.id for r in model.rows(RecordFilter(text="hawks")).rows] == [contact.id]
    assert loads == []


def test_applied_sync_page_updates_rows_and_search(
    store: Store, model: ReadModel
) -> None:
    actor = store.save(make_actor(name="Old name"))
    contact = store.save(make_contact(actor_id=actor.id))
    renamed = actor.model_copy(
        update={"rev": uuid.uuid4(), "parents": [actor.rev], "name": "New name"}
    )
    store.apply_remote([renamed], replace_heads=True)
    row = model.row(contact.id)
    assert row is not None and row.actor_name == "New name"
    assert model.rows(RecordFilter(text="new name")).total == 1
    assert model.rows(RecordFilter(text="old name")).total == 0


def test_contact_synced_before_its_actor_is_found_by_the_actors_name(
    store: Store, model: ReadModel
) -> None:
    actor = make_actor(name="Falcons")
    contact = make_contact(actor_id=actor.id)
    store.apply_remote([contact])
    assert model.rows(RecordFilter(text="falcons")).total == 0
    store.apply_remote([actor])
    found = model.rows(RecordFilter(text="falcons")).rows
    assert [r.id for r in found] == [contact.id]


def test_search_follows_saves_edits_and_deletions(
    store: Store, model: ReadModel
) -> None:
    first = store.save(make_contact(asks="water point"))
    assert model.rows(RecordFilter(text="wat")).total == 1  # warms the word
    second = store.save(make_contact(asks="waterway"))
    edited = store.save(
        first.model_copy(
            update={"rev": uuid.uuid4(), "parents": [first.rev], "asks": "fuel"}
        )
    )
    assert [r.id for r in model.rows(RecordFilter(text="wat")).rows] == [second.id]
    assert [r.id for r in model.rows(RecordFilter(text="fue")).rows] == [edited.id]
    store.delete(second.id)
    assert model.rows(RecordFilter(text="wat")).total == 0


def test_search_index_is_rebuilt_when_worn_by_many_changes(
    store: Store, model: ReadModel
) -> None:
    contacts = [make_contact(asks=f"water {n}") for n in range(1100)]
    store.apply_remote(contacts)
    gone = [
        c.model_copy(update={"rev": uuid.uuid4(), "parents": [c.rev], "deleted": True})
        for c in contacts[1:]
    ]
    store.apply_remote(gone, replace_heads=True)
    assert not model._index.search.worn and len(model._index.search) == 1
    found = model.rows(RecordFilter(text="water"))
    assert [r.id for r in found.rows] == [contacts[0].id]


def test_acknowledged_revisions_are_no_longer_pending(
    store: Store, model: ReadModel
) -> None:
    contact = store.save(make_contact())
    assert model.pending_records() == {contact.id}
    store.ack([contact.rev])
    assert model.pending_records() == set()
    row = model.row(contact.id)
    assert row is not None and not row.pending


def test_deleted_records_leave_every_list(store: Store, model: ReadModel) -> None:
    actor = store.save(make_actor(name="Gone"))
    contact = store.save(make_contact(actor_id=actor.id))
    store.delete(contact.id)
    store.delete(actor.id)
    assert model.row(contact.id) is None
    assert model.rows().total == 0
    assert model.named(Actor) == []
    assert model.rows_referring("actor_id", actor.id) == []


def test_purged_record_becomes_a_stub_row(store: Store, model: ReadModel) -> None:
    contact = store.save(make_contact(asks="kept at the hub"))
    store.ack([contact.rev])
    store.purge([contact.id])
    row = model.row(contact.id)
    assert row is not None and row.purged
    assert model.record(Contact, contact.id) is None
    assert model.rows(RecordFilter(text="kept")).total == 0


def test_conflict_is_marked_and_filterable(store: Store, model: ReadModel) -> None:
    log = store.save(make_log())
    mine = log.model_copy(update={"notes": "mine"})
    other = log.model_copy(
        update={"rev": uuid.uuid4(), "parents": [log.rev], "notes": "theirs"}
    )
    store.save(mine)
    store.apply_remote([other])
    row = model.row(log.id)
    assert row is not None and row.conflict
    assert [r.id for r in model.rows(RecordFilter(conflict=True)).rows] == [log.id]


def test_another_session_on_the_vault_keeps_this_model_current(
    vault: Vault, store: Store, model: ReadModel
) -> None:
    other = vault.unlock(PASSPHRASE)
    try:
        saved = other.save(make_contact(asks="typed in another tab"))
    finally:
        other.close()
    assert model.rows(RecordFilter(text="another tab")).total == 1
    assert saved.id in model.pending_records()


def test_changes_made_while_building_are_not_lost(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.save(make_contact(asks="before"))
    real = store.load
    loading, release = threading.Event(), threading.Event()

    def slow_load() -> Loaded:
        loaded = real()
        loading.set()
        release.wait(10)
        return loaded

    monkeypatch.setattr(store, "load", slow_load)
    built = ReadModel(store)
    built.start()
    assert loading.wait(10)
    late = store.save(make_contact(asks="during the build"))
    store.ack([first.rev])
    assert not built.ready
    release.set()
    assert built.wait(10)
    assert {r.id for r in built.rows().rows} == {first.id, late.id}
    assert built.pending_records() == {late.id}
    built.close()


def test_queries_wait_for_the_build(store: Store) -> None:
    store.save(make_contact())
    built = ReadModel(store)
    built.start()
    assert built.rows().total == 1  # waited, did not answer empty
    built.close()


def test_lock_drops_every_record_and_refuses_queries(
    store: Store, model: ReadModel
) -> None:
    contact = store.save(make_contact(asks="secret"))
    model.rows(RecordFilter(text="secret"))
    model.close()
    assert model._index.items == {} and model._search is None
    assert len(model._index.search) == 0 and model._index.search.matching(["s"]) == 0
    with pytest.raises(StoreLocked):
        model.row(contact.id)


def test_store_locked_elsewhere_drops_the_model(store: Store, model: ReadModel) -> None:
    store.save(make_contact())
    store.close()  # a wipe, or duress in another tab, closes every store
    assert model._index.items == {}
    with pytest.raises(StoreLocked):
        model.rows()


def test_named_records_are_sorted_and_found_by_alias(
    store: Store, model: ReadModel
) -> None:
    store.save_many([make_actor(name="zeta"), make_actor(name="Alpha")])
    hawks = store.save(make_actor(name="Mid", aliases=["Les Faucons"]))
    contact = store.save(make_contact(actor_id=hawks.id))
    assert [a.name for a in model.named(Actor)] == ["Alpha", "Mid", "zeta"]
    assert [r.id for r in model.rows(RecordFilter(text="faucons")).rows] == [contact.id]


def test_search_ignores_case_and_accents(store: Store, model: ReadModel) -> None:
    contact = store.save(make_contact(asks="Démarche auprès de l'École"))
    for query in ("demarche", "ÉCOLE", "aupres"):
        assert [r.id for r in model.rows(RecordFilter(text=query)).rows] == [contact.id]


def test_follow_ups_are_found_by_their_contact(store: Store, model: ReadModel) -> None:
    contact = store.save(make_contact())
    task = store.save(FollowUp(title="Call back", contact_id=contact.id))
    store.save(FollowUp(title="Other"))
    assert model.referring("contact_id", contact.id, FollowUp) == [task]


def test_last_used_orders_places_by_latest_use(store: Store, model: ReadModel) -> None:
    north, south = store.save_many([make_place(name="N"), make_place(name="S")])
    store.save(make_log(place_id=north.id))
    store.save(make_log(place_id=south.id))
    assert model.last_used("place_id", limit=5) == [south.id, north.id]


def test_rows_are_newest_first_and_paged(store: Store, model: ReadModel) -> None:
    days = [dt.date(2026, 1, d) for d in (3, 1, 2)]
    saved = store.save_many([make_contact(on=d) for d in days])
    page = model.rows(limit=2)
    assert page.total == 3 and page.more == 1
    assert [r.id for r in page.rows] == [saved[0].id, saved[2].id]


WORDS = st.sampled_from(["road", "roadblock", "gate", "Gaté", "water", "well"])


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.lists(WORDS, max_size=4).map(" ".join), min_size=1, max_size=8),
    query=st.text(alphabet="roadgtéwl ", max_size=10),
)
def test_typing_a_query_letter_by_letter_finds_what_a_full_scan_finds(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], query: str
) -> None:
    from app.store import MemorySecrets
    from tests.conftest import FAST_KDF

    root = tmp_path_factory.mktemp("v")
    store = Vault(root, secrets=MemorySecrets(), kdf=FAST_KDF).create(PASSPHRASE)
    try:
        saved = store.save_many([make_contact(asks=text) for text in texts])
        built = ReadModel(store)
        built.build()
        for end in range(len(query) + 1):  # each keystroke narrows the last result
            typed = query[:end]
            found = {r.id for r in built.rows(RecordFilter(text=typed)).rows}
            words = fold(typed).split()
            expected = {
                c.id
                for c in saved
                if all(w in fold("\n".join(type_of(c).words(c))) for w in words)
            }
            assert found == expected, typed
        built.close()
    finally:
        store.close()
