"""Settings: language, auto-lock delay, location, wipe limit, passphrases.

Passphrase fields are never kept as drafts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import ValidationFailed, WrongPassphrase
from app.services import IDLE_CHOICES_S, WIPE_CHOICES
from app.ui.components.chips import ChipGroup
from app.ui.components.widgets import field, note, primary, secondary, section_title
from app.ui.host import Host
from app.ui.messages import field_error, t, tn
from app.ui.screen import Screen
from app.ui.views.hub import hub_entry

__all__ = ["SettingsScreen"]


class SettingsScreen(Screen):
    """Security settings of this vault."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        svc = self.services
        idle = svc.preferences.idle_timeout_s()
        self.idle = ChipGroup(
            [str(s) for s in IDLE_CHOICES_S],
            labels={str(s): tn("settings.idle_value", s // 60) for s in IDLE_CHOICES_S},
            selected=[str(idle)],
            on_change=shell.guard(self._idle_changed),
        )
        limit = svc.security.wipe_limit()
        wipe_labels = {"off": t("settings.wipe_off")}
        wipe_labels |= {str(n): tn("settings.wipe_value", n) for n in WIPE_CHOICES}
        self.wipe = ChipGroup(
            ["off", *(str(n) for n in WIPE_CHOICES)],
            labels=wipe_labels,
            selected=[str(limit) if limit else "off"],
            on_change=shell.guard(self._wipe_changed),
        )
        self.language = ChipGroup(
            [language.code for language in shell.languages],
            labels={language.code: language.name for language in shell.languages},
            selected=[shell.language.code],
            on_change=shell.guard(self._language_changed),
        )
        self.location = ChipGroup(
            ["off", "on"],
            labels={"off": t("settings.location_off"), "on": t("settings.location_on")},
            selected=["on" if svc.preferences.use_location() else "off"],
            on_change=shell.guard(self._location_changed),
        )
        self.wipe_current = field(t("settings.current"), password=True)
        self.current = field(t("settings.current"), password=True)
        self.new = field(t("settings.new"), password=True)
        self.confirm = field(t("settings.confirm"), password=True)
        self.duress_current = field(t("settings.current"), password=True)
        self.duress = field(t("settings.duress_new"), password=True)
        self.duress_confirm = field(t("settings.duress_confirm"), password=True)

    def title(self) -> str:
        """Settings title."""
        return t("settings.title")

    # -- chips ---------------------------------------------------------------------

    def _language_changed(self) -> None:
        chosen = self.language.value
        if not chosen:  # tapping the chosen chip again keeps it
            self.language.toggle(self.shell.language.code)
            return
        found = {language.code: language for language in self.shell.languages}
        if chosen == self.shell.language.code or chosen not in found:
            return
        self.shell.use_language(found[chosen])
        self.shell.toast(t("settings.language_saved"))

    def _idle_changed(self) -> None:
        if not self.idle.value:  # tapping the chosen chip again keeps it
            self.idle.toggle(str(self.services.preferences.idle_timeout_s()))
            return
        seconds = int(self.idle.value)
        self.services.preferences.set_idle_timeout_s(seconds)
        self.shell.set_idle_timeout(seconds)
        self.shell.toast(t("settings.idle_saved"))

    def _location_changed(self) -> None:
        chosen = self.location.value
        on = self.services.preferences.use_location()
        if not chosen:  # tapping the chosen chip again keeps it
            self.location.toggle("on" if on else "off")
            return
        if (chosen == "on") == on:
            return
        self.services.preferences.set_use_location(chosen == "on")
        self.shell.toast(t("settings.location_saved"))

    def _wipe_changed(self) -> None:
        if not self.wipe.value:  # tapping the chosen chip again keeps it
            limit = self.services.security.wipe_limit()
            self.wipe.toggle(str(limit) if limit else "off")

    async def save_wipe(self, _: Any) -> None:
        """Apply the chosen erase limit (the passphrase confirms it; KDF off-loop)."""
        value, real = self.wipe.value or "off", self.wipe_current.value or ""
        limit = None if value == "off" else int(value)
        await self._run(
            lambda: self.services.security.set_wipe_limit(limit, passphrase=real),
            "settings.wipe_saved",
            {"passphrase": self.wipe_current, "wipe_limit": self.wipe_current},
        )

    # -- passphrases ---------------------------------------------------------------

    async def _run(
        self, work: Callable[[], None], done: str, fields: dict[str, ft.TextField]
    ) -> None:
        for control in fields.values():
            control.error = None
        try:
            await asyncio.to_thread(work)
        except WrongPassphrase:
            first = next(iter(fields.values()))
            first.error = t("field.wrong_passphrase")
            return
        except ValidationFailed as err:
            for name, control in fields.items():
                control.error = field_error(err.fields.get(name))
            return
        for control in fields.values():
            control.value = ""
        self.shell.toast(t(done))

    async def change(self, _: Any) -> None:
        """Change the passphrase (runs the KDF off the event loop)."""
        old, new, again = (
            self.current.value or "",
            self.new.value or "",
            self.confirm.value or "",
        )
        await self._run(
            lambda: self.services.security.change_passphrase(
                old=old, new=new, confirm=again
            ),
            "settings.changed",
            {"old": self.current, "new": self.new, "confirm": self.confirm},
        )

    async def set_duress(self, _: Any) -> None:
        """Set or replace the duress passphrase."""
        real, duress = self.duress_current.value or "", self.duress.value or ""
        again = self.duress_confirm.value or ""
        await self._run(
            lambda: self.services.security.set_duress(
                passphrase=real, duress=duress, confirm=again
            ),
            "settings.duress_saved",
            {
                "passphrase": self.duress_current,
                "duress": self.duress,
                "duress_confirm": self.duress_confirm,
            },
        )

    async def clear_duress(self, _: Any) -> None:
        """Remove the duress passphrase."""
        real = self.duress_current.value or ""
        await self._run(
            lambda: self.services.security.clear_duress(passphrase=real),
            "settings.duress_cleared",
            {"passphrase": self.duress_current},
        )

    # -- layout --------------------------------------------------------------------

    def body(self) -> list[ft.Control]:
        """Quick choices first, passphrase forms folded."""

        def fold(title: str, controls: list[ft.Control]) -> ft.ExpansionTile:
            return ft.ExpansionTile(
                title=ft.Text(title, size=18, weight=ft.FontWeight.W_600),
                controls=[
                    ft.Column(
                        controls,
                        spacing=10,
                        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                    )
                ],
                expanded_cross_axis_alignment=ft.CrossAxisAlignment.STRETCH,
                maintain_state=True,
                min_tile_height=56,
            )

        level = self.services.security.protection().value
        return [
            section_title(t("settings.language")),
            self.language.control,
            *hub_entry(self),
            section_title(t("settings.protection")),
            note(t(f"settings.protection.{level}")),
            section_title(t("settings.idle")),
            self.idle.control,
            section_title(t("settings.location")),
            note(t("settings.location_intro")),
            self.location.control,
            fold(
                t("settings.wipe"),
                [
                    note(t("settings.wipe_intro")),
                    self.wipe.control,
                    self.wipe_current,
                    ft.Row(
                        [
                            primary(
                                t("settings.wipe_apply"), self.shell.on(self.save_wipe)
                            )
                        ]
                    ),
                ],
            ),
            fold(
                t("settings.change_pass"),
                [
                    self.current,
                    self.new,
                    self.confirm,
                    ft.Row(
                        [primary(t("settings.change_pass"), self.shell.on(self.change))]
                    ),
                ],
            ),
            fold(
                t("settings.duress"),
                [
                    note(t("settings.duress_intro")),
                    self.duress_current,
                    self.duress,
                    self.duress_confirm,
                    ft.Row(
                        [
                            primary(
                                t("settings.duress_set"), self.shell.on(self.set_duress)
                            )
                        ]
                    ),
                    secondary(
                        t("settings.duress_clear"), self.shell.on(self.clear_duress)
                    ),
                ],
            ),
        ]
