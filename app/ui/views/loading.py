"""Shown for a moment after unlock while a large vault's records are opened."""

from __future__ import annotations

import flet as ft

from app.ui.components.widgets import heading, note
from app.ui.host import Host
from app.ui.messages import t

__all__ = ["loading_screen"]


def loading_screen(shell: Host, route: str) -> ft.View:
    """A plain "one moment" view; the shell replaces it once the records are in."""
    return ft.View(
        route=route,
        controls=[
            ft.Column(
                [
                    heading(t("loading.title")),
                    ft.ProgressRing(width=32, height=32),
                    note(t("loading.body")),
                ],
                spacing=16,
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
            )
        ],
        padding=ft.Padding.symmetric(horizontal=20, vertical=40),
    )
