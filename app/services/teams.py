"""The coordinator's list: every team's contacts, grouped by team, conflicts marked."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.snapshot import RecordRow, Snapshot
from app.services.synced import all_contacts
from app.store import Store

__all__ = ["TeamRows", "TeamsService"]


@dataclass(frozen=True, slots=True)
class TeamRows:
    """One team's contacts as list rows, newest first (``conflict`` set per row)."""

    team: str
    rows: list[RecordRow]


class TeamsService:
    """Read-only view over the contacts a coordinator's vault holds."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def contacts_by_team(self) -> list[TeamRows]:
        """Every team's contacts (purged stubs and deleted ones left out)."""
        snap = Snapshot.load(self._store)
        out: list[TeamRows] = []
        for group in all_contacts(self._store):
            rows = [snap.row(contact) for contact in group.contacts]
            rows.sort(key=lambda r: r.when, reverse=True)
            out.append(TeamRows(group.team or "", rows))
        return out
