"""Coordinator: the access incident report, and exports (CSV, JSON, report)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flet as ft

from app.services.exports import PROFILES, ExportFile, ExportFormat, Wording
from app.ui.components.widgets import note, primary, section_title
from app.ui.messages import current, enum_label, formats, t, tn
from app.ui.screen import Screen
from app.ui.theme import TAP, TEXT_SMALL
from app.ui.views.coord import coordinator_only, redraw

__all__ = ["AccessScreen", "ExportScreen", "report_words"]

_COLUMNS = {
    "actor_type": "actor_type",
    "contact_kind": "contact_kind",
    "level": "level",
    "sensitivity": "sensitivity",
    "status": "status",
    "crossing": "outcome",
    "access_constraint": "constraint",
    "methods": "method",
    "approaches": "approach",
    "issues": "issue",
    "risks": "risk",
}


def report_words() -> Wording:
    """The printable report's headings and labels in the session's language."""
    return Wording(
        text=lambda key: t(f"export.col.{key}"),
        label=lambda column, code: enum_label(_COLUMNS.get(column, column), code),
    )


async def _save(screen: Screen, made: ExportFile) -> None:
    # On the web build this is a browser download; on a phone, the save sheet.
    picker = ft.FilePicker()
    screen.picker = picker  # type: ignore[attr-defined]  # kept referenced
    await picker.save_file(file_name=made.name, src_bytes=made.data)


class AccessScreen(Screen):
    """Crossings that were not free, by OCHA category, area, actor and month."""

    def title(self) -> str:
        """Access incidents."""
        return t("coord.access.title")

    def body(self) -> list[ft.Control]:
        """Totals four ways, then the lines, then the CSV button."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused
        report = self.services.coordination.access()
        if not report.total:
            return [note(t("coord.access.none"))]
        no_area, no_actor = t("coord.access.no_area"), t("coord.no_actor")
        tables = [
            (
                "coord.access.by_constraint",
                [
                    (enum_label("constraint", c) or t("coord.access.no_category"), n)
                    for c, n in report.by_constraint
                ],
            ),
            ("coord.access.by_month", report.by_month),
            ("coord.access.by_area", [(a or no_area, n) for a, n in report.by_area]),
            ("coord.access.by_actor", [(a or no_actor, n) for a, n in report.by_actor]),
        ]
        boxes: list[ft.Control] = [
            ft.Container(_totals(t(key), rows), col={"xs": 12, "md": 6, "xl": 3})
            for key, rows in tables
        ]
        controls: list[ft.Control] = [
            note(tn("coord.access.intro", report.total)),
            primary(
                t("coord.access.csv"), self.shell.on(self._csv), icon=ft.Icons.DOWNLOAD
            ),
            ft.ResponsiveRow(boxes, spacing=10, run_spacing=10),
            section_title(t("coord.access.lines")),
        ]
        for line in report.lines[:200]:
            median = (
                ""
                if line.median_delay is None
                else t("coord.access.median", minutes=f"{line.median_delay:.0f}")
            )
            bits = [
                line.month,
                enum_label("constraint", line.constraint)
                or t("coord.access.no_category"),
                line.area or no_area,
                line.actor_name or no_actor,
            ]
            counts = tn(
                "coord.access.line",
                line.events,
                delayed=line.delayed,
                turned_back=line.turned_back,
                incidents=line.incidents,
            )
            controls.append(
                ft.Text(
                    " · ".join([*bits, counts, median]).rstrip(" ·"), size=TEXT_SMALL
                )
            )
        return controls

    async def _csv(self, _: Any) -> None:
        made = self.services.exports.access_csv(self.services.coordination.access())
        await _save(self, made)
        self.shell.toast(t("export.done", name=made.name))


def _totals(title: str, rows: list[tuple[str, int]]) -> ft.Control:
    lines: list[ft.Control] = [ft.Text(title, size=16, weight=ft.FontWeight.W_700)]
    for name, n in rows[:8]:
        lines.append(
            ft.Row(
                [
                    ft.Text(name, size=TEXT_SMALL, expand=True),
                    ft.Text(str(n), size=TEXT_SMALL),
                ],
            )
        )
    return ft.Container(
        content=ft.Column(lines, spacing=4),
        padding=12,
        border=ft.Border.all(1, "#c4ccd0"),
        border_radius=10,
    )


class ExportScreen(Screen):
    """Choose a format and a profile; the file goes where the device saves files."""

    def __init__(self, shell: Any, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.fmt = ExportFormat.CSV
        self.profile = "shareable"

    def title(self) -> str:
        """Export."""
        return t("export.title")

    def body(self) -> list[ft.Control]:
        """Format, profile, what the profile leaves out, the button, past exports."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused

        def chips(values: list[str], chosen: str, prefix: str, set_to: Any) -> ft.Row:
            def choose(value: str) -> Any:
                return self.shell.on(lambda _: set_to(value))

            return ft.Row(
                [
                    ft.Chip(
                        label=ft.Text(t(f"{prefix}.{v}"), size=TEXT_SMALL + 1),
                        selected=v == chosen,
                        on_select=choose(v),
                        height=TAP,
                    )
                    for v in values
                ],
                wrap=True,
                spacing=8,
            )

        def set_fmt(value: str) -> None:
            self.fmt = ExportFormat(value)
            redraw(self)

        def set_profile(value: str) -> None:
            self.profile = value
            redraw(self)

        controls: list[ft.Control] = [
            section_title(t("export.format")),
            chips(
                [f.value for f in ExportFormat], self.fmt.value, "export.fmt", set_fmt
            ),
            section_title(t("export.profile")),
            chips(
                [p.name for p in PROFILES], self.profile, "export.profile", set_profile
            ),
            note(t(f"export.profile.{self.profile}.note")),
            primary(
                t("export.go"), self.shell.on(self._export), icon=ft.Icons.DOWNLOAD
            ),
            note(t("export.recorded")),
        ]
        history = self.services.exports.history()[:10]
        if history:
            controls.append(section_title(t("export.history")))
            for h in history:
                when = formats().moment(dt.datetime.fromtimestamp(h.at / 1000, dt.UTC))
                controls.append(
                    ft.Text(
                        tn(
                            "export.history_line",
                            h.records,
                            when=when,
                            fmt=t(f"export.fmt.{h.format.value}"),
                            profile=t(f"export.profile.{h.profile}"),
                        ),
                        size=TEXT_SMALL,
                    )
                )
        return controls

    async def _export(self, _: Any) -> None:
        redaction = next(p for p in PROFILES if p.name == self.profile)
        made = self.services.exports.export(
            fmt=self.fmt,
            redaction=redaction,
            words=report_words(),
            rtl=current().rtl,
        )
        await _save(self, made)
        redraw(self)  # before the toast: it sends the page, and nothing after it
        self.shell.toast(t("export.done", name=made.name))
