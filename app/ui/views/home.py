"""Home: the quick actions, upcoming contacts, logs to complete, latest records."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services import Draft, RecordRow
from app.ui.components.records import record_tile
from app.ui.components.sync_badge import sync_badge
from app.ui.components.widgets import note, primary, secondary, section_title
from app.ui.messages import enum_label, formats, t
from app.ui.screen import Screen
from app.ui.theme import GAP
from app.ui.where import location

__all__ = ["HomeScreen", "open_route"]


def open_route(row: RecordRow) -> str:
    """Where tapping a record row leads."""
    return location("/record", {"id": str(row.id)})


class HomeScreen(Screen):
    """The first screen after unlocking."""

    def title(self) -> str:
        """App name."""
        return t("home.title")

    def body(self) -> list[ft.Control]:
        """Actions first (one thumb), then what needs attention."""
        controls = self._actions()
        drafts = self.services.drafts.all()
        if not self.shell.records_ready:
            # A large vault is still being opened: the actions work already, the
            # lists come by themselves in a moment.
            badge = sync_badge(self.shell, self, 0)
            controls += [badge] if badge else []
            controls += self._drafts(drafts)
            controls.append(
                ft.Row(
                    [ft.ProgressRing(width=20, height=20), note(t("home.opening"))],
                    spacing=GAP,
                )
            )
            return controls
        overview = self.services.records.home()
        controls += filter(None, [sync_badge(self.shell, self, overview.pending_count)])
        controls += self._drafts(drafts)
        if overview.upcoming:
            controls.append(section_title(t("home.upcoming")))
            controls.extend(self._upcoming(row) for row in overview.upcoming)
        if overview.unfinished:
            controls.append(section_title(t("home.unfinished")))
            controls.extend(
                record_tile(row, self.shell.on(self._goer(self._edit_route(row))))
                for row in overview.unfinished
            )
        controls.append(section_title(t("home.recent")))
        if not overview.recent:
            controls.append(note(t("home.nothing_yet")))
        controls.extend(
            record_tile(row, self.shell.on(self._goer(open_route(row))))
            for row in overview.recent
        )
        return controls

    def _actions(self) -> list[ft.Control]:
        go = self.shell.go
        return [
            ft.Row(
                [
                    primary(
                        t("home.quick_log"),
                        self.shell.on(lambda _: go("/log/quick")),
                        icon=ft.Icons.ROUTE,
                    )
                ]
            ),
            ft.Row(
                [
                    secondary(
                        t("home.new_contact"),
                        self.shell.on(lambda _: go("/contact/new")),
                        icon=ft.Icons.FORUM,
                    ),
                    secondary(
                        t("home.plan_contact"),
                        self.shell.on(lambda _: go("/contact/plan")),
                        icon=ft.Icons.EVENT,
                    ),
                ],
                wrap=True,
                spacing=GAP,
            ),
        ]

    def _drafts(self, drafts: list[Draft]) -> list[ft.Control]:
        if not drafts:
            return []
        return [section_title(t("home.drafts")), *(self._draft_tile(d) for d in drafts)]

    def _edit_route(self, row: RecordRow) -> str:
        target = self.services.records.edit_target(str(row.id))
        if target is None:
            return open_route(row)
        return location(target.route, {"id": str(target.record_id)})

    def _goer(self, route: str) -> Any:
        return lambda _: self.shell.go(route)

    def _draft_tile(self, draft: Draft) -> ft.Control:
        when = formats().moment(draft.saved_at)
        label = t("home.draft_of", form=enum_label("form", draft.form), when=when)
        return ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.EDIT_NOTE, size=28),
                    ft.Text(label, size=16, expand=True),
                ]
            ),
            on_click=self.shell.on(self._goer(draft.route)),
            padding=ft.Padding.symmetric(vertical=12, horizontal=4),
            bgcolor="#fff4d6",
            border_radius=8,
        )

    def _upcoming(self, row: RecordRow) -> ft.Control:
        def done(_: Any) -> None:
            self.services.contacts.mark_done(str(row.id))
            self.shell.refresh()

        return ft.Column(
            [
                record_tile(row, self.shell.on(self._goer(self._edit_route(row)))),
                ft.Row(
                    [
                        secondary(
                            t("home.mark_done"),
                            self.shell.on(done),
                            icon=ft.Icons.CHECK_CIRCLE,
                        )
                    ],
                    alignment=ft.MainAxisAlignment.END,
                ),
            ],
            spacing=4,
        )
