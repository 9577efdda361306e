"""What a committed write did to the records, for the session's read model.

A :class:`Store` tells its watchers about every write it commits (saves, sync
pages, acknowledgements, purges) with a :class:`Change`: the new current state of
each record it touched and what moved in or out of the outbox. Watchers never
re-read the vault to learn it.

Two sessions (two browser tabs) may have the same vault open, each with its own
:class:`Store` and keys. A write in one is announced to the others by record and
revision ids only (:class:`Peers`); each of them re-opens the few rows named with
its own keys. The announcement is made while the writer still holds the file's
write lock, so every watcher sees the changes of one file in commit order.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from app.store.records import Entry

__all__ = ["Change", "Loaded", "Peers", "Watcher"]


@dataclass(frozen=True, slots=True)
class Change:
    """One committed write.

    Attributes:
        entries: The new current state of every record the write touched,
            deleted and purged ones included (``Entry.record.deleted``,
            ``Entry.purged``).
        queued: Revisions the write put in the outbox: revision id → record id.
        acked: Revisions the hub acknowledged, now out of the outbox.
    """

    entries: Mapping[uuid.UUID, Entry] = field(default_factory=dict)
    queued: Mapping[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    acked: frozenset[uuid.UUID] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.entries or self.queued or self.acked)


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every record's current state, read in one consistent pass.

    Attributes:
        entries: Record id → current state (deleted and purged ones included).
        pending: Revisions still in the outbox: revision id → record id. Found
            from the revision graphs and the outbox's row names, without opening
            a single queued revision.
        unreadable: Rows that could not be opened or no longer fit their model.
    """

    entries: dict[uuid.UUID, Entry]
    pending: dict[uuid.UUID, uuid.UUID]
    unreadable: int = 0


Watcher = Callable[[Change], None]


class _Peer(Protocol):
    def peer_changed(
        self,
        record_ids: frozenset[uuid.UUID],
        queued: Mapping[uuid.UUID, uuid.UUID],
        acked: frozenset[uuid.UUID],
    ) -> None: ...


class Peers:
    """Stores open on the same vault file with the same data key, in this process."""

    _groups: dict[tuple[str, str], weakref.WeakSet[_Peer]] = {}
    _guard = threading.Lock()

    @classmethod
    def join(cls, key: tuple[str, str], store: _Peer) -> None:
        """Add ``store`` to the group of ``key`` (path, key fingerprint)."""
        with cls._guard:
            cls._groups.setdefault(key, weakref.WeakSet()).add(store)

    @classmethod
    def leave(cls, key: tuple[str, str], store: _Peer) -> None:
        """Remove ``store`` from its group (on close)."""
        with cls._guard:
            group = cls._groups.get(key)
            if group is not None:
                group.discard(store)
                if not group:
                    del cls._groups[key]

    @classmethod
    def others(cls, key: tuple[str, str], store: _Peer) -> Iterable[_Peer]:
        """Every other open store of the group."""
        with cls._guard:
            return [s for s in cls._groups.get(key, ()) if s is not store]
