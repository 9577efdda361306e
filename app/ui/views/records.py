"""The records list (filters, search) and one record (details, history, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.errors import AppError, NotAllowed
from app.services import RecordFilter, RecordRow, Revision, listed_kinds, statuses
from app.services.digits import western_digits
from app.ui.components.chips import ChipGroup
from app.ui.components.picker import Picker
from app.ui.components.records import (
    detail_lines,
    record_tile,
    row_summary,
    status_marker,
    stub_detail,
)
from app.ui.components.widgets import (
    field,
    label,
    marker,
    note,
    primary,
    secondary,
    section_title,
)
from app.ui.host import Host
from app.ui.messages import describe, enum_label, formats, t, tn
from app.ui.screen import Screen
from app.ui.state import RecordsState
from app.ui.views.outbox import send_line

__all__ = ["RecordScreen", "RecordsScreen"]

#: Rows shown at first, and added by each "show more" (a phone shows about seven).
PAGE = 20


def _date(text: str) -> dt.date | None:
    text = western_digits(text).strip()
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class RecordsScreen(Screen):
    """Every log, contact and follow-up, newest first."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        saved = shell.state.records
        self.search = field(t("records.search"), saved.text, on_change=self._changed)
        self.search.prefix_icon = ft.Icons.SEARCH
        self.kinds = ChipGroup(
            listed_kinds(),
            group="record_kind",
            multi=True,
            selected=saved.kinds,
            on_change=shell.guard(self._refresh),
        )
        self.statuses = ChipGroup(
            statuses(),
            group="status",
            multi=True,
            selected=saved.statuses,
            on_change=shell.guard(self._refresh),
        )
        self.actor = Picker(
            self.services.actors.options(merged=True),
            label=t("records.actor"),
            search_label=t("picker.search_actor"),
            selected=saved.actor,
            on_change=shell.guard(self._refresh),
        )
        self.date_from = field(
            t("records.from"), saved.date_from, on_change=self._changed
        )
        self.date_to = field(t("records.to"), saved.date_to, on_change=self._changed)
        self.count = note("")
        self.results = ft.Column(spacing=0)
        self.limit = PAGE
        # Rows already drawn, by record: a row that stays in the list while the
        # user types keeps its controls, so only new rows are sent to the screen.
        self._tiles: dict[object, tuple[RecordRow, ft.Control]] = {}
        self._fill()

    def title(self) -> str:
        """List title."""
        return t("records.title")

    def _filter(self) -> RecordFilter:
        return RecordFilter(
            kinds=frozenset(self.kinds.selected),
            statuses=frozenset(self.statuses.selected),
            actor_id=self.actor.selected,
            date_from=_date(self.date_from.value or ""),
            date_to=_date(self.date_to.value or ""),
            text=self.search.value or "",
        )

    def _remember(self) -> None:
        self.shell.state.records = RecordsState(
            text=self.search.value or "",
            kinds=list(self.kinds.selected),
            statuses=list(self.statuses.selected),
            actor=self.actor.selected,
            date_from=self.date_from.value or "",
            date_to=self.date_to.value or "",
        )

    def _fill(self) -> None:
        found = self.services.records.page(self._filter(), limit=self.limit)
        self.count.value = tn("records.count", found.total)
        controls: list[ft.Control] = [self._tile(row) for row in found.rows] or [
            note(t("records.empty"))
        ]
        if found.more:
            shown = min(PAGE, found.more)
            controls.append(
                secondary(tn("records.more", shown), self.shell.on(self._more))
            )
        self.results.controls = controls

    def _tile(self, row: RecordRow) -> ft.Control:
        kept = self._tiles.get(row.id)
        if kept is not None and kept[0] == row:
            return kept[1]
        made = record_tile(row, self.shell.on(self._opener(row)))
        self._tiles[row.id] = (row, made)
        return made

    def _more(self, _: Any) -> None:
        self.limit += PAGE
        self._fill()
        self._send_list()

    def _opener(self, row: RecordRow) -> Any:
        return lambda _: self.shell.go("/record", id=str(row.id))

    def _changed(self, _: Any) -> None:
        # A keystroke in a text field: only the list can have changed.
        if self._refresh():
            self._send_list()

    def _refresh(self) -> bool:
        self.limit = PAGE
        try:
            self._remember()
            self._fill()
        except AppError as err:
            self.shell.fail(err)
            return False
        return True

    def _send_list(self) -> None:
        """Send the count and the rows alone: nothing else on the screen changed.

        Without this, the handler's auto-update diffs the whole screen (filters,
        chips, the actor picker) on every keystroke of the search. Chip and picker
        changes keep the auto-update: their own looks changed too.
        """
        try:
            page = self.results.page
        except RuntimeError:  # not drawn yet: the first draw sends everything
            return
        page.update(self.count, self.results)

    def _clear(self, _: Any) -> None:
        self.shell.state.records = RecordsState()
        self.shell.refresh()

    def body(self) -> list[ft.Control]:
        """Search, filters (folded), count, rows."""
        active = any(self._filter_values())
        filters = ft.ExpansionTile(
            title=ft.Text(t("records.filters"), size=17, weight=ft.FontWeight.W_600),
            expanded=active,
            maintain_state=True,
            controls=[
                ft.Column(
                    [
                        label("records.type"),
                        self.kinds.control,
                        label("records.status"),
                        self.statuses.control,
                        self.actor.control,
                        self.date_from,
                        self.date_to,
                        secondary(
                            t("records.clear_filters"), self.shell.on(self._clear)
                        ),
                    ],
                    spacing=10,
                    horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                )
            ],
            expanded_cross_axis_alignment=ft.CrossAxisAlignment.STRETCH,
            min_tile_height=52,
        )
        return [self.search, filters, self.count, self.results]

    def _filter_values(self) -> list[Any]:
        return [
            self.kinds.selected,
            self.statuses.selected,
            self.actor.selected,
            self.date_from.value,
            self.date_to.value,
        ]


