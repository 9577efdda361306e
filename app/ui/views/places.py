"""The team's places: a list and a small form with optional coarse coordinates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import ValidationFailed
from app.services import PlaceForm
from app.ui.components.forms import restored_banner, save_bar
from app.ui.components.widgets import field, note, primary
from app.ui.host import Host
from app.ui.messages import field_error, t
from app.ui.screen import FormScreen, Screen

__all__ = ["PlaceFormScreen", "PlacesScreen"]


class PlacesScreen(Screen):
    """Every place, by name."""

    def title(self) -> str:
        """List title."""
        return t("places.title")

    def _opener(self, place_id: str) -> Callable[[Any], None]:
        return lambda _: self.shell.go("/place/edit", id=place_id)

    def body(self) -> list[ft.Control]:
        """Add button and the names."""
        go = self.shell.go
        rows: list[ft.Control] = [
            ft.Container(
                content=ft.Row(
                    [ft.Icon(ft.Icons.PLACE, size=26), ft.Text(o.name, size=17)]
                ),
                on_click=self.shell.on(self._opener(o.id)),
                padding=ft.Padding.symmetric(vertical=12, horizontal=4),
                border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
            )
            for o in self.services.places.search()
        ]
        return [
            ft.Row(
                [
                    primary(
                        t("places.add"),
                        self.shell.on(lambda _: go("/place/new")),
                        icon=ft.Icons.ADD_LOCATION_ALT,
                    )
                ]
            ),
            *(rows or [note(t("places.empty"))]),
        ]


class PlaceFormScreen(FormScreen):
    """Name, notes, and an optional position rounded to about 1 km."""

    form_name = "place"

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        base = (
            self.services.places.form(params["id"]) if "id" in params else PlaceForm()
        )
        self.base_id = base.id
        self.name = field(t("place.name"))
        self.area = field(t("place.area"))
        self.lat = field(t("place.lat"), number=True)
        self.lon = field(t("place.lon"), number=True)
        self.notes = field(t("place.notes"), multiline=True)
        self.start(dataclasses.asdict(base))

    def title(self) -> str:
        """New or edit."""
        return t("place.title_edit") if self.base_id else t("place.title_new")

    def values(self) -> dict[str, Any]:
        """The form as typed."""
        return dataclasses.asdict(
            PlaceForm(
                id=self.base_id,
                name=self.name.value or "",
                area=self.area.value or "",
                lat=self.lat.value or "",
                lon=self.lon.value or "",
                notes=self.notes.value or "",
            )
        )

    def load(self, values: dict[str, Any]) -> None:
        """Fill the controls."""
        form = PlaceForm(**values)
        self.name.value, self.lat.value = form.name, form.lat
        self.lon.value, self.notes.value = form.lon, form.notes
        self.area.value = form.area

    def body(self) -> list[ft.Control]:
        """The fields and the privacy note."""
        return [
            restored_banner(
                self.shell, visible=self.restored, on_discard=self.discard_draft
            ),
            self.name,
            self.area,
            note(t("place.coords_note")),
            self.lat,
            self.lon,
            self.notes,
        ]

    def build(self) -> ft.View:
        """The form with Save in the bottom bar."""
        view = super().build()
        view.bottom_appbar = save_bar(
            primary(t("action.save"), self.shell.on(self.save), icon=ft.Icons.SAVE)
        )
        return view

    def save(self, _: Any) -> None:
        """Validate and save."""
        for control in (self.name, self.lat, self.lon):
            control.error = None
        try:
            self.services.places.save(PlaceForm(**self.values()))
        except ValidationFailed as err:
            self.name.error = field_error(err.fields.get("name"))
            self.lat.error = field_error(err.fields.get("lat"))
            self.lon.error = field_error(err.fields.get("lon"))
            return
        self.saved()
        self.shell.go("/places")
        self.shell.toast(t("place.saved"))
