"""Checkpoint logs: the quick log (a few taps) and the full form to complete it."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from typing import Any

import flet as ft

from app.errors import NotAllowed, ValidationFailed
from app.services import CheckpointForm
from app.services.checkpoints import RECENT
from app.ui.components.adders import actor_adder, place_adder
from app.ui.components.briefing import BriefingPanel
from app.ui.components.chips import ChipGroup
from app.ui.components.dates import confirm_far_dates
from app.ui.components.forms import restored_banner, save_bar, typed_names_kept
from app.ui.components.marks import Marks
from app.ui.components.picker import Picker
from app.ui.components.widgets import (
    field,
    long_field,
    note,
    primary,
    required_label,
    secondary,
)
from app.ui.host import Host
from app.ui.messages import describe, field_error, formats, t
from app.ui.screen import FormScreen
from models.enums import AccessConstraint, CheckpointOutcome

__all__ = ["CheckpointScreen", "QuickLogScreen"]

OUTCOMES = [o.value for o in CheckpointOutcome]
CONSTRAINTS = [c.value for c in AccessConstraint]


class QuickLogScreen(FormScreen):
    """Place, actor, outcome as big chips; the observed time is taken at once."""

    form_name = "quick"

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.observed = dt.datetime.now(dt.UTC)
        choices = self.services.checkpoints.quick_choices()
        self.place = Picker(
            choices.places,
            label=t("quick.place"),
            search_label=t("quick.new_place_hint"),
            adder=place_adder(shell),
            shown=RECENT,
            key="pick-place",
        )
        self.briefing = BriefingPanel(self.services.actors.briefings)
        self.actor = Picker(
            choices.actors,
            label=t("quick.actor"),
            search_label=t("picker.search_actor"),
            adder=actor_adder(shell),
            on_change=self._actor_changed,
            shown=RECENT,
            key="pick-actor",
        )
        self.outcome = ChipGroup(OUTCOMES, group="outcome")
        self.start(self._blank())

    def _blank(self) -> dict[str, Any]:
        return {
            "place": "",
            "actor": "",
            "outcome": "",
            "observed": self.observed.isoformat(),
        }

    def _actor_changed(self) -> None:
        """Show the coordinators' "before you go" notes on the picked actor."""
        self.briefing.show(self.actor.selected)

    def title(self) -> str:
        """Quick log title."""
        return t("quick.title")

    def values(self) -> dict[str, Any]:
        """What was tapped so far."""
        return {
            "place": self.place.selected,
            "actor": self.actor.selected,
            "outcome": self.outcome.value,
            "observed": self.observed.isoformat(),
        }

    def load(self, values: dict[str, Any]) -> None:
        """Restore taps from a draft (the observed time too)."""
        if values.get("place"):
            self.place.pick(str(values["place"]))
        if values.get("actor"):
            self.actor.pick(str(values["actor"]))
        if values.get("outcome"):
            self.outcome.toggle(str(values["outcome"]))
        with contextlib.suppress(ValueError):
            self.observed = dt.datetime.fromisoformat(str(values.get("observed")))

    def body(self) -> list[ft.Control]:
        """Three groups of chips."""
        when = formats().clock(self.observed)
        return [
            restored_banner(
                self.shell, visible=self.restored, on_discard=self.discard_draft
            ),
            note(t("quick.observed", when=when)),
            self.place.control,
            self.actor.control,
            self.briefing.control,
            required_label("quick.outcome", size=17),
            self.outcome.control,
        ]

    def build(self) -> ft.View:
        """The quick log, with Save in the bottom bar."""
        view = super().build()
        view.bottom_appbar = save_bar(
            primary(t("quick.save"), self.shell.on(self.save), icon=ft.Icons.SAVE)
        )
        return view

    def save(self, _: Any) -> None:
        """Save a draft log and go home, where it waits to be completed."""
        if not typed_names_kept(self.shell, self.column, [self.place, self.actor]):
            return
        try:
            self.services.checkpoints.quick_save(
                outcome=self.outcome.value,
                observed_at=self.observed,
                place_id=self.place.selected,
                actor_id=self.actor.selected,
            )
        except ValidationFailed as err:
            self.outcome.set_error(field_error(err.fields.get("outcome")))
            return
        self.saved()
        self.shell.go("/")
        self.shell.toast(t("quick.saved"))


