"""Coordinator, on an actor's profile: the "before you go" note to the field teams,
and a follow-up assigned to one team. Both travel sealed to the teams they name."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.errors import ValidationFailed
from app.ui.components.chips import ChipGroup
from app.ui.components.widgets import field, label, note, primary, section_title
from app.ui.messages import field_error, t
from app.ui.screen import Screen

__all__ = ["BriefPanel"]


class BriefPanel:
    """The two forms under an actor's profile."""

    def __init__(self, screen: Screen, actor_id: str) -> None:
        self.shell = screen.shell
        self.coord = screen.services.coordination
        self.actor_id = actor_id
        self.teams = self.coord.field_teams()
        self.text = field(
            t("coord.brief.field"),
            self.coord.briefing(actor_id),
            multiline=True,
            key="brief-text",
        )
        self.team = ChipGroup(self.teams, labels={x: x for x in self.teams})
        self.task = field(t("coord.assign.task"), key="assign-task")
        self.due = field(t("coord.assign.due"), key="assign-due")

    def controls(self) -> list[ft.Control]:
        """Both forms; a note instead when no field team is known yet."""
        out: list[ft.Control] = [
            section_title(t("coord.brief.title")),
            note(t("coord.brief.hint")),
        ]
        if not self.teams:
            return [*out, note(t("coord.brief.no_team"))]
        form: list[ft.Control] = [
            self.text,
            ft.Row(
                [
                    primary(
                        t("coord.brief.send"),
                        self.shell.on(self._send),
                        icon=ft.Icons.SEND,
                    )
                ]
            ),
            section_title(t("coord.assign.title")),
            label("coord.assign.team"),
            self.team.control,
            self.task,
            self.due,
            ft.Row(
                [
                    primary(
                        t("coord.assign.send"),
                        self.shell.on(self._assign),
                        icon=ft.Icons.ASSIGNMENT_IND,
                    )
                ]
            ),
        ]
        # Full width on a phone; on a laptop, a form as wide as it is useful.
        column = ft.Column(
            form,
            col={"xs": 12, "md": 9, "xl": 7},
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        return [*out, ft.ResponsiveRow([column])]

    def _send(self, _: Any) -> None:
        self.text.error = None
        try:
            teams = self.coord.brief(actor_id=self.actor_id, text=self.text.value or "")
        except ValidationFailed as err:
            self.text.error = field_error(err.fields.get("text"))
            self.shell.toast(t("contact.fix_errors"))
            return
        if (self.text.value or "").strip():
            self.shell.toast(t("coord.brief.sent", teams=", ".join(teams)))
        else:
            self.shell.toast(t("coord.brief.withdrawn"))

    def _assign(self, _: Any) -> None:
        self.task.error = self.due.error = None
        self.team.set_error(None)
        try:
            self.coord.assign(
                actor_id=self.actor_id,
                team=self.team.value,
                title=self.task.value or "",
                due=self.due.value or "",
            )
        except ValidationFailed as err:
            self.team.set_error(
                t("coord.assign.pick_team") if "team" in err.fields else None
            )
            self.task.error = field_error(err.fields.get("title"))
            self.due.error = field_error(err.fields.get("due"))
            self.shell.toast(t("contact.fix_errors"))
            return
        self.shell.toast(t("coord.assign.sent", team=self.team.value))
        self.task.value = self.due.value = ""
