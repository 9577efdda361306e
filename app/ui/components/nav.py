"""The bottom navigation of the top-level screens."""

from __future__ import annotations

import flet as ft

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
)


def nav_bar(host: Host, selected: int) -> ft.NavigationBar:
    """The bar, with ``selected`` lit."""

    def change(e: ft.Event[ft.NavigationBar]) -> None:
        index = e.control.selected_index or 0
        host.go(TABS[index][0])

    return ft.NavigationBar(
        selected_index=selected,
        destinations=[
            ft.NavigationBarDestination(icon=getattr(ft.Icons, icon), label=t(key))
            for _, key, icon in TABS
        ],
        on_change=host.on(change),
    )
