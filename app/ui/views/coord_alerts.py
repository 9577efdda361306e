"""Coordinator: de-confliction alerts, each with why it fired and its records."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.coordination import Alert
from app.ui.components.widgets import marker, note, secondary
from app.ui.messages import enum_label, formats, t, tn
from app.ui.screen import Screen
from app.ui.theme import TEXT, TEXT_SMALL
from app.ui.views.coord import coordinator_only, redraw, team_row

__all__ = ["AlertsScreen", "reason"]

#: Alerts drawn; the newest come first.
SHOWN = 100
_TONE = {"after_safety": "conflict", "contradiction": "conflict"}


def reason(alert: Alert, actor: str) -> str:
    """Why an alert fired, in words."""
    others = [x for x in alert.teams if x != alert.first_team or not alert.first_team]
    teams = ", ".join(others)
    levels = ", ".join(enum_label("level", lv) for lv in alert.levels)
    return t(
        f"coord.alert.{alert.rule}.why",
        actor=actor,
        teams=teams,
        issue=enum_label("issue", alert.issue),
        first=alert.first_team,
        levels=levels,
    )


class AlertsScreen(Screen):
    """Every alert, newest first; tap one to see the records behind it."""

    def __init__(self, shell: Any, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.opened: set[int] = set()

    def title(self) -> str:
        """Alerts."""
        return t("coord.alerts.title")

    def body(self) -> list[ft.Control]:
        """The alerts as cards."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused
        found = self.services.coordination.alerts()
        if not found:
            return [note(t("coord.alerts.none"))]
        controls: list[ft.Control] = [note(tn("coord.alerts.intro", len(found)))]
        for n, alert in enumerate(found[:SHOWN]):
            controls.append(self._card(n, alert))
        return controls

    def _card(self, n: int, alert: Alert) -> ft.Control:
        coord = self.services.coordination
        actor = coord.actor_name(alert.actor)
        head = [
            marker(t(f"coord.alert.{alert.rule}"), _TONE.get(alert.rule, "draft")),
            ft.Text(formats().day(alert.latest), size=TEXT_SMALL),
        ]
        if alert.planned:
            head.append(marker(t("marker.planned"), "planned"))
        lines: list[ft.Control] = [
            ft.Row(head, spacing=8, wrap=True),
            ft.Text(actor, size=TEXT, weight=ft.FontWeight.W_700),
            ft.Text(reason(alert, actor), size=TEXT_SMALL + 1),
        ]

        def toggle(_: Any) -> None:
            self.opened ^= {n}
            redraw(self)

        label = "coord.alerts.hide" if n in self.opened else "coord.alerts.show"
        lines.append(
            secondary(
                tn(label, len(alert.records)), self.shell.on(toggle), icon=ft.Icons.LIST
            )
        )
        if n in self.opened:
            for row in coord.rows(list(alert.records)):
                rid = str(row.id)

                def open_row(_: Any, rid: str = rid) -> None:
                    self.shell.go("/coord/alerts/record", id=rid)

                lines.append(team_row(row, self.shell.on(open_row)))
        return ft.Container(
            content=ft.Column(lines, spacing=6),
            padding=12,
            border=ft.Border.all(1, "#c4ccd0"),
            border_radius=10,
        )
