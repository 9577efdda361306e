"""Pick one place or actor by name, and add a missing one on the spot.

A name typed into the filter field is never dropped without a word: either it is
picked, added (one tap, plus one for the actor's type), or the form refuses to
save and says so next to the picker (see :meth:`Picker.check`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import flet as ft

from app.services import Option
from app.ui.components.chips import chip
from app.ui.components.widgets import note
from app.ui.messages import t
from app.ui.theme import TAP, TEXT

__all__ = ["Adder", "Picker"]

OnChange = Callable[[], None]


@dataclass(frozen=True)
class Adder:
    """How a picker adds a missing entry.

    ``create(name, kind)`` makes the record and returns its id. ``kinds`` are
    ``(value, label)`` pairs: when given, "Add" asks for one of them first (one
    more tap); when empty, "Add" creates at once with ``kind=""``.
    """

    button_key: str
    icon: ft.IconData
    create: Callable[[str, str], str]
    kinds: Sequence[tuple[str, str]] = ()
    kinds_key: str = ""


class Picker:
    """Recent chips, a filter field (names and aliases), and inline add."""

    LIMIT = 8

    def __init__(
        self,
        options: Sequence[Option],
        *,
        label: str,
        search_label: str,
        selected: str = "",
        on_change: OnChange | None = None,
        adder: Adder | None = None,
        shown: int = LIMIT,
        key: str = "",
    ) -> None:
        self.options = list(options)
        self.key = key
        self.selected = selected
        self._on_change = on_change
        self._adder = adder
        self._shown = shown
        self._adding = ""  # the name waiting for its kind
        self.search = ft.TextField(
            label=search_label, on_change=self._refilter, text_size=TEXT, dense=True
        )
        self.chips = ft.Row(wrap=True, spacing=8, run_spacing=8)
        self.kinds = ft.Column(spacing=6, visible=False)
        self.error = ft.Text("", color=ft.Colors.ERROR, size=14, visible=False)
        self.control = ft.Column(
            [
                ft.Text(label, size=TEXT, weight=ft.FontWeight.W_600),
                self.chips,
                self.search,
                self.kinds,
                self.error,
            ],
            spacing=6,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            key=ft.ScrollKey(key) if key else None,  # type: ignore[call-arg]
        )
        self._render()

    # -- what is typed -------------------------------------------------------------

    def typed(self) -> str:
        """The name in the filter field, trimmed."""
        return (self.search.value or "").strip()

    def _exact(self, name: str) -> Option | None:
        return next((o for o in self.options if o.called(name)), None)

    def check(self) -> bool:
        """Before a save: True when nothing typed would be lost.

        A typed name that is exactly an entry's name or alias picks it. Any other
        typed name marks the picker with a message and returns False.
        """
        name = self.typed()
        if not name:
            self.set_error(None)
            return True
        found = self._exact(name)
        if found is not None:
            self.search.value = ""
            self.selected = found.id
            self.set_error(None)
            self._render()
            if self._on_change:
                self._on_change()
            return True
        if self._adder:
            add = t(self._adder.button_key, name=name)
            self.set_error(t("picker.not_added", name=name, add=add))
        else:
            self.set_error(t("picker.not_found", name=name))
        return False

    def set_error(self, message: str | None) -> None:
        """Show (or clear) a message under the picker."""
        self.error.value = message or ""
        self.error.visible = bool(message)

    # -- drawing -------------------------------------------------------------------

    def _render(self) -> None:
        needle = self.typed()
        folded = needle.casefold()
        shown = [o for o in self.options if o.matches(folded)]
        shown = shown[: self._shown if not needle else self.LIMIT]
        chosen = next((o for o in self.options if o.id == self.selected), None)
        if chosen and chosen not in shown:
            shown.insert(0, chosen)
        items: list[ft.Control] = [
            chip(o.name, selected=o.id == self.selected, on_select=self._pick(o.id))
            for o in shown
        ]
        if self._adder and needle and self._exact(needle) is None:
            items.append(
                ft.OutlinedButton(
                    content=ft.Text(t(self._adder.button_key, name=needle), size=TEXT),
                    icon=self._adder.icon,
                    on_click=self._add,
                    height=TAP,
                )
            )
        if not items:
            items.append(note(t("picker.none")))
        self.chips.controls = items
        self._render_kinds()

    def _render_kinds(self) -> None:
        adder = self._adder
        if adder is None or not self._adding or self._adding != self.typed():
            self._adding = ""
            self.kinds.visible = False
            self.kinds.controls = []
            return
        chips: list[ft.Control] = [
            chip(text, selected=False, on_select=self._choose_kind(value))
            for value, text in adder.kinds
        ]
        self.kinds.controls = [
            ft.Text(t(adder.kinds_key, name=self._adding), size=TEXT),
            ft.Row(chips, wrap=True, spacing=8, run_spacing=8),
        ]
        self.kinds.visible = True

    def _refilter(self, _: ft.Event[ft.TextField]) -> None:
        self.set_error(None)
        self._render()

    # -- acting --------------------------------------------------------------------

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
        assert self._adder is not None
        name = self.typed()
        if not name:
            return
        if self._adder.kinds:
            self._adding = name  # one more tap: the kind
            self._render_kinds()
            return
        self._create(name, "")

    def _choose_kind(self, kind: str) -> Callable[[ft.Event[ft.Chip]], None]:
        def handle(_: ft.Event[ft.Chip]) -> None:
            if self._adding:
                self._create(self._adding, kind)

        return handle

    def _create(self, name: str, kind: str) -> None:
        assert self._adder is not None
        new_id = self._adder.create(name, kind)
        if not new_id:  # the shell showed why it failed
            return
        if all(o.id != new_id for o in self.options):
            self.options.append(Option(new_id, name))
        self.search.value = ""
        self._adding = ""
        self.selected = ""
        self.set_error(None)
        self.pick(new_id)
