"""Settings → Hub and sync: connect with an address and a code, then what it gave.

Enrollment and unwrapping the organisation key talk to the network or run a
KDF, so both run off the event loop; every failure lands next to the field it
concerns, in plain words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import (
    AuthRequired,
    HubUnreachable,
    ProtocolError,
    Rejected,
    ValidationFailed,
)
from app.services import Enrollment
from app.ui.components.chips import ChipGroup
from app.ui.components.widgets import field, note, primary, secondary, section_title
from app.ui.host import Host
from app.ui.messages import describe, enum_label, field_error, has, t, tn
from app.ui.screen import Screen
from app.ui.views.sync import enrollment_lines

__all__ = ["RETENTION_CHOICES", "HubScreen", "hub_entry"]

RETENTION_CHOICES = (7, 14, 30, 60, 90)


def hub_entry(screen: Screen) -> list[ft.Control]:
    """The Settings section: where this phone stands, and the way in."""
    found = screen.services.enroll.enrollment()
    line = (
        t("hub.connected", team=found.team, role=_role(found))
        if found
        else t("hub.not_connected")
    )
    return [
        section_title(t("hub.section")),
        note(line),
        ft.Row(
            [
                secondary(
                    t("hub.manage") if found else t("hub.open"),
                    screen.shell.on(lambda _: screen.shell.go("/hub")),
                    icon=ft.Icons.HUB,
                )
            ]
        ),
    ]


def _role(found: Enrollment) -> str:
    return enum_label("role", found.role)


class HubScreen(Screen):
    """Connect to a hub, unlock team records (coordinators), retention."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.enrollment = self.services.enroll.enrollment()
        # No hint text: a focused field's accessible name would take it on.
        self.address = field(t("hub.address"))
        self.code = field(t("hub.code"))
        self.org = field(t("hub.org_passphrase"), password=True)
        self.busy = ft.ProgressRing(visible=False, width=28, height=28)
        self.connect_button = primary(
            t("hub.connect"), shell.on(self.connect), icon=ft.Icons.LINK
        )
        self.org_button = primary(
            t("hub.org_unlock"), shell.on(self.unlock_org), icon=ft.Icons.KEY
        )
        days = self.services.sync.retention_days()
        choices = sorted({*RETENTION_CHOICES, days})
        self.retention = ChipGroup(
            [str(d) for d in choices],
            labels={str(d): tn("hub.retention_value", d) for d in choices},
            selected=[str(days)],
            on_change=shell.guard(self._retention_changed),
        )

    def title(self) -> str:
        """Hub and sync."""
        return t("hub.title")

    # -- actions ---------------------------------------------------------------------

    async def connect(self, _: Any) -> None:
        """Enroll with the address and code typed (or the QR text pasted as code)."""
        address, code = self.address.value or "", self.code.value or ""
        self.address.error = self.code.error = None
        done = await self._busy(
            self.connect_button,
            lambda: self.services.enroll.connect(address=address, code=code),
        )
        if done:
            self.services.sync.sync_now()
            self.shell.refresh()
            self.shell.toast(t("hub.connected_toast"))

    async def unlock_org(self, _: Any) -> None:
        """Unwrap the organisation records key with the passphrase (coordinators)."""
        secret = self.org.value or ""
        self.org.error = None
        done = await self._busy(
            self.org_button, lambda: self.services.enroll.unlock_records_key(secret)
        )
        if done:
            self.org.value = ""
            self.services.sync.sync_now()
            self.shell.refresh()
            self.shell.toast(t("hub.org_done"))

    async def _busy(self, button: ft.Control, work: Callable[[], object]) -> bool:
        button.disabled, self.busy.visible = True, True
        self.shell.update()
        try:
            await _off_loop(work)
            return True
        except (
            ValidationFailed,
            AuthRequired,
            HubUnreachable,
            ProtocolError,
            Rejected,
        ) as err:
            self._explain(err)
        finally:
            button.disabled, self.busy.visible = False, False
            self.shell.update()
        return False

    def _explain(self, err: Exception) -> None:
        if isinstance(err, ValidationFailed):
            self._validation(err.fields)
        elif isinstance(err, AuthRequired):
            reason = err.detail if has(f"field.{err.detail}") else "code_refused"
            self.code.error = field_error(reason)
        elif isinstance(err, HubUnreachable):
            self.address.error = t("hub.unreachable")
        elif isinstance(err, ProtocolError):
            self.address.error = t("hub.untrusted")
        elif isinstance(err, Rejected):
            self.code.error = describe(err)

    def _validation(self, fields: dict[str, str]) -> None:
        if fields.get("address"):
            self.address.error = t("hub.address_invalid")
        if fields.get("code"):
            self.code.error = field_error(fields["code"])
        if fields.get("org_passphrase") == "wrong":
            self.org.error = t("hub.org_wrong")
        elif fields.get("org_passphrase"):
            self.org.error = field_error(fields["org_passphrase"])
        if fields.get("hub"):
            self.shell.toast(t("hub.already"))

    def _retention_changed(self) -> None:
        if not self.retention.value:  # tapping the chosen chip again keeps it
            self.retention.toggle(str(self.services.sync.retention_days()))
            return
        self.services.sync.set_retention_days(int(self.retention.value))
        self.shell.toast(t("hub.retention_saved"))

    # -- layout ----------------------------------------------------------------------

    def body(self) -> list[ft.Control]:
        """The connect form before enrollment; the enrollment and settings after."""
        found = self.enrollment
        if found is None:
            return [
                note(t("hub.intro")),
                self.address,
                self.code,
                ft.Row([self.connect_button]),
                self.busy,
            ]
        controls: list[ft.Control] = [
            section_title(t("hub.this_phone")),
            *enrollment_lines(found),
            ft.Row(
                [
                    secondary(
                        t("hub.open_sync"),
                        self.shell.on(lambda _: self.shell.go("/sync")),
                        icon=ft.Icons.SYNC,
                    )
                ]
            ),
        ]
        if found.role == "coordinator":
            controls += self._coordinator(found)
        controls += [
            section_title(t("hub.retention")),
            note(t("hub.retention_intro")),
            self.retention.control,
        ]
        return controls

    def _coordinator(self, found: Enrollment) -> list[ft.Control]:
        if found.records_key_ready:
            return [
                note(t("hub.org_ready")),
                ft.Row(
                    [
                        secondary(
                            t("sync.teams"),
                            self.shell.on(lambda _: self.shell.go("/teams")),
                            icon=ft.Icons.GROUPS,
                        )
                    ]
                ),
            ]
        return [
            note(t("hub.org_intro")),
            self.org,
            ft.Row([self.org_button]),
            self.busy,
        ]


async def _off_loop(work: Callable[[], object]) -> None:
    await asyncio.to_thread(work)
