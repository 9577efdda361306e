"""Parts every form screen shares: the save bar, the "draft restored" banner,
the check that no name typed in a picker is lost."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui.components.picker import Picker
from app.ui.host import Host
from app.ui.messages import t
from app.ui.theme import GAP

__all__ = ["restored_banner", "save_bar", "typed_names_kept"]


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


def typed_names_kept(host: Host, column: ft.Column, pickers: Sequence[Picker]) -> bool:
    """Before a save: True when every name typed in ``pickers`` is picked.

    Otherwise the pickers concerned say why next to themselves, the first one is
    scrolled into view, and the save must not go ahead (nothing is dropped).
    """
    waiting = [p for p in pickers if not p.check()]
    if not waiting:
        return True
    host.toast(t("picker.finish_first"))
    if waiting[0].key:
        host.run_task(column.scroll_to, scroll_key=waiting[0].key, duration=300)
    return False
