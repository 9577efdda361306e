"""Coordinator: the engagement overview (actors by teams) and one cell's contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.services import RecordRow
from app.services.coordination import Overview, OverviewFilter
from app.services.coordination.overview import ActorHead, Cell
from app.ui.components.records import record_tile
from app.ui.components.widgets import note, secondary, section_title
from app.ui.messages import enum_label, formats, t, tn
from app.ui.screen import Screen
from app.ui.state import CoordState
from app.ui.theme import TAP, TEXT, TEXT_SMALL
from app.ui.views.coord_charts import month_bars
from models.enums import ActorType, Method, ProtectionIssue

__all__ = [
    "CellScreen",
    "OverviewScreen",
    "coordinator_only",
    "filter_of",
    "redraw",
    "team_row",
]

#: Actors drawn at first; "Show all" draws the rest.
FIRST_ACTORS = 30
NO_ACTOR = "-"
_PERIODS = ("", "30", "90", "365")


def filter_of(state: CoordState, today: dt.date) -> OverviewFilter:
    """The service filter of the screen's choices."""
    start = today - dt.timedelta(days=int(state.period)) if state.period else None
    return OverviewFilter(
        start=start,
        actor_type=ActorType(state.actor_type) if state.actor_type else None,
        issue=ProtectionIssue(state.issue) if state.issue else None,
        method=Method(state.method) if state.method else None,
    )


def redraw(screen: Screen) -> None:
    """Draw the body again, keeping the screen (and what it remembers)."""
    screen.column.controls = screen.body()


def team_row(row: RecordRow, on_click: Any) -> ft.Control:
    """A record row with the team that made it above it."""
    return ft.Column(
        [
            ft.Text(t("coord.by_team", team=row.team), size=13, color="#3a3a3a"),
            record_tile(row, on_click),
        ],
        spacing=0,
    )


def coordinator_only(screen: Screen) -> list[ft.Control] | None:
    """What a coordination screen shows instead of itself on a field device."""
    if not screen.services.coordination.allowed:
        return [note(t("coord.only"))]
    found = screen.services.enroll.enrollment()
    if found is None or not found.records_key_ready:
        return [note(t("teams.locked"))]
    return None


