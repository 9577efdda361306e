"""Small building blocks: labelled buttons, fields, chips, markers, record rows.

Every interactive piece has a visible or accessible label (screen readers and the
browser tests both find controls by it) and a touch target of at least 48 px.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import flet as ft

from app.services import RecordRow
from app.ui.messages import enum_label, t
from app.ui.theme import GAP, TAP, TEXT, TEXT_SMALL, tone

__all__ = [
    "Handler",
    "field",
    "heading",
    "icon_action",
    "label",
    "marker",
    "note",
    "primary",
    "record_tile",
    "row_summary",
    "secondary",
    "section_title",
    "stub_detail",
    "when_text",
]

Handler = Callable[[Any], Any]


def icon_action(icon: ft.IconData, label: str, on_click: Handler | None) -> ft.Control:
    """An icon button whose accessible name is ``label`` (tooltips are not exposed)."""
    return ft.Semantics(
        label=label,
        button=True,
        exclude_semantics=True,
        on_tap=on_click,
        content=ft.IconButton(
            icon=icon, on_click=on_click, width=TAP, height=TAP, icon_size=26
        ),
    )


def primary(
    label: str, on_click: Handler | None, *, icon: ft.IconData | None = None
) -> ft.FilledButton:
    """The main action of a screen: full width, tall, hard to miss."""
    return ft.FilledButton(
        content=ft.Text(label, size=TEXT, weight=ft.FontWeight.W_600),
        icon=icon,
        on_click=on_click,
        height=56,
        expand=True,
    )


def secondary(
    label: str, on_click: Handler | None, *, icon: ft.IconData | None = None
) -> ft.OutlinedButton:
    """A secondary action, still a large target."""
    return ft.OutlinedButton(
        content=ft.Text(label, size=TEXT_SMALL + 1),
        icon=icon,
        on_click=on_click,
        height=TAP + 4,
    )


def _ignore(_: Any) -> None:
    return None


def field(
    label: str,
    value: str = "",
    *,
    on_change: Handler | None = None,
    multiline: bool = False,
    password: bool = False,
    number: bool = False,
    hint: str | None = None,
) -> ft.TextField:
    """A labelled text field; its error shows right under it (``.error``).

    Flet sends a field's value to the server only when it has a change handler,
    so every field gets one. Passphrase fields get a labelled show/hide toggle.
    """
    made = ft.TextField(
        label=label,
        value=value,
        on_change=on_change or _ignore,
        multiline=multiline,
        min_lines=2 if multiline else None,
        max_lines=6 if multiline else 1,
        password=password,
        keyboard_type=ft.KeyboardType.NUMBER if number else ft.KeyboardType.TEXT,
        hint_text=hint,
        error_max_lines=4,  # a plain-words error wraps instead of being cut off
        text_size=TEXT,
        autocorrect=not password,
        enable_suggestions=not password,
    )
    if password:
        made.suffix_icon = _reveal_toggle(made, label)
    return made


def _reveal_toggle(target: ft.TextField, label: str) -> ft.Control:
    def flip(_: Any) -> None:
        target.password = not target.password

    return icon_action(ft.Icons.VISIBILITY, t("action.reveal", field=label), flip)


def label(key: str) -> ft.Text:
    """A bold label above a group of chips."""
    return ft.Text(t(key), size=16, weight=ft.FontWeight.W_600)


def heading(text: str) -> ft.Control:
    """A screen-level heading inside the body."""
    return ft.Semantics(
        header=True,
        content=ft.Text(text, size=22, weight=ft.FontWeight.BOLD),
    )


def section_title(text: str) -> ft.Control:
    """A section heading within a screen."""
    return ft.Semantics(
        header=True,
        content=ft.Container(
            content=ft.Text(text, size=18, weight=ft.FontWeight.W_700),
            padding=ft.Padding.only(top=GAP),
        ),
    )


def note(text: str, *, color: str | None = None) -> ft.Text:
    """A short explanatory line."""
    return ft.Text(text, size=TEXT_SMALL, color=color)


def marker(text: str, kind: str) -> ft.Control:
    """A coloured status badge with words (colour is never the only signal)."""
    fg, bg = tone(kind)
    return ft.Container(
        content=ft.Text(text, size=13, color=fg, weight=ft.FontWeight.W_600),
        bgcolor=bg,
        border_radius=6,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
    )


def when_text(row: RecordRow) -> str:
    """Local date, plus time for checkpoint logs."""
    local = row.when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if row.kind == "checkpoint" else "%Y-%m-%d")


def row_summary(row: RecordRow) -> tuple[str, str]:
    """Title and subtitle of a record row."""
    if row.purged:  # a stub: its kind and when it was saved, nothing else is real
        title = t("row.purged", kind=enum_label("record_kind", row.kind))
        return title, t("row.purged_when", when=when_text(row))
    if row.kind == "checkpoint":
        title = t("row.checkpoint", outcome=enum_label("outcome", row.detail))
    elif row.kind == "contact":
        title = t("row.contact", kind=enum_label("contact_kind", row.detail))
    else:
        title = t("row.follow_up", title=row.title)
    bits = [when_text(row)]
    if row.place_name:
        bits.append(t("row.at", place=row.place_name))
    if row.actor_name:
        bits.append(t("row.with", actor=row.actor_name))
    return title, " · ".join(bits)


def _markers(row: RecordRow) -> list[ft.Control]:
    found: list[ft.Control] = []
    if row.purged:
        found.append(marker(t("marker.purged"), "neutral"))
    if row.kind == "checkpoint" and row.status == "draft":
        found.append(marker(t("marker.draft"), "draft"))
    if row.kind == "contact" and row.status == "planned":
        found.append(marker(t("marker.planned"), "planned"))
    if row.conflict:
        found.append(marker(t("marker.conflict"), "conflict"))
    if row.pending:
        found.append(marker(t("marker.not_synced"), "pending"))
    return found


def record_tile(row: RecordRow, on_click: Handler | None) -> ft.Control:
    """One record in a list: what, when, where, who, and its markers."""
    title, subtitle = row_summary(row)
    icon = {
        "checkpoint": ft.Icons.ROUTE,
        "contact": ft.Icons.FORUM,
        "follow_up": ft.Icons.TASK_ALT,
    }.get(row.kind, ft.Icons.DESCRIPTION)
    body = ft.Column(
        [
            ft.Text(title, size=TEXT, weight=ft.FontWeight.W_600),
            ft.Text(subtitle, size=TEXT_SMALL),
            ft.Row(_markers(row), spacing=6, wrap=True),
        ],
        spacing=2,
        expand=True,
    )
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
        ft.Row(_markers(row), wrap=True, spacing=6),
        note(t("record.purged_note")),
    ]


def list_or_empty(controls: Iterable[ft.Control], empty: str) -> list[ft.Control]:
    """The controls, or one line saying there is nothing."""
    items = list(controls)
    return items or [note(empty)]
