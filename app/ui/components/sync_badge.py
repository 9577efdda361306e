"""The home screen's sync line: last sync, what waits, failures; tap for details."""

from __future__ import annotations

from datetime import UTC, datetime

import flet as ft

from app.services import SyncState, SyncStatus
from app.ui.components.widgets import note
from app.ui.host import Host
from app.ui.messages import t, tn
from app.ui.syncfmt import badge
from app.ui.theme import TEXT_SMALL, tone

__all__ = ["SyncBadge", "sync_badge"]


def _now() -> datetime:
    return datetime.now(UTC)


class SyncBadge:
    """One tappable line on the home screen: last sync, what waits, failures."""

    def __init__(self, host: Host, status: SyncStatus) -> None:
        self.icon = ft.Icon(ft.Icons.SYNC, size=24)
        self.text = ft.Text("", size=TEXT_SMALL + 1, weight=ft.FontWeight.W_600)
        go = host.on(lambda _: host.go("/sync"))
        self.control = ft.Container(
            content=ft.Row(
                [
                    self.icon,
                    ft.Container(self.text, expand=True),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, size=24),
                ],
                spacing=10,
            ),
            on_click=go,
            border_radius=8,
            padding=ft.Padding.symmetric(vertical=10, horizontal=12),
            ink=True,
            tooltip=t("badge.open"),
        )
        self.draw(status)

    def draw(self, status: SyncStatus) -> None:
        """Show ``status``."""
        text, kind = badge(status, _now())
        fg, bg = tone(kind)
        self.text.value, self.text.color = text, fg
        self.icon.color, self.control.bgcolor = fg, bg
        self.icon.icon = {
            "conflict": ft.Icons.SYNC_PROBLEM,
            "planned": ft.Icons.CLOUD_DONE,
        }.get(kind, ft.Icons.SYNC)


def sync_badge(host: Host, owner: object, pending: int) -> ft.Control | None:
    """The badge, redrawn while ``owner`` is on screen; before enrollment, only a
    note of what is not synced."""
    status = host.services.sync.status()
    if status.state is SyncState.NOT_ENROLLED:
        return note(tn("home.pending", pending)) if pending else None
    made = SyncBadge(host, status)
    host.watch_sync(owner, made.draw)
    return made.control
