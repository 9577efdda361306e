"""The contact record: a short phone form whose sections open on demand."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import flet as ft

from app.errors import ValidationFailed
from app.services import ContactForm
from app.services.guidance import ConsultTarget
from app.ui.components.adders import actor_adder, place_adder
from app.ui.components.chips import ChipGroup
from app.ui.components.forms import restored_banner, save_bar, typed_names_kept
from app.ui.components.picker import Picker
from app.ui.components.widgets import field, icon_action, label, primary
from app.ui.host import Host
from app.ui.messages import enum_label, field_error, t
from app.ui.screen import FormScreen
from app.ui.views.contact_rows import RowList
from app.ui.views.guide_nav import open_card, returned_from_guide
from models.enums import (
    Approach,
    ContactKind,
    ContactStatus,
    Level,
    Method,
    ProtectionIssue,
    RiskFlag,
    Sensitivity,
)

__all__ = ["ContactScreen", "plan_contact"]


def _values(enum: Any) -> list[str]:
    return [member.value for member in enum]


class ContactScreen(FormScreen):
    """Create, plan, or edit a contact and its follow-ups."""

    form_name = "contact"

    def __init__(
        self, shell: Host, params: dict[str, str], *, planned: bool = False
    ) -> None:
        super().__init__(shell, params)
        svc = self.services
        self.planned = planned
        if "id" in params:
            form = svc.contacts.form(params["id"])
        else:
            form = svc.contacts.new_form(planned=self.planned)
        self.base = form
        self.on = field(t("contact.on"))
        self.status = ChipGroup(_values(ContactStatus), group="contact_status")
        self.kind = ChipGroup(_values(ContactKind), group="contact_kind")
        self.actor = Picker(
            svc.actors.options(),
            label=t("contact.actor"),
            search_label=t("picker.search_actor"),
            adder=actor_adder(shell),
            key="pick-actor",
        )
        self.place = Picker(
            svc.places.search(),
            label=t("contact.place"),
            search_label=t("picker.search_place"),
            adder=place_adder(shell),
            key="pick-place",
        )
        self.role = field(t("contact.interlocutor_role"))
        self.level = ChipGroup(_values(Level), group="level")
        self.methods = ChipGroup(
            _values(Method), group="method", multi=True, extra=self._card_link("method")
        )
        self.approaches = ChipGroup(
            _values(Approach),
            group="approach",
            multi=True,
            extra=self._card_link("approach"),
        )
        self.issues = ChipGroup(_values(ProtectionIssue), group="issue", multi=True)
        self.asks = field(t("contact.asks"), multiline=True)
        self.commitments = RowList("commitment", [], shell.on)
        self.follow_ups = RowList("follow_up", [], shell.on)
        self.risks = ChipGroup(_values(RiskFlag), group="risk", multi=True)
        self.sensitivity = ChipGroup(_values(Sensitivity), group="sensitivity")
        self.outcome = field(t("contact.outcome"), multiline=True)
        self.notes = field(t("contact.notes"), multiline=True)
        self.cards: list[str] = []
        self.consulted = ft.Column(spacing=4)
        self.tiles: dict[str, ft.ExpansionTile] = {}
        self.start(dataclasses.asdict(form))
        # Back from a guidance card: the form is as it was, nothing to announce.
        self.from_guide = returned_from_guide(shell, self.draft_key())
        if self.from_guide:
            self.restored = False
        self._show_consulted()

    def draft_key(self) -> str:
        """New, planned and existing contacts keep separate drafts."""
        if "id" in self.params:
            return f"contact:{self.params['id']}"
        return "contact:plan" if self.planned else "contact:new"

    # -- guidance hook -------------------------------------------------------------

    def _card_link(self, prefix: str) -> Any:
        def make(value: str) -> ft.Control | None:
            card_id = f"{prefix}-{value}"
            name = enum_label(prefix, value)
            return icon_action(
                ft.Icons.MENU_BOOK,
                t("contact.guidance", name=name),
                self.shell.on(lambda _: self.open_card(card_id)),
            )

        return make

    def open_card(self, card_id: str) -> None:
        """Open a guidance card; it can then be marked as consulted on this contact."""
        open_card(self.shell, card_id, target=self.consult_target())

    def consult_target(self) -> ConsultTarget:
        """What a card read from this form marks as consulted (the shell asks)."""
        return ConsultTarget(
            draft_key=self.draft_key(),
            route=self.route,
            form=self.form_name,
            values=self.values(),
        )

    def _show_consulted(self) -> None:
        cards = self.services.guidance.library.cards_for(self.cards)
        rows: list[ft.Control] = [label("contact.consulted")] if cards else []
        for card in cards:
            rows.append(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.TASK_ALT, color="#1d5c2e"),
                        ft.Text(card.title, size=16, expand=True),
                        icon_action(
                            ft.Icons.CLOSE,
                            t("contact.unconsult", title=card.title),
                            self.shell.on(self._unconsulter(card.id)),
                        ),
                    ]
                )
            )
        self.consulted.controls = rows
        self.consulted.visible = bool(rows)

    def _unconsulter(self, card_id: str) -> Any:
        def drop(_: Any) -> None:
            self.cards = [c for c in self.cards if c != card_id]
            self._show_consulted()

        return drop

    # -- values --------------------------------------------------------------------

    def title(self) -> str:
        """New, planned or existing."""
        if self.base.id:
            return t("contact.title_edit")
        return t("contact.title_plan") if self.planned else t("contact.title_new")

    def values(self) -> dict[str, Any]:
        """The whole form as typed."""
        form = ContactForm(
            id=self.base.id,
            on=self.on.value or "",
            status=self.status.value,
            contact_kind=self.kind.value,
            actor_id=self.actor.selected,
            place_id=self.place.selected,
            interlocutor_role=self.role.value or "",
            level=self.level.value,
            methods=list(self.methods.selected),
            approaches=list(self.approaches.selected),
            issues=list(self.issues.selected),
            asks=self.asks.value or "",
            commitments=self.commitments.values(),
            outcome=self.outcome.value or "",
            risks=list(self.risks.selected),
            sensitivity=self.sensitivity.value or "normal",
            cards=list(self.cards),
            notes=self.notes.value or "",
            follow_ups=self.follow_ups.values(),
        )
        return dataclasses.asdict(form)

    def load(self, values: dict[str, Any]) -> None:
        """Fill every control."""
        form = ContactForm(**values)
        self.on.value = form.on
        for group, chosen in (
            (self.status, [form.status]),
            (self.kind, [form.contact_kind]),
            (self.level, [form.level]),
            (self.methods, form.methods),
            (self.approaches, form.approaches),
            (self.issues, form.issues),
            (self.risks, form.risks),
            (self.sensitivity, [form.sensitivity]),
        ):
            for value in chosen:
                if value and value not in group.selected:
                    group.toggle(value)
        if form.actor_id:
            self.actor.pick(form.actor_id)
        if form.place_id:
            self.place.pick(form.place_id)
        self.role.value = form.interlocutor_role
        self.asks.value = form.asks
        self.outcome.value = form.outcome
        self.notes.value = form.notes
        self.cards = list(form.cards)
        self.commitments = RowList("commitment", form.commitments, self.shell.on)
        self.follow_ups = RowList("follow_up", form.follow_ups, self.shell.on)

    # -- layout --------------------------------------------------------------------

    def _date_chips(self) -> ft.Control:
        def setter(days: int) -> Any:
            def handle(_: Any) -> None:
                self.on.value = (dt.date.today() + dt.timedelta(days=days)).isoformat()
                self.on.error = None

            return self.shell.on(handle)

        buttons = [("action.today", 0), ("action.tomorrow", 1), ("action.next_week", 7)]
        return ft.Row(
            [
                ft.TextButton(
                    content=ft.Text(t(key), size=16), on_click=setter(d), height=48
                )
                for key, d in buttons
            ],
            wrap=True,
        )

    def _sections(self) -> dict[str, list[ft.Control]]:
        return {
            "basics": [
                self.on,
                self._date_chips(),
                label("contact.status"),
                self.status.control,
                label("contact.kind"),
                self.kind.control,
                self.actor.control,
                self.place.control,
                self.role,
                label("contact.level"),
                self.level.control,
            ],
            "methods": [
                self.consulted,
                label("contact.methods"),
                self.methods.control,
                label("contact.approaches"),
                self.approaches.control,
            ],
            "issues": [label("contact.issues"), self.issues.control, self.asks],
            "commitments": [self.commitments.control],
            "follow_ups": [self.follow_ups.control],
            "risks": [
                label("contact.risks"),
                self.risks.control,
                label("contact.sensitivity"),
                self.sensitivity.control,
            ],
            "notes": [self.outcome, self.notes],
        }

    def body(self) -> list[ft.Control]:
        """A banner when a draft was restored, then the sections."""
        controls: list[ft.Control] = [
            restored_banner(
                self.shell, visible=self.restored, on_discard=self.discard_draft
            )
        ]
        for name, items in self._sections().items():
            tile = ft.ExpansionTile(
                title=ft.Text(
                    t(f"contact.section.{name}"), size=18, weight=ft.FontWeight.W_600
                ),
                controls=[
                    ft.Column(
                        items,
                        spacing=10,
                        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                    )
                ],
                expanded_cross_axis_alignment=ft.CrossAxisAlignment.STRETCH,
                expanded=name == "basics" or (self.from_guide and name == "methods"),
                key=ft.ScrollKey(f"section-{name}"),  # type: ignore[call-arg]
                maintain_state=True,
                controls_padding=ft.Padding.symmetric(horizontal=4, vertical=8),
                min_tile_height=56,
            )
            self.tiles[name] = tile
            controls.append(tile)
        return controls

    def build(self) -> ft.View:
        """The form with Save in the bottom bar."""
        view = super().build()
        if self.from_guide:  # show the consulted cards, next to the method chips
            self.shell.run_task(
                self.column.scroll_to, scroll_key="section-methods", duration=300
            )
        view.bottom_appbar = save_bar(
            primary(t("action.save"), self.shell.on(self.save), icon=ft.Icons.SAVE)
        )
        return view

    # -- save ----------------------------------------------------------------------

    def save(self, _: Any) -> None:
        """Validate and save; on errors, open the sections that need a fix."""
        self.on.error = None
        if not typed_names_kept(self.shell, self.column, [self.actor, self.place]):
            self.tiles["basics"].expanded = True
            return
        try:
            contact_id = self.services.contacts.save(ContactForm(**self.values()))
        except ValidationFailed as err:
            self._show_errors(err.fields)
            self.shell.toast(t("contact.fix_errors"))
            return
        self.saved()
        self.shell.go("/record", id=contact_id)
        self.shell.toast(t("contact.saved"))

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.on.error = field_error(errors.get("on"))
        wrong = {"basics"} if "on" in errors else set()
        if self.commitments.show_errors(errors):
            wrong.add("commitments")
        if self.follow_ups.show_errors(errors):
            wrong.add("follow_ups")
        for name in wrong:
            if name in self.tiles:
                self.tiles[name].expanded = True
        first = next((n for n in self.tiles if n in wrong), None)
        if first is not None:
            # Bring the first section that needs a fix into view.
            self.shell.run_task(
                self.column.scroll_to, scroll_key=f"section-{first}", duration=300
            )


def plan_contact(shell: Host, params: dict[str, str]) -> ContactScreen:
    """The "plan a contact" route: a contact form that starts as planned."""
    return ContactScreen(shell, params, planned=True)