class OverviewScreen(Screen):
    """Which team engages which actor, at which level, on which issues."""

    def __init__(self, shell: Any, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.show_all = False

    def title(self) -> str:
        """Coordination."""
        return t("coord.title")

    def body(self) -> list[ft.Control]:
        """Links, filters, the grid, the charts."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused
        coord = self.services.coordination
        flt = filter_of(self.shell.state.coord, dt.date.today())
        view = coord.overview(flt)
        controls: list[ft.Control] = [self._links(), self._filters()]
        if not view.actors:
            return [*controls, note(t("coord.empty"))]
        controls.append(
            note(
                tn(
                    "coord.summary",
                    view.contacts,
                    actors=tn("coord.n_actors", len(view.actors)),
                )
            )
        )
        controls += self._grid(view)
        controls += month_bars(
            t("coord.chart.contacts"),
            [(m.month, m.series, m.value) for m in view.per_month],
        )
        delays = [
            (m.month, t("coord.chart.delay_series"), m.value)
            for m in coord.delays(flt)
            if m.series == "delay"
        ]
        controls += month_bars(t("coord.chart.delays"), delays, unit="min")
        return controls

    def _links(self) -> ft.Control:
        coord = self.services.coordination
        alerts, pairs = len(coord.alerts()), len(coord.duplicates())

        def go(path: str) -> Any:
            return self.shell.on(lambda _: self.shell.go(path))

        return ft.Row(
            [
                secondary(
                    tn("coord.alerts", alerts),
                    go("/coord/alerts"),
                    icon=ft.Icons.WARNING_AMBER,
                ),
                secondary(
                    tn("coord.duplicates", pairs),
                    go("/coord/duplicates"),
                    icon=ft.Icons.MERGE_TYPE,
                ),
                secondary(t("coord.access"), go("/coord/access"), icon=ft.Icons.REPORT),
                secondary(
                    t("coord.export"), go("/coord/export"), icon=ft.Icons.DOWNLOAD
                ),
            ],
            wrap=True,
            spacing=8,
            run_spacing=8,
        )

    def _filters(self) -> ft.Control:
        state = self.shell.state.coord

        def pick(name: str, value: str) -> None:
            setattr(state, name, value)
            self.shell.refresh()

        def period(value: str) -> Any:
            return self.shell.on(lambda _: pick("period", value))

        periods: list[ft.Control] = [
            ft.Chip(
                label=ft.Text(t(f"coord.period.{p or 'all'}"), size=TEXT_SMALL),
                selected=state.period == p,
                on_select=period(p),
                height=TAP,
            )
            for p in _PERIODS
        ]
        menus = [
            _menu(
                "coord.filter.actor_type",
                "actor_type",
                list(ActorType),
                state.actor_type,
                lambda v: pick("actor_type", v),
                self,
            ),
            _menu(
                "coord.filter.issue",
                "issue",
                list(ProtectionIssue),
                state.issue,
                lambda v: pick("issue", v),
                self,
            ),
            _menu(
                "coord.filter.method",
                "method",
                list(Method),
                state.method,
                lambda v: pick("method", v),
                self,
            ),
        ]
        return ft.Column(
            [
                ft.Row(periods, wrap=True, spacing=6, run_spacing=6),
                ft.Row(menus, wrap=True, spacing=8, run_spacing=8),
            ],
            spacing=8,
        )

    def _grid(self, view: Overview) -> list[ft.Control]:
        heads = view.actors if self.show_all else view.actors[:FIRST_ACTORS]
        cards: list[ft.Control] = [
            ft.Container(
                content=_actor_card(self, head, view),
                col={"xs": 12, "md": 6, "xl": 4},
            )
            for head in heads
        ]
        out: list[ft.Control] = [ft.ResponsiveRow(cards, spacing=10, run_spacing=10)]
        hidden = len(view.actors) - len(heads)
        if hidden > 0:

            def more(_: Any) -> None:
                self.show_all = True
                redraw(self)

            out.append(secondary(tn("coord.show_more", hidden), self.shell.on(more)))
        return out


def _menu(
    key: str,
    group: str,
    values: list[Any],
    current: str,
    chosen: Any,
    screen: Screen,
) -> ft.Control:
    options = [ft.DropdownOption(key="", text=t("coord.filter.any"))]
    options += [
        ft.DropdownOption(key=v.value, text=enum_label(group, v.value)) for v in values
    ]

    def select(e: ft.Event[ft.Dropdown]) -> None:
        chosen(e.control.value or "")

    return ft.Semantics(
        identifier=f"filter-{group}",
        content=ft.Dropdown(
            label=t(key),
            value=current,
            options=options,
            on_select=screen.shell.on(select),
            width=230,
            text_size=TEXT_SMALL,
            dense=True,
        ),
    )


def _actor_card(screen: Screen, head: ActorHead, view: Overview) -> ft.Control:
    actor = str(head.id) if head.id else NO_ACTOR
    name = head.name or t("coord.no_actor")
    when = formats().day(head.last)
    line = t(
        "coord.actor_line",
        contacts=tn("coord.n_contacts", head.contacts),
        teams=tn("coord.n_teams", head.teams),
        last=when,
    )
    kind = enum_label("actor_type", head.actor_type)
    title: ft.Control = ft.Container(
        content=ft.Column(
            [
                ft.Text(name, size=TEXT, weight=ft.FontWeight.W_700),
                ft.Text(" · ".join(x for x in (kind, line) if x), size=TEXT_SMALL),
            ],
            spacing=2,
        ),
        on_click=(
            screen.shell.on(lambda _: screen.shell.go("/coord/actor", actor=actor))
            if head.id
            else None
        ),
        ink=True,
        padding=ft.Padding.symmetric(vertical=4),
    )
    if head.id:
        title = ft.Semantics(
            button=True, label=t("coord.open_actor", name=name), content=title
        )
    cells = [view.cell(head.id, team) for team in view.teams]
    tiles = [_cell_tile(screen, c, actor) for c in cells if c is not None]
    return ft.Container(
        content=ft.Column([title, ft.Column(tiles, spacing=6)], spacing=6),
        padding=12,
        border=ft.Border.all(1, "#c4ccd0"),
        border_radius=10,
        bgcolor="#fbfcfd",
    )


def _cell_tile(screen: Screen, cell: Cell, actor: str) -> ft.Control:
    levels = ", ".join(enum_label("level", lv.value) for lv in cell.levels)
    issues = ", ".join(enum_label("issue", i.value) for i in cell.issues)
    head = tn(
        "coord.cell",
        cell.contacts,
        team=cell.team,
        last=formats().day(cell.last),
    )
    lines: list[ft.Control] = [
        ft.Text(head, size=TEXT_SMALL + 1, weight=ft.FontWeight.W_600)
    ]
    if levels:
        lines.append(ft.Text(t("coord.levels", levels=levels), size=TEXT_SMALL))
    if issues:
        lines.append(ft.Text(t("coord.issues", issues=issues), size=TEXT_SMALL))
    team = cell.team

    def open_cell(_: Any) -> None:
        screen.shell.go("/coord/cell", actor=actor, team=team)

    return ft.Semantics(
        button=True,
        label=tn("coord.open_cell", cell.contacts, team=team),
        content=ft.Container(
            content=ft.Column(lines, spacing=1),
            on_click=screen.shell.on(open_cell),
            ink=True,
            padding=ft.Padding.symmetric(vertical=8, horizontal=10),
            border_radius=8,
            bgcolor="#e8f0f4",
        ),
    )


class CellScreen(Screen):
    """The contacts behind one cell of the overview, newest first."""

    def title(self) -> str:
        """The actor and the team."""
        actor = self.params["actor"]
        name = self.services.coordination.actor_name(_uuid(actor)) or t(
            "coord.no_actor"
        )
        return t("coord.cell_title", actor=name, team=self.params["team"])

    def body(self) -> list[ft.Control]:
        """The timeline behind the cell."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused
        actor, team = self.params["actor"], self.params["team"]
        flt = filter_of(self.shell.state.coord, dt.date.today())
        rows = self.services.coordination.cell_rows(
            "" if actor == NO_ACTOR else actor, team, flt
        )
        if not rows:
            return [note(t("coord.cell_empty"))]
        controls: list[ft.Control] = [section_title(tn("coord.cell_count", len(rows)))]
        for row in rows:
            rid = str(row.id)

            def open_row(_: Any, rid: str = rid) -> None:
                self.shell.go("/coord/cell/record", id=rid, actor=actor, team=team)

            controls.append(record_tile(row, self.shell.on(open_row)))
        return controls


def _uuid(text: str) -> Any:
    import uuid

    try:
        return uuid.UUID(text)
    except ValueError:
        return None
