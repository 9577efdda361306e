"""First run (create the vault) and every later start (unlock it)."""

from __future__ import annotations

import asyncio
from typing import Any

import flet as ft

from app.errors import AppError, ValidationFailed, WrongPassphrase
from app.services import Strength, strength
from app.ui.components.widgets import field, heading, note, primary
from app.ui.host import LockHost
from app.ui.messages import describe, field_error, t
from app.ui.theme import GAP

__all__ = ["CreateVault", "UnlockVault", "lock_screen"]

# How long the unlock screen waits for the records to load before home opens
# anyway (a large vault keeps loading behind a usable home screen).
RECORDS_WAIT_S = 0.5

_STRENGTH_COLOURS = {
    Strength.EMPTY: "#444444",
    Strength.TOO_SHORT: "#b00020",
    Strength.WEAK: "#b00020",
    Strength.FAIR: "#7a4d00",
    Strength.STRONG: "#1d5c2e",
}


def lock_screen(shell: LockHost, route: str = "/unlock") -> ft.View:
    """The view shown whenever the session holds no keys."""
    screen = UnlockVault(shell) if shell.gate.exists() else CreateVault(shell)
    return screen.build()


def _view(route: str, controls: list[ft.Control]) -> ft.View:
    return ft.View(
        route=route,
        controls=[
            ft.Column(
                controls,
                spacing=GAP + 4,
                scroll=ft.ScrollMode.AUTO,
                expand=True,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
            )
        ],
        padding=ft.Padding.symmetric(horizontal=20, vertical=24),
    )


class CreateVault:
    """Passphrase twice, a strength hint, and the plain warning about forgetting it."""

    def __init__(self, shell: LockHost) -> None:
        self.shell = shell
        self.passphrase = field(
            t("create.passphrase"), password=True, on_change=self._typed
        )
        self.confirm = field(t("create.confirm"), password=True)
        self.confirm.on_submit = shell.on(self.submit)
        self.hint = note(t("strength.empty"))
        self.button = primary(
            t("create.submit"), shell.on(self.submit), icon=ft.Icons.LOCK
        )
        self.busy = ft.ProgressRing(visible=False, width=28, height=28)

    def build(self) -> ft.View:
        """The first-run screen."""
        warning = ft.Container(
            content=ft.Row(
                [
                    ft.Icon(ft.Icons.WARNING_AMBER, color="#7a4d00", size=28),
                    ft.Text(t("create.warning"), size=16, expand=True, color="#3d2600"),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
            ),
            bgcolor="#ffe2a8",
            border_radius=8,
            padding=12,
        )
        return _view(
            "/unlock",
            [
                heading(t("create.title")),
                ft.Text(t("create.intro"), size=16),
                self.passphrase,
                self.hint,
                self.confirm,
                warning,
                ft.Row([self.button]),
                self.busy,
            ],
        )

    def _typed(self, _: Any) -> None:
        grade = strength(self.passphrase.value or "")
        self.hint.value = t(f"strength.{grade.value}")
        self.hint.color = _STRENGTH_COLOURS[grade]
        # Never patch the field being typed in from its own on_change: the patch races
        # the next keystrokes on the client.

    async def submit(self, _: Any) -> None:
        """Create the vault off the event loop (the KDF takes a moment)."""
        secret, again = self.passphrase.value or "", self.confirm.value or ""
        self.passphrase.error = self.confirm.error = None
        self._set_busy(True)
        try:
            services = await asyncio.to_thread(self.shell.gate.create, secret, again)
        except ValidationFailed as err:
            self.passphrase.error = field_error(err.fields.get("passphrase"))
            self.confirm.error = field_error(err.fields.get("confirm"))
            self._set_busy(False)
            return
        except AppError:
            self._set_busy(False)
            raise
        self.shell.opened(services)

    def _set_busy(self, busy: bool) -> None:
        self.button.disabled = busy
        self.busy.visible = busy
        self.shell.update()


class UnlockVault:
    """Passphrase, unlock, and a plain message when it is wrong."""

    def __init__(self, shell: LockHost) -> None:
        self.shell = shell
        self.passphrase = field(t("unlock.passphrase"), password=True)
        self.passphrase.on_submit = shell.on(self.submit)
        self.message = ft.Text("", size=16, color="#b00020", visible=False)
        self.button = primary(
            t("unlock.submit"), shell.on(self.submit), icon=ft.Icons.LOCK_OPEN
        )
        self.busy = ft.ProgressRing(visible=False, width=28, height=28)

    def build(self) -> ft.View:
        """The unlock screen."""
        return _view(
            "/unlock",
            [
                ft.Icon(ft.Icons.LOCK, size=48, color="#0b4f6c"),
                heading(t("unlock.title")),
                ft.Text(t("unlock.intro"), size=16),
                self.passphrase,
                self.message,
                ft.Row([self.button]),
                self.busy,
            ],
        )

    async def submit(self, _: Any) -> None:
        """Unlock off the event loop; on success the shell takes over."""
        secret = self.passphrase.value or ""
        self._set_busy(True)
        try:
            services = await asyncio.to_thread(self.shell.gate.unlock, secret)
            await asyncio.to_thread(services.wait_ready, RECORDS_WAIT_S)
        except WrongPassphrase as err:
            self.message.value = (
                describe(err) if err.remaining is not None else t("unlock.wrong")
            )
            self.message.visible = True
            self.passphrase.value = ""
            self._set_busy(False)
            if err.remaining == 0:
                self.shell.show_lock()
                self.shell.toast(describe(err))
            return
        except AppError as err:
            self.message.value, self.message.visible = describe(err), True
            self._set_busy(False)
            return
        self.shell.opened(services)

    def _set_busy(self, busy: bool) -> None:
        self.button.disabled = busy
        self.busy.visible = busy
        self.shell.update()
