"""The bottom navigation of the top-level screens."""

from __future__ import annotations

import flet as ft

from app.errors import AppError
from app.ui.host import Host
from app.ui.messages import t

__all__ = ["TABS", "nav_bar"]

# (route, label key, icon name); the index is a route's ``tab``.
TABS: tuple[tuple[str, str, str], ...] = (
    ("/", "nav.home", "HOME"),
    ("/records", "nav.records", "LIST_ALT"),
    ("/actors", "nav.actors", "GROUPS"),
    ("/settings", "nav.settings", "SETTINGS"),
    ("/guide", "nav.guide", "MENU_BOOK"),
    # Coordinators only (see ``nav_bar``).
    ("/coord", "nav.coord", "HUB"),
)
#: How many of TABS every device shows.
FIELD_TABS = 5


def _coordinator(host: Host) -> bool:
    try:
        return host.services.coordination.allowed
    except AppError:  # locked meanwhile: the field tabs only
        return False


def nav_bar(host: Host, selected: int) -> ft.NavigationBar:
    """The bar, with ``selected`` lit."""

    shown = TABS if _coordinator(host) else TABS[:FIELD_TABS]

    def change(e: ft.Event[ft.NavigationBar]) -> None:
        index = e.control.selected_index or 0
        host.go(shown[index][0])

    return ft.NavigationBar(
        selected_index=selected if selected < len(shown) else 0,
        destinations=[
            ft.NavigationBarDestination(icon=getattr(ft.Icons, icon), label=t(key))
            for _, key, icon in shown
        ],
        on_change=host.on(change),
    )
