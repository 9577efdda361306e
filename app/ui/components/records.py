"""How a record looks in a list and on its page, whatever its type.

Everything type-specific (title, icon, markers, detail lines) comes described
from the registry of record types; this module only renders it.
"""

from __future__ import annotations

import flet as ft

from app.services import Detail, RecordRow
from app.ui.components.widgets import Handler, marker, note
from app.ui.messages import CardTitles, enum_label, formats, say, show_value, t
from app.ui.theme import TEXT, TEXT_SMALL

__all__ = [
    "detail_lines",
    "record_tile",
    "row_markers",
    "row_summary",
    "status_marker",
    "stub_detail",
    "when_text",
]


def when_text(row: RecordRow) -> str:
    """Local date, plus the time for the types that have one."""
    fmt = formats()
    return fmt.moment(row.when) if row.precise else fmt.day(row.when)


def row_summary(row: RecordRow) -> tuple[str, str]:
    """Title and subtitle of a record row."""
    if row.purged:  # a stub: its kind and when it was saved, nothing else is real
        return say(row.title), t("row.purged_when", when=when_text(row))
    bits = [when_text(row)]
    if row.place_name:
        bits.append(t("row.at", place=row.place_name))
    if row.actor_name:
        bits.append(t("row.with", actor=row.actor_name))
    return say(row.title), " · ".join(bits)


def row_markers(row: RecordRow) -> list[ft.Control]:
    """The badges of a row: stub, its type's flag, conflict, not synced."""
    found: list[ft.Control] = []
    if row.purged:
        found.append(marker(t("marker.purged"), "neutral"))
    if row.flag:
        found.append(marker(t(f"marker.{row.flag}"), row.flag))
    if row.conflict:
        found.append(marker(t("marker.conflict"), "conflict"))
    if row.pending:
        found.append(marker(t("marker.not_synced"), "pending"))
    return found


def record_tile(row: RecordRow, on_click: Handler | None) -> ft.Control:
    """One record in a list: what, when, where, who, and its markers."""
    title, subtitle = row_summary(row)
    lines: list[ft.Control] = [
        ft.Text(title, size=TEXT, weight=ft.FontWeight.W_600),
        ft.Text(subtitle, size=TEXT_SMALL),
    ]
    markers = row_markers(row)
    if markers:  # most synced rows have none: no empty row to draw and send
        lines.append(ft.Row(markers, spacing=6, wrap=True))
    body = ft.Column(lines, spacing=2, expand=True)
    icon = getattr(ft.Icons, row.icon, ft.Icons.DESCRIPTION)
    return ft.Container(
        content=ft.Row(
            [ft.Icon(icon, size=28), body],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
        on_click=on_click,
        padding=ft.Padding.symmetric(vertical=10, horizontal=4),
        border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
        ink=True,
    )


def stub_detail(row: RecordRow) -> list[ft.Control]:
    """The detail of a purged record: what it was, and why nothing more is here."""
    title, subtitle = row_summary(row)
    return [
        ft.Text(title, size=20, weight=ft.FontWeight.BOLD),
        ft.Text(subtitle, size=16),
        ft.Row(row_markers(row), wrap=True, spacing=6),
        note(t("record.purged_note")),
    ]


def status_marker(row: RecordRow) -> ft.Control | None:
    """A record page's badge for a record still waiting to be finished."""
    if not row.incomplete:
        return None
    return marker(enum_label("status", row.status), "draft")


def detail_lines(
    details: list[Detail], *, cards: CardTitles | None = None
) -> list[ft.Control]:
    """A record page's fields: a small label above each value that is set."""
    lines: list[ft.Control] = []
    for detail in details:
        value = show_value(detail.value, cards=cards)
        if value:
            lines.append(
                ft.Column(
                    [
                        ft.Text(t(detail.label), size=14, color="#3a3a3a"),
                        ft.Text(value, size=17),
                    ],
                    spacing=0,
                )
            )
    return lines
