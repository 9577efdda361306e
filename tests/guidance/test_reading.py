"""Bookmarks and recently read cards, kept sealed in a real vault."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.guidance import ReadingList
from app.services.guidance.reading import RECENT_LIMIT
from app.store import KdfParams, MemorySecrets, Store, Vault

PASSPHRASE = "correct horse battery"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(
        tmp_path / "vault", secrets=MemorySecrets(), kdf=KdfParams(8 * 1024, 1, 1)
    )


@pytest.fixture
def store(vault: Vault):
    opened = vault.create(PASSPHRASE)
    yield opened
    opened.close()


def test_bookmarks_start_empty(store: Store) -> None:
    reading = ReadingList(store)
    assert reading.bookmarks() == []
    assert not reading.is_bookmarked("method-indirect")


def test_bookmarks_list_newest_first_without_duplicates(store: Store) -> None:
    reading = ReadingList(store)
    for card_id in ("method-indirect", "actor-gang", "method-indirect"):
        reading.add_bookmark(card_id)
    assert reading.bookmarks() == ["method-indirect", "actor-gang"]


def test_toggle_bookmark_adds_then_removes(store: Store) -> None:
    reading = ReadingList(store)
    assert reading.toggle_bookmark("basics-checkpoints") is True
    assert reading.is_bookmarked("basics-checkpoints")
    assert reading.toggle_bookmark("basics-checkpoints") is False
    assert reading.bookmarks() == []


def test_remove_bookmark_that_is_not_there_is_harmless(store: Store) -> None:
    reading = ReadingList(store)
    reading.add_bookmark("actor-gang")
    reading.remove_bookmark("actor-nsag")
    assert reading.bookmarks() == ["actor-gang"]


def test_recent_moves_a_reread_card_to_the_top(store: Store) -> None:
    reading = ReadingList(store)
    for card_id in ("a", "b", "c", "a"):
        reading.mark_read(f"basics-{card_id}")
    assert reading.recent() == ["basics-a", "basics-c", "basics-b"]
    assert reading.recent(limit=1) == ["basics-a"]


def test_recent_keeps_only_the_latest_cards(store: Store) -> None:
    reading = ReadingList(store)
    for index in range(RECENT_LIMIT + 5):
        reading.mark_read(f"basics-{index}")
    recent = reading.recent()
    assert len(recent) == RECENT_LIMIT
    assert recent[0] == f"basics-{RECENT_LIMIT + 4}"


def test_clear_recent_forgets_the_list_but_not_bookmarks(store: Store) -> None:
    reading = ReadingList(store)
    reading.mark_read("actor-gang")
    reading.add_bookmark("actor-gang")
    reading.clear_recent()
    assert reading.recent() == []
    assert reading.bookmarks() == ["actor-gang"]


def test_known_hides_cards_a_newer_pack_dropped(store: Store) -> None:
    reading = ReadingList(store)
    reading.add_bookmark("basics-retired")
    reading.add_bookmark("actor-gang")
    reading.mark_read("basics-retired")
    assert reading.bookmarks(known={"actor-gang"}) == ["actor-gang"]
    assert reading.recent(known={"actor-gang"}) == []
    assert reading.bookmarks() == ["actor-gang", "basics-retired"]


def test_lists_survive_locking_and_unlocking(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    ReadingList(store).add_bookmark("method-revealing_facts")
    ReadingList(store).mark_read("actor-nsag")
    store.close()
    reopened = vault.unlock(PASSPHRASE)
    try:
        reading = ReadingList(reopened)
        assert reading.bookmarks() == ["method-revealing_facts"]
        assert reading.recent() == ["actor-nsag"]
    finally:
        reopened.close()


def test_lists_are_not_stored_in_plain_text(vault: Vault) -> None:
    store = vault.create(PASSPHRASE)
    ReadingList(store).add_bookmark("method-revealing_facts")
    ReadingList(store).mark_read("actor-nsag")
    store.close()
    on_disk = b"".join(p.read_bytes() for p in vault.root.iterdir() if p.is_file())
    assert b"revealing_facts" not in on_disk
    assert b"actor-nsag" not in on_disk
    assert b"guidance.bookmarks" not in on_disk


def test_unreadable_stored_value_reads_as_empty(store: Store) -> None:
    store.set_meta("guidance.bookmarks", {"not": "a list"})
    store.set_meta("guidance.recent", ["actor-gang", 7, None])
    reading = ReadingList(store)
    assert reading.bookmarks() == []
    assert reading.recent() == ["actor-gang"]