class CheckpointScreen(FormScreen):
    """Every field of a checkpoint log; saved as draft or as complete."""

    form_name = "checkpoint"

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        svc = self.services
        form = (
            svc.checkpoints.form(params["id"])
            if "id" in params
            else svc.checkpoints.new_form()
        )
        self.form_id = form.id
        self.seen = form.seen
        self.observed_at = field(t("log.observed_at"), required=True, key="observed_at")
        self.place = Picker(
            svc.places.search(),
            label=t("log.place"),
            search_label=t("picker.search_place"),
            adder=place_adder(shell),
            key="pick-place",
        )
        self.briefing = BriefingPanel(self.services.actors.briefings)
        self.actor = Picker(
            svc.actors.options(),
            label=t("log.actor"),
            search_label=t("picker.search_actor"),
            adder=actor_adder(shell),
            on_change=self._actor_changed,
            key="pick-actor",
        )
        self.outcome = ChipGroup(OUTCOMES, group="outcome", key="outcome")
        self.delay = field(t("log.delay"), number=True, key="delay_minutes")
        self.constraint = ChipGroup(CONSTRAINTS, group="constraint", key="constraint")
        self.demands = long_field(t("log.demands"), key="demands")
        self.items = long_field(t("log.items_checked"), key="items_checked")
        self.notes = long_field(t("log.notes"), key="notes")
        self.marks = Marks(
            {
                "observed_at": self.observed_at,
                "outcome": self.outcome,
                "delay_minutes": self.delay,
                "constraint": self.constraint,
                "demands": self.demands,
                "items_checked": self.items,
                "notes": self.notes,
            },
            scroll=self._scroll_to,
        )
        self.complete = form.complete
        self.start(dataclasses.asdict(form))
        self.marks.refresh()

    def _actor_changed(self) -> None:
        """Show the coordinators' "before you go" notes on the picked actor."""
        self.briefing.show(self.actor.selected)

    def title(self) -> str:
        """New or completing."""
        return t("log.title_edit") if self.form_id else t("log.title_new")

    def values(self) -> dict[str, Any]:
        """The form as typed."""
        return dataclasses.asdict(
            CheckpointForm(
                id=self.form_id,
                place_id=self.place.selected,
                actor_id=self.actor.selected,
                observed_at=self.observed_at.value or "",
                outcome=self.outcome.value,
                delay_minutes=self.delay.value or "",
                demands=self.demands.value or "",
                items_checked=self.items.value or "",
                notes=self.notes.value or "",
                constraint=self.constraint.value,
                complete=self.complete,
                seen=self.seen,  # as the contact form: untouched equals the record
            )
        )

    def load(self, values: dict[str, Any]) -> None:
        """Fill the controls."""
        form = CheckpointForm(**values)
        self.seen = form.seen
        self.observed_at.value = form.observed_at
        if form.place_id:
            self.place.pick(form.place_id)
        if form.actor_id:
            self.actor.pick(form.actor_id)
        if form.outcome:
            self.outcome.toggle(form.outcome)
        if form.constraint:
            self.constraint.toggle(form.constraint)
        self.delay.value = form.delay_minutes
        self.demands.value = form.demands
        self.items.value = form.items_checked
        self.notes.value = form.notes

    def body(self) -> list[ft.Control]:
        """All fields, the short ones first."""
        return [
            restored_banner(
                self.shell, visible=self.restored, on_discard=self.discard_draft
            ),
            self.observed_at,
            self.place.control,
            self.actor.control,
            self.briefing.control,
            required_label("log.outcome", size=17),
            self.outcome.control,
            self.delay,
            ft.Text(t("log.constraint"), size=17, weight=ft.FontWeight.W_600),
            note(t("log.constraint_hint")),
            self.constraint.control,
            self.demands,
            self.items,
            self.notes,
        ]

    def build(self) -> ft.View:
        """The form, with both save buttons in the bottom bar."""
        view = super().build()
        view.bottom_appbar = save_bar(
            secondary(t("log.save_draft"), self.shell.on(lambda _: self.save(False))),
            primary(t("log.save_complete"), self.shell.on(lambda _: self.save(True))),
        )
        return view

    def _scroll_to(self, name: str) -> None:
        self.shell.run_task(self.column.scroll_to, scroll_key=name, duration=300)

    def save(self, complete: bool) -> None:
        """Check far dates, then validate and save."""
        self.complete = complete
        self.marks.clear()
        if not typed_names_kept(self.shell, self.column, [self.place, self.actor]):
            return
        confirm_far_dates(
            self.shell, [self.observed_at.value or ""], self.shell.guard(self._save)
        )

    def _save(self) -> None:
        """Validate and save; errors appear next to their fields, the first in view."""
        form = CheckpointForm(**self.values())
        try:
            log_id = self.services.checkpoints.save(form)
        except ValidationFailed as err:
            self.marks.show(err.fields)
            self.shell.toast(self.marks.summary(err.fields))
            return
        except NotAllowed as err:
            self.shell.toast(describe(err))
            return
        self.saved()
        self.shell.go("/record", id=log_id)
        self.shell.toast(t("log.saved"))
