"""The team's places: a list and a small form with optional coarse coordinates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import NotAllowed, ValidationFailed
from app.services import PlaceForm, PlaceLine, coarse_position
from app.ui.components.forms import restored_banner, save_bar
from app.ui.components.location import LocationUnavailable, read_position
from app.ui.components.widgets import field, note, primary, secondary
from app.ui.host import Host
from app.ui.messages import describe, field_error, t
from app.ui.screen import FormScreen, Screen
from app.ui.theme import TEXT_SMALL

__all__ = ["PlaceFormScreen", "PlacesScreen"]


def _detail(line: PlaceLine) -> list[ft.Control]:
    shown = " · ".join(part for part in (line.area, line.position) if part)
    return [ft.Text(shown, size=TEXT_SMALL, color="#2b2b2b")] if shown else []


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
                    [
                        ft.Icon(ft.Icons.PLACE, size=26),
                        ft.Column(
                            [
                                ft.Text(line.name, size=17),
                                *_detail(line),
                            ],
                            spacing=2,
                            expand=True,
                        ),
                    ]
                ),
                on_click=self.shell.on(self._opener(line.id)),
                padding=ft.Padding.symmetric(vertical=12, horizontal=4),
                border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
            )
            for line in self.services.places.lines()
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
        self.locating = False
        self.locate_button = secondary(
            t("place.locate"), self.shell.on(self.locate), icon=ft.Icons.MY_LOCATION
        )
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
            *self._coords(),
            self.notes,
        ]

    def _coords(self) -> list[ft.Control]:
        if not self.services.preferences.use_location():
            return [note(t("place.coords_note")), self.lat, self.lon]
        button = self.locate_button
        return [note(t("place.coords_note_located")), button, self.lat, self.lon]

    def _busy(self, busy: bool) -> None:
        self.locating = busy
        label = self.locate_button.content
        if isinstance(label, ft.Text):
            label.value = t("place.locating" if busy else "place.locate")
        self.locate_button.disabled = busy
        self.shell.update()

    async def locate(self, _: Any) -> None:
        """Fill the coordinates from the phone's position, rounded to about 1 km."""
        if self.locating:
            return
        self._busy(True)
        try:
            fix = await read_position(self)
            lat, lon = coarse_position(lat=fix.lat, lon=fix.lon)
        except LocationUnavailable as err:
            self.shell.toast(t(f"place.locate_{err.reason}"))
            return
        except ValidationFailed:
            self.shell.toast(t("place.locate_failed"))
            return
        finally:
            self._busy(False)
        self.lat.value, self.lon.value = lat, lon
        self.lat.error = self.lon.error = None
        self.shell.toast(t("place.located"))

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
        except NotAllowed as err:
            self.shell.toast(describe(err))
            return
        self.saved()
        self.shell.go("/places")
        self.shell.toast(t("place.saved"))
