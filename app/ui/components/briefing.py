""" "Before you go": the coordinators' notes on an actor, shown where it is picked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft

from app.services.briefings import BriefingNote
from app.ui.messages import formats, t
from app.ui.theme import TEXT, TEXT_SMALL, tone

__all__ = ["BriefingPanel", "briefing_box"]


def briefing_box(notes: Sequence[BriefingNote]) -> ft.Control:
    """The notes in one framed box under a "Before you go" heading."""
    fg, bg = tone("draft")
    lines: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(ft.Icons.TIPS_AND_UPDATES, color=fg, size=22),
                ft.Semantics(
                    header=True,
                    content=ft.Text(
                        t("briefing.title"),
                        size=TEXT,
                        weight=ft.FontWeight.W_700,
                        color=fg,
                    ),
                ),
            ],
            spacing=8,
        )
    ]
    for item in notes:
        lines.append(ft.Text(item.text, size=TEXT))
        lines.append(
            ft.Text(
                t("briefing.from", when=formats().day(item.written)),
                size=TEXT_SMALL,
                color="#3a3a3a",
            )
        )
    return ft.Container(
        content=ft.Column(lines, spacing=6),
        bgcolor=bg,
        border=ft.Border.all(1, fg),
        border_radius=8,
        padding=12,
    )


class BriefingPanel:
    """The notes on whichever actor a form's picker holds; hidden when none."""

    def __init__(self, notes_for: Callable[[str], list[BriefingNote]]) -> None:
        self._notes_for = notes_for
        self.control = ft.Container(visible=False)

    def show(self, actor_id: str) -> None:
        """Show the notes on ``actor_id`` (none, or ``""``: hide the panel)."""
        notes = self._notes_for(actor_id) if actor_id else []
        self.control.content = briefing_box(notes) if notes else None
        self.control.visible = bool(notes)
