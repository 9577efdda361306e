"""Parts every form screen shares: the save bar, the "draft restored" banner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.ui.host import Host
from app.ui.messages import t
from app.ui.theme import GAP

__all__ = ["restored_banner", "save_bar"]


def save_bar(*buttons: ft.Control) -> ft.BottomAppBar:
    """The bottom bar holding a form's save buttons, always within thumb reach."""
    return ft.BottomAppBar(
        content=ft.Row(list(buttons), spacing=GAP),
        height=80,
        padding=ft.Padding.symmetric(horizontal=16, vertical=10),
        bgcolor="#eef3f5",
    )


def restored_banner(
    host: Host, *, visible: bool, on_discard: Callable[[], Any]
) -> ft.Control:
    """Says a draft was put back, with a way to throw it away."""
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(ft.Icons.RESTORE, color="#7a4d00"),
                ft.Text(t("unlock.draft_restored"), size=15, expand=True),
                ft.TextButton(
                    content=ft.Text(t("action.discard")),
                    on_click=host.on(lambda _: on_discard()),
                    height=48,
                ),
            ]
        ),
        bgcolor="#ffe2a8",
        border_radius=8,
        padding=8,
        visible=visible,
    )
