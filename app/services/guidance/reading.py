"""Bookmarks and recently read cards, kept sealed in the vault's meta table."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["BOOKMARKS_META", "RECENT_LIMIT", "RECENT_META", "MetaStore", "ReadingList"]

BOOKMARKS_META = "guidance.bookmarks"
RECENT_META = "guidance.recent"
RECENT_LIMIT = 20
BOOKMARKS_LIMIT = 200


class MetaStore(Protocol):
    """The part of ``app.store.Store`` this service needs."""

    def get_meta(self, name: str) -> Any:
        """Return a stored value, or ``None``."""

    def set_meta(self, name: str, value: Any) -> None:
        """Store a value (``None`` deletes it)."""


class ReadingList:
    """The reader's bookmarks and recently read card ids.

    Which cards someone reads says something about their work, so both lists live
    in the encrypted vault, never in plain app preferences. Ids of cards a later
    pack no longer has are kept; pass ``known`` to the readers to hide them.
    """

    def __init__(self, store: MetaStore) -> None:
        """Use ``store`` (an unlocked ``app.store.Store``) to keep the lists."""
        self._store = store

    def bookmarks(self, *, known: set[str] | None = None) -> list[str]:
        """Return bookmarked card ids, most recently added first."""
        return _only(self._load(BOOKMARKS_META), known)

    def is_bookmarked(self, card_id: str) -> bool:
        """Whether ``card_id`` is bookmarked."""
        return card_id in self._load(BOOKMARKS_META)

    def add_bookmark(self, card_id: str) -> None:
        """Bookmark ``card_id`` (moving it to the top if it already was)."""
        ids = [card_id, *(i for i in self._load(BOOKMARKS_META) if i != card_id)]
        self._store.set_meta(BOOKMARKS_META, ids[:BOOKMARKS_LIMIT])

    def remove_bookmark(self, card_id: str) -> None:
        """Remove ``card_id`` from the bookmarks, if it is there."""
        ids = [i for i in self._load(BOOKMARKS_META) if i != card_id]
        self._store.set_meta(BOOKMARKS_META, ids or None)

    def toggle_bookmark(self, card_id: str) -> bool:
        """Flip the bookmark on ``card_id``; return whether it is now bookmarked."""
        if self.is_bookmarked(card_id):
            self.remove_bookmark(card_id)
            return False
        self.add_bookmark(card_id)
        return True

    def mark_read(self, card_id: str) -> None:
        """Record that ``card_id`` was opened; it goes to the top of recent."""
        ids = [card_id, *(i for i in self._load(RECENT_META) if i != card_id)]
        self._store.set_meta(RECENT_META, ids[:RECENT_LIMIT])

    def recent(
        self, *, limit: int = RECENT_LIMIT, known: set[str] | None = None
    ) -> list[str]:
        """Return recently read card ids, newest first."""
        return _only(self._load(RECENT_META), known)[:limit]

    def clear_recent(self) -> None:
        """Forget the recently read list."""
        self._store.set_meta(RECENT_META, None)

    def _load(self, name: str) -> list[str]:
        value = self._store.get_meta(name)
        if not isinstance(value, list):
            return []
        return [item for item in value if isinstance(item, str)]


def _only(ids: list[str], known: set[str] | None) -> list[str]:
    return ids if known is None else [i for i in ids if i in known]
