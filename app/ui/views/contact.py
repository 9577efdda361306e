"""The contact record: a short phone form whose sections open on demand."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import flet as ft

from app.errors import NotAllowed, ValidationFailed
from app.services import ContactForm
from app.services.guidance import ConsultTarget
from app.ui.components.adders import actor_adder, place_adder
from app.ui.components.briefing import BriefingPanel
from app.ui.components.chips import ChipGroup
from app.ui.components.dates import DateField, confirm_far_dates
from app.ui.components.forms import restored_banner, save_bar, typed_names_kept
from app.ui.components.marks import Marks, Notice
from app.ui.components.picker import Picker
from app.ui.components.widgets import (
    field,
    icon_action,
    label,
    long_field,
    primary,
    required_label,
    secondary,
)
from app.ui.host import Host
from app.ui.messages import describe, enum_label, t
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
from models.text import NAME_MAX

__all__ = ["ContactScreen", "plan_contact"]

#: The section of the form each field with a message sits in.
SECTION_OF = {
    "on": "basics",
    "contact_kind": "basics",
    "interlocutor_role": "basics",
    "asks": "issues",
    "outcome": "notes",
    "notes": "notes",
}


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
        self.draft = form.draft
        self.seen = form.seen
        self.on_date = DateField(shell, t("contact.on"), key="on", required=True)
        self.on = self.on_date.field
        self.status = ChipGroup(_values(ContactStatus), group="contact_status")
        self.kind = ChipGroup(
            _values(ContactKind), group="contact_kind", key="contact_kind"
        )
        self.briefing = BriefingPanel(self.services.actors.briefings)
        self.actor = Picker(
            svc.actors.options(),
            label=t("contact.actor"),
            search_label=t("picker.search_actor"),
            adder=actor_adder(shell),
            on_change=self._actor_changed,
            key="pick-actor",
        )
        self.place = Picker(
            svc.places.search(),
            label=t("contact.place"),
            search_label=t("picker.search_place"),
            adder=place_adder(shell),
            key="pick-place",
        )
        self.role = field(
            t("contact.interlocutor_role"), limit=NAME_MAX, key="interlocutor_role"
        )
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
        self.asks = long_field(t("contact.asks"), key="asks")
        self.commitments = RowList("commitment", [], shell.on)
        self.follow_ups = RowList("follow_up", [], shell.on)
        self.risks = ChipGroup(_values(RiskFlag), group="risk", multi=True)
        self.sensitivity = ChipGroup(_values(Sensitivity), group="sensitivity")
        self.outcome = long_field(t("contact.outcome"), key="outcome")
        self.notes = long_field(t("contact.notes"), key="notes")
        self.notice = Notice(key="form")
        self.cards: list[str] = []
        self.consulted = ft.Column(spacing=4)
        self.tiles: dict[str, ft.ExpansionTile] = {}
        self.marks = Marks(
            {
                "form": self.notice,
                "on": self.on,
                "contact_kind": self.kind,
                "interlocutor_role": self.role,
                "asks": self.asks,
                "outcome": self.outcome,
                "notes": self.notes,
            },
        )
        self.start(dataclasses.asdict(form))
        self.marks.refresh()
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

    def _actor_changed(self) -> None:
        """Show the coordinators' "before you go" notes on the picked actor."""
        self.briefing.show(self.actor.selected)

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
            draft=self.draft,
            # The revisions the form was opened on: an untouched form equals its
            # record (no draft, no "you were typing here"), and a save names them.
            seen=self.seen,
        )
        return dataclasses.asdict(form)

    def load(self, values: dict[str, Any]) -> None:
        """Fill every control."""
        form = ContactForm(**values)
        self.draft = form.draft
        self.seen = form.seen
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
                required_label("contact.kind"),
                self.kind.control,
                self.actor.control,
                self.briefing.control,
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
            ),
            self.notice.control,
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
            secondary(t("contact.save_draft"), self.shell.on(self.save_draft)),
            primary(t("action.save"), self.shell.on(self.save), icon=ft.Icons.SAVE),
        )
        return view

    # -- save ----------------------------------------------------------------------

    def save_draft(self, _: Any) -> None:
        """Save to finish later: listed under "Drafts to complete"."""
        self.draft = True
        self._check_then_save()

    def save(self, _: Any) -> None:
        """Save as final."""
        self.draft = False
        self._check_then_save()

    def _check_then_save(self) -> None:
        """Keep typed names, ask about far dates, then validate and save."""
        self.marks.clear()
        if not typed_names_kept(self.shell, self.column, [self.actor, self.place]):
            self.tiles["basics"].expanded = True
            return
        values = self.values()
        dates = [values["on"]]
        dates += [row.get("due", "") for row in values["commitments"]]
        dates += [row.get("due", "") for row in values["follow_ups"]]
        confirm_far_dates(self.shell, dates, self.shell.guard(self._save))

    def _save(self) -> None:
        try:
            contact_id = self.services.contacts.save(ContactForm(**self.values()))
        except NotAllowed as err:
            self.shell.toast(describe(err))
            return
        except ValidationFailed as err:
            self._show_errors(err.fields)
            only_empty = set(err.fields) == {"form"}
            self.shell.toast(
                t("field.empty_contact")
                if only_empty
                else self.marks.summary(err.fields)
            )
            return
        self.saved()
        self.shell.go("/record", id=contact_id)
        self.shell.toast(t("contact.saved_draft" if self.draft else "contact.saved"))

    def _show_errors(self, errors: dict[str, str]) -> None:
        """Mark the fields, open their sections, bring the first one into view."""
        marked = self.marks.show(errors)
        wrong = {SECTION_OF[n] for n in marked if n in SECTION_OF}
        if self.commitments.show_errors(errors):
            wrong.add("commitments")
        if self.follow_ups.show_errors(errors):
            wrong.add("follow_ups")
        for name in wrong:
            if name in self.tiles:
                self.tiles[name].expanded = True
        first = next((n for n in self.tiles if n in wrong), None)
        if marked and (marked[0] == "form" or SECTION_OF.get(marked[0]) == first):
            self.shell.run_task(self._scroll_later, marked[0])
        elif first is not None:
            self.shell.run_task(self._scroll_later, f"section-{first}")

    async def _scroll_later(self, key: str) -> None:
        # A section just opened is laid out in the next frames: scroll after them.
        await asyncio.sleep(0.3)
        await self.column.scroll_to(scroll_key=key, duration=300)


def plan_contact(shell: Host, params: dict[str, str]) -> ContactScreen:
    """The "plan a contact" route: a contact form that starts as planned."""
    return ContactScreen(shell, params, planned=True)