def _history_line(rev: Revision, *, first: bool) -> str:
    when = formats().moment(rev.at) if rev.at else "?"
    if rev.deleted:
        return t("record.rev_deleted", when=when)
    if first:
        return t("record.rev_created", when=when)
    if not rev.changes:
        return t("record.rev_same", when=when)
    fields = ", ".join(enum_label("field", c.field) for c in rev.changes)
    return t("record.rev_edited", when=when, fields=fields)


class RecordScreen(Screen):
    """One record: what it says, its markers, its history; edit or delete it."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.row = self.services.records.row(params["id"])
        self.show_history = False
        self.history = ft.Column(spacing=4, visible=False)

    def title(self) -> str:
        """The record type."""
        return enum_label("record_kind", self.row.kind)

    def _edit(self, _: Any) -> None:
        target = self.services.records.edit_target(str(self.row.id))
        if target is None:
            self.shell.go("/records")
        else:
            self.shell.go(target.route, id=str(target.record_id))

    def body(self) -> list[ft.Control]:
        """Summary, markers, fields, actions, history."""
        if self.row.purged:
            return stub_detail(self.row)  # no edit, delete or history of a stub
        title, subtitle = row_summary(self.row)
        controls: list[ft.Control] = [
            ft.Text(title, size=20, weight=ft.FontWeight.BOLD),
            ft.Text(subtitle, size=16),
        ]
        badges: list[ft.Control] = list(filter(None, [status_marker(self.row)]))
        if self.row.pending:
            badges.append(marker(t("marker.not_synced"), "pending"))
        if self.row.conflict:
            badges.append(marker(t("marker.conflict"), "conflict"))
            controls.append(note(t("record.conflict_note")))
        controls.append(ft.Row(badges, wrap=True, spacing=6))
        controls.append(send_line(self.services.outbox.status(str(self.row.id))))
        details = self.services.records.details(str(self.row.id))
        controls += detail_lines(details, cards=self.services.guidance.titles)
        controls.append(
            ft.Row(
                [
                    primary(
                        t("action.edit"),
                        self.shell.on(self._edit),
                        icon=ft.Icons.EDIT,
                    )
                ]
            )
        )
        controls.append(
            ft.Row(
                [
                    secondary(
                        t("action.show_history"),
                        self.shell.on(self._toggle_history),
                        icon=ft.Icons.HISTORY,
                    ),
                    secondary(
                        t("action.delete"),
                        self.shell.on(self._ask_delete),
                        icon=ft.Icons.DELETE_OUTLINE,
                    ),
                ],
                wrap=True,
            )
        )
        controls.append(self.history)
        return controls

    def _toggle_history(self, _: Any) -> None:
        self.show_history = not self.show_history
        if self.show_history:
            revisions = self.services.records.history(str(self.row.id))
            lines = [_history_line(r, first=i == 0) for i, r in enumerate(revisions)]
            self.history.controls = [
                section_title(t("record.history")),
                *(ft.Text(line, size=15) for line in reversed(lines)),
            ]
        self.history.visible = self.show_history

    def _ask_delete(self, _: Any) -> None:
        self.shell.confirm(
            title=t("record.delete_title"),
            body=t("record.delete_body"),
            yes=t("action.delete"),
            on_yes=self._delete,
        )

    def _delete(self) -> None:
        try:
            self.services.records.delete(str(self.row.id))
        except NotAllowed as err:
            self.shell.toast(describe(err))
            return
        self.shell.go("/records")
        self.shell.toast(t("record.deleted"))
