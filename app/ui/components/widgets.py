"""Small building blocks: labelled buttons, fields, headings, notes.

Every interactive piece has a visible or accessible label (screen readers and the
browser tests both find controls by it) and a touch target of at least 48 px.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import flet as ft

from app.ui.components.marks import watch_limit
from app.ui.messages import t
from app.ui.theme import GAP, TAP, TEXT, TEXT_SMALL, tone
from models.text import TEXT_MAX

__all__ = [
    "Handler",
    "field",
    "heading",
    "icon_action",
    "label",
    "list_or_empty",
    "long_field",
    "marker",
    "note",
    "primary",
    "required_label",
    "secondary",
    "section_title",
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
    limit: int | None = None,
    required: bool = False,
    key: str = "",
) -> ft.TextField:
    """A labelled text field; its error shows right under it (``.error``).

    Flet sends a field's value to the server only when it has a change handler,
    so every field gets one. Passphrase fields get a labelled show/hide toggle.
    ``limit`` adds a counter near it and a message past it (the text is never
    cut); ``required`` says so under the field from the start; ``key`` lets a
    screen scroll to the field.
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
        helper=t("field.required_mark") if required else None,
        key=ft.ScrollKey(key) if key else None,  # type: ignore[call-arg]
    )
    if limit is not None:
        watch_limit(made, limit, on_change)
    if password:
        made.suffix_icon = _reveal_toggle(made, label)
    return made


def long_field(label: str, *, key: str = "", value: str = "") -> ft.TextField:
    """A multi-line field for notes, asks, outcomes: with the records' limit."""
    return field(label, value, multiline=True, limit=TEXT_MAX, key=key)


def _reveal_toggle(target: ft.TextField, label: str) -> ft.Control:
    def flip(_: Any) -> None:
        target.password = not target.password

    return icon_action(ft.Icons.VISIBILITY, t("action.reveal", field=label), flip)


def label(key: str) -> ft.Text:
    """A bold label above a group of chips."""
    return ft.Text(t(key), size=16, weight=ft.FontWeight.W_600)


def required_label(key: str, *, size: int = 16) -> ft.Control:
    """A bold label above a group of chips that must have a choice, saying so."""
    return ft.Row(
        [
            ft.Text(t(key), size=size, weight=ft.FontWeight.W_600),
            ft.Text(t("field.required_mark"), size=TEXT_SMALL, color="#5a4a00"),
        ],
        spacing=8,
        wrap=True,
    )


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


def list_or_empty(controls: Iterable[ft.Control], empty: str) -> list[ft.Control]:
    """The controls, or one line saying there is nothing."""
    items = list(controls)
    return items or [note(empty)]
