"""Big chips for closed choices, and a picker for places and actors."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from app.services import Option
from app.ui.components.widgets import icon_action, note
from app.ui.messages import enum_label, t
from app.ui.theme import TAP, TEXT

__all__ = ["ChipGroup", "Picker", "chip"]

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
    guidance link), given the value.
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
            [ft.Row(items, wrap=True, spacing=8, run_spacing=8), self.error], spacing=4
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


class Picker:
    """Pick one place or actor by name: recent chips, a filter field, inline create.

    ``create`` (places only) makes a new record from the typed name and returns its
    id; the new name then becomes the selected chip.
    """

    LIMIT = 8

    def __init__(
        self,
        options: Sequence[Option],
        *,
        label: str,
        search_label: str,
        selected: str = "",
        on_change: OnChange | None = None,
        create: Callable[[str], str] | None = None,
    ) -> None:
        self.options = list(options)
        self.selected = selected
        self._on_change = on_change
        self._create = create
        self.search = ft.TextField(
            label=search_label, on_change=self._refilter, text_size=TEXT, dense=True
        )
        self.chips = ft.Row(wrap=True, spacing=8, run_spacing=8)
        self.control = ft.Column(
            [
                ft.Text(label, size=TEXT, weight=ft.FontWeight.W_600),
                self.chips,
                self.search,
            ],
            spacing=6,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        )
        self._render()

    def _render(self) -> None:
        needle = (self.search.value or "").strip()
        folded = needle.casefold()
        shown = [o for o in self.options if folded in o.name.casefold()][: self.LIMIT]
        chosen = next((o for o in self.options if o.id == self.selected), None)
        if chosen and chosen not in shown:
            shown.insert(0, chosen)
        items: list[ft.Control] = [
            chip(o.name, selected=o.id == self.selected, on_select=self._pick(o.id))
            for o in shown
        ]
        exact = any(o.name.casefold() == folded for o in self.options)
        if self._create and needle and not exact:
            items.append(
                ft.OutlinedButton(
                    content=ft.Text(t("picker.create_place", name=needle), size=TEXT),
                    icon=ft.Icons.ADD_LOCATION_ALT,
                    on_click=self._add,
                    height=TAP,
                )
            )
        if not items:
            items.append(note(t("picker.none")))
        self.chips.controls = items

    def _refilter(self, _: ft.Event[ft.TextField]) -> None:
        self._render()

    def _pick(self, option_id: str) -> Callable[[ft.Event[ft.Chip]], None]:
        def handle(_: ft.Event[ft.Chip]) -> None:
            self.pick(option_id)

        return handle

    def pick(self, option_id: str) -> None:
        """Select ``option_id`` (tapping the selected one clears it)."""
        self.selected = "" if self.selected == option_id else option_id
        self._render()
        if self._on_change:
            self._on_change()

    def _add(self, _: ft.Event[ft.OutlinedButton]) -> None:
        assert self._create is not None
        name = (self.search.value or "").strip()
        new_id = self._create(name)
        self.options.append(Option(new_id, name))
        self.search.value = ""
        self.selected = ""
        self.pick(new_id)


def clear_button(
    label: str, on_click: Callable[[ft.Event[ft.IconButton]], None]
) -> ft.Control:
    """A small labelled clear action."""
    return icon_action(ft.Icons.CLEAR, label, on_click)
