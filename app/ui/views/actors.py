"""The actor registry: list and search, the actor page, the actor form."""

from __future__ import annotations

import dataclasses
from typing import Any

import flet as ft

from app.errors import AppError, NotAllowed, ValidationFailed
from app.services import ActorForm, ActorRow
from app.ui.components.briefing import briefing_box
from app.ui.components.chips import ChipGroup
from app.ui.components.forms import restored_banner, save_bar, typed_names_kept
from app.ui.components.picker import Picker
from app.ui.components.records import record_tile
from app.ui.components.widgets import (
    field,
    icon_action,
    label,
    note,
    primary,
    section_title,
)
from app.ui.host import Host
from app.ui.messages import describe, enum_label, field_error, t
from app.ui.screen import FormScreen, Screen
from models.enums import ActorType, Influence, Stance

__all__ = ["ActorFormScreen", "ActorScreen", "ActorsScreen"]


class ActorsScreen(Screen):
    """Every actor; the search matches names, aliases and areas."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.search = field(t("actors.search"), on_change=self._changed)
        self.search.prefix_icon = ft.Icons.SEARCH
        self.results = ft.Column(spacing=0)
        self._fill("")

    def title(self) -> str:
        """Registry title."""
        return t("actors.title")

    def actions(self) -> list[ft.Control]:
        """Places live next to actors."""
        return [
            icon_action(
                ft.Icons.PLACE,
                t("actors.places"),
                self.shell.on(lambda _: self.shell.go("/places")),
            )
        ]

    def _fill(self, query: str) -> None:
        rows = self.services.actors.search(query)
        self.results.controls = [self._tile(r) for r in rows] or [
            note(t("actors.empty"))
        ]

    def _changed(self, _: Any) -> None:
        try:
            self._fill(self.search.value or "")
        except AppError as err:
            self.shell.fail(err)

    def _tile(self, row: ActorRow) -> ft.Control:
        lines: list[ft.Control] = [
            ft.Text(row.name, size=17, weight=ft.FontWeight.W_600)
        ]
        detail = " · ".join(
            x for x in (enum_label("actor_type", row.actor_type), row.area) if x
        )
        lines.append(ft.Text(detail, size=15))
        if row.matched_alias:
            lines.append(
                ft.Text(
                    t("actors.alias_hit", alias=row.matched_alias), size=15, italic=True
                )
            )
        return ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.SHIELD, size=28),
                    ft.Column(lines, spacing=2, expand=True),
                ]
            ),
            on_click=self.shell.on(lambda _: self.shell.go("/actor", id=row.id)),
            padding=ft.Padding.symmetric(vertical=10, horizontal=4),
            border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
            ink=True,
        )

    def body(self) -> list[ft.Control]:
        """Add button, search, list."""
        return [
            ft.Row(
                [
                    primary(
                        t("actors.add"),
                        self.shell.on(lambda _: self.shell.go("/actor/new")),
                        icon=ft.Icons.PERSON_ADD,
                    )
                ]
            ),
            self.search,
            self.results,
        ]


class ActorScreen(Screen):
    """One actor: its mapping fields and every log and contact with it."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.page_data = self.services.actors.page(params["id"])

    def title(self) -> str:
        """The actor's name."""
        return self.page_data.form.name

    def actions(self) -> list[ft.Control]:
        """Edit."""
        actor_id = self.params["id"]
        return [
            icon_action(
                ft.Icons.EDIT,
                t("action.edit"),
                self.shell.on(lambda _: self.shell.go("/actor/edit", id=actor_id)),
            )
        ]

    def body(self) -> list[ft.Control]:
        """Details, then the timeline."""
        form, missing = self.page_data.form, t("actor.not_set")
        lines: list[ft.Control] = [
            ft.Text(self.page_data.form.name, size=22, weight=ft.FontWeight.BOLD),
            ft.Text(enum_label("actor_type", form.actor_type), size=16),
        ]
        aliases = ", ".join(a for a in form.aliases.splitlines() if a)
        if aliases:
            lines.append(ft.Text(t("actor.aliases_line", aliases=aliases), size=16))
        if self.page_data.parent_name:
            lines.append(
                ft.Text(
                    t("actor.parent_line", name=self.page_data.parent_name), size=16
                )
            )
        if form.area:
            lines.append(ft.Text(t("actor.area_line", area=form.area), size=16))
        lines.append(
            ft.Text(
                t(
                    "actor.mapping_line",
                    influence=enum_label("influence", form.influence) or missing,
                    stance=enum_label("stance", form.stance) or missing,
                ),
                size=16,
            )
        )
        if form.notes:
            lines.append(ft.Text(form.notes, size=16))
        if self.page_data.briefings:
            lines.append(briefing_box(self.page_data.briefings))
        lines.append(section_title(t("actor.timeline")))
        timeline = [
            record_tile(row, self.shell.on(self._opener(str(row.id))))
            for row in self.page_data.timeline
        ]
        lines.extend(timeline or [note(t("actor.timeline_empty"))])
        return lines

    def _opener(self, record_id: str) -> Any:
        return lambda _: self.shell.go("/record", id=record_id)


