"""Big chips for closed choices (the place and actor picker is in picker.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from app.ui.components.widgets import icon_action
from app.ui.messages import enum_label
from app.ui.theme import TAP, TEXT

__all__ = ["ChipGroup", "chip"]

OnChange = Callable[[], None]


def chip(
    label: str, *, selected: bool, on_select: Callable[[ft.Event[ft.Chip]], None]
) -> ft.Chip:
    """A chip at least 48 px tall with a readable label."""
    return ft.Chip(
        label=ft.Text(label, size=TEXT),
        selected=selected,
        on_select=on_select,
        height=TAP,
        show_checkmark=True,
    )


class ChipGroup:
    """Chips for one field: single choice (tap again to clear) or several.

    ``labels`` maps each value to its text; by default the catalog's labels for
    ``group``. ``extra`` builds an optional control after each chip (e.g. a
    guidance link), given the value. ``key`` lets a screen scroll to the group.
    """

    def __init__(
        self,
        values: Sequence[str],
        *,
        group: str = "",
        selected: Sequence[str] = (),
        multi: bool = False,
        on_change: OnChange | None = None,
        labels: dict[str, str] | None = None,
        extra: Callable[[str], ft.Control | None] | None = None,
        key: str = "",
    ) -> None:
        self.multi = multi
        self.selected: list[str] = [v for v in selected if v in values]
        self._on_change = on_change
        self._chips: dict[str, ft.Chip] = {}
        items: list[ft.Control] = []
        for value in values:
            text = (labels or {}).get(value) or enum_label(group, value)
            made = chip(
                text, selected=value in self.selected, on_select=self._select(value)
            )
            self._chips[value] = made
            more = extra(value) if extra else None
            items.append(ft.Row([made, more], spacing=0, tight=True) if more else made)
        self.error = ft.Text("", color=ft.Colors.ERROR, size=14, visible=False)
        self.control = ft.Column(
            [ft.Row(items, wrap=True, spacing=8, run_spacing=8), self.error],
            spacing=4,
            key=ft.ScrollKey(key) if key else None,  # type: ignore[call-arg]
        )

    @property
    def value(self) -> str:
        """The single selected value, or ``""``."""
        return self.selected[0] if self.selected else ""

    def set_error(self, message: str | None) -> None:
        """Show (or clear) a validation message under the chips."""
        self.error.value = message or ""
        self.error.visible = bool(message)

    def _select(self, value: str) -> Callable[[ft.Event[ft.Chip]], None]:
        def handle(_: ft.Event[ft.Chip]) -> None:
            self.toggle(value)

        return handle

    def toggle(self, value: str) -> None:
        """Select or unselect ``value`` as a tap would."""
        if value in self.selected:
            self.selected.remove(value)
        elif self.multi:
            self.selected.append(value)
        else:
            self.selected = [value]
        for key, made in self._chips.items():
            made.selected = key in self.selected
        if self._on_change:
            self._on_change()


def clear_button(
    label: str, on_click: Callable[[ft.Event[ft.IconButton]], None]
) -> ft.Control:
    """A small labelled clear action."""
    return icon_action(ft.Icons.CLEAR, label, on_click)
