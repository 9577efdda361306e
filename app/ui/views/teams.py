"""Coordinator: every team's contacts, grouped by team, conflicts marked."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services import RecordRow, TeamRows
from app.ui.components.records import record_tile
from app.ui.components.widgets import note, section_title
from app.ui.messages import t, tn
from app.ui.screen import Screen

__all__ = ["TeamsScreen"]

#: Contacts shown per team; the records list shows them all.
TEAM_ROWS = 20


class TeamsScreen(Screen):
    """A plain list of all teams' contacts (the coordination screens come later)."""

    def title(self) -> str:
        """All teams' contacts."""
        return t("teams.title")

    def body(self) -> list[ft.Control]:
        """One section per team, newest contact first."""
        found = self.services.enroll.enrollment()
        if found is None or not found.records_key_ready:
            return [note(t("teams.locked"))]
        teams = self.services.teams.contacts_by_team(limit=TEAM_ROWS)
        if not teams:
            return [note(t("teams.empty"))]
        controls: list[ft.Control] = []
        for team in teams:
            controls += self._team(team)
        return controls

    def _team(self, team: TeamRows) -> list[ft.Control]:
        name = team.team or t("teams.no_team")
        controls: list[ft.Control] = [
            section_title(tn("teams.team", team.total, team=name))
        ]
        if team.conflicts:
            controls.append(note(tn("teams.conflicts", team.conflicts)))
        controls += [
            record_tile(row, self.shell.on(self._opener(row))) for row in team.rows
        ]
        if team.total > len(team.rows):
            controls.append(note(tn("teams.more", team.total - len(team.rows))))
        return controls

    def _opener(self, row: RecordRow) -> Any:
        return lambda _: self.shell.go("/teams/record", id=str(row.id))