class ActorFormScreen(FormScreen):
    """Add or edit an actor, with aliases, type, affiliation and mapping fields."""

    form_name = "actor"

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        svc = self.services
        base = svc.actors.form(params["id"]) if "id" in params else ActorForm()
        self.base_id = base.id
        self.name = field(t("actor.name"))
        self.aliases = field(t("actor.aliases"), multiline=True)
        self.kind = ChipGroup([a.value for a in ActorType], group="actor_type")
        self.parent = Picker(
            svc.actors.parent_options(base.id),
            label=t("actor.parent"),
            search_label=t("picker.search_actor"),
            key="pick-parent",
        )
        self.area = field(t("actor.area"))
        self.influence = ChipGroup([i.value for i in Influence], group="influence")
        self.stance = ChipGroup([s.value for s in Stance], group="stance")
        self.notes = field(t("actor.notes"), multiline=True)
        self.start(dataclasses.asdict(base))

    def title(self) -> str:
        """New or edit."""
        return t("actor.title_edit") if self.base_id else t("actor.title_new")

    def values(self) -> dict[str, Any]:
        """The form as typed."""
        return dataclasses.asdict(
            ActorForm(
                id=self.base_id,
                name=self.name.value or "",
                aliases=self.aliases.value or "",
                actor_type=self.kind.value or "other",
                parent_id=self.parent.selected,
                area=self.area.value or "",
                influence=self.influence.value,
                stance=self.stance.value,
                notes=self.notes.value or "",
            )
        )

    def load(self, values: dict[str, Any]) -> None:
        """Fill the controls."""
        form = ActorForm(**values)
        self.name.value, self.aliases.value = form.name, form.aliases
        self.area.value, self.notes.value = form.area, form.notes
        for group, value in (
            (self.kind, form.actor_type),
            (self.influence, form.influence),
            (self.stance, form.stance),
        ):
            if value and value not in group.selected:
                group.toggle(value)
        if form.parent_id:
            self.parent.pick(form.parent_id)

    def body(self) -> list[ft.Control]:
        """Name first; everything else is optional."""
        return [
            restored_banner(
                self.shell, visible=self.restored, on_discard=self.discard_draft
            ),
            self.name,
            self.aliases,
            label("actor.type"),
            self.kind.control,
            self.parent.control,
            self.area,
            label("actor.influence"),
            self.influence.control,
            label("actor.stance"),
            self.stance.control,
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
        """Validate, save a new revision, open the actor page."""
        self.name.error = None
        if not typed_names_kept(self.shell, self.column, [self.parent]):
            return
        try:
            actor_id = self.services.actors.save(ActorForm(**self.values()))
        except ValidationFailed as err:
            self.name.error = field_error(err.fields.get("name"))
            self.shell.toast(t("contact.fix_errors"))
            return
        except NotAllowed as err:
            self.shell.toast(describe(err))
            return
        self.saved()
        self.shell.go("/actor", id=actor_id)
        self.shell.toast(t("actor.saved"))
