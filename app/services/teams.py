"""The coordinator's list: every team's contacts, grouped by team, conflicts marked."""

from __future__ import annotations

from dataclasses import dataclass

from app.readmodel import ReadModel, RecordRow
from models import Contact

__all__ = ["TeamRows", "TeamsService"]


@dataclass(frozen=True, slots=True)
class TeamRows:
    """One team's contacts as list rows, newest first.

    ``rows`` may be the first few only: ``total`` counts them all, ``conflicts``
    counts those with two heads.
    """

    team: str
    rows: list[RecordRow]
    total: int = 0
    conflicts: int = 0


class TeamsService:
    """Read-only view over the contacts a coordinator's vault holds."""

    def __init__(self, model: ReadModel) -> None:
        self._model = model

    def contacts_by_team(self, *, limit: int = 0) -> list[TeamRows]:
        """Every team's contacts, newest first (``limit`` rows each; 0: all).

        Purged stubs and deleted contacts are left out.
        """
        return [
            TeamRows(t.team, t.page.rows, t.page.total, t.conflicts)
            for t in self._model.by_team(Contact, limit=limit)
        ]
