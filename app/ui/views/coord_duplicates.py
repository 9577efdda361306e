"""Coordinator: actors that may be one, merged in two taps."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.errors import ValidationFailed
from app.services.coordination import Suggestion
from app.ui.components.widgets import marker, note, primary, secondary
from app.ui.messages import t, tn
from app.ui.screen import Screen
from app.ui.theme import TEXT, TEXT_SMALL
from app.ui.views.coord import coordinator_only, redraw

__all__ = ["DuplicatesScreen"]


class DuplicatesScreen(Screen):
    """Each suggestion: the two names, why; Merge, then confirm."""

    def __init__(self, shell: Any, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.flipped: set[tuple[str, str]] = set()

    def title(self) -> str:
        """Possible duplicates."""
        return t("coord.dup.title")

    def body(self) -> list[ft.Control]:
        """One card per pair."""
        refused = coordinator_only(self)
        if refused is not None:
            return refused
        found = self.services.coordination.duplicates()
        if not found:
            return [note(t("coord.dup.none"))]
        cards: list[ft.Control] = [
            ft.Container(self._card(s), col={"xs": 12, "md": 6, "xl": 4}) for s in found
        ]
        return [
            note(tn("coord.dup.intro", len(found))),
            ft.ResponsiveRow(cards, spacing=10, run_spacing=10),
        ]

    def _sides(self, s: Suggestion) -> tuple[str, str, str, str]:
        """(keep id, keep name, merged id, merged name): by default the one with
        more records is kept; "Keep the other" swaps them."""
        coord = self.services.coordination
        first, second = str(s.first), str(s.second)
        swap = coord.record_count(s.second) > coord.record_count(s.first)
        if ((first, second) in self.flipped) != swap:
            return second, coord.actor_name(s.second), first, coord.actor_name(s.first)
        return first, coord.actor_name(s.first), second, coord.actor_name(s.second)

    def _card(self, s: Suggestion) -> ft.Control:
        keep, keep_name, drop, drop_name = self._sides(s)
        why = t(f"coord.dup.why.{s.strength}", one=s.names[0], other=s.names[1])
        pair = (str(s.first), str(s.second))

        def flip(_: Any) -> None:
            self.flipped ^= {pair}
            redraw(self)

        def merge(_: Any) -> None:
            self.shell.confirm(
                title=t("coord.dup.confirm_title"),
                body=t("coord.dup.confirm_body", keep=keep_name, drop=drop_name),
                yes=t("coord.dup.merge"),
                on_yes=self.shell.guard(lambda: self._merge(keep, drop, keep_name)),
            )

        return ft.Container(
            content=ft.Column(
                [
                    marker(
                        t(f"coord.dup.strength.{s.strength}"),
                        "draft" if s.strength == "sound" else "pending",
                    ),
                    ft.Text(
                        t("coord.dup.keep", name=keep_name),
                        size=TEXT,
                        weight=ft.FontWeight.W_700,
                    ),
                    ft.Text(t("coord.dup.into", name=drop_name), size=TEXT),
                    ft.Text(why, size=TEXT_SMALL),
                    ft.Row(
                        [
                            primary(
                                t("coord.dup.merge"),
                                self.shell.on(merge),
                                icon=ft.Icons.MERGE_TYPE,
                            ),
                            secondary(
                                t("coord.dup.swap"),
                                self.shell.on(flip),
                                icon=ft.Icons.SWAP_VERT,
                            ),
                        ],
                        spacing=8,
                    ),
                ],
                spacing=6,
            ),
            padding=12,
            border=ft.Border.all(1, "#c4ccd0"),
            border_radius=10,
        )

    def _merge(self, keep: str, drop: str, name: str) -> None:
        try:
            self.services.coordination.merge(keep=keep, drop=drop)
        except ValidationFailed as err:
            code = err.fields.get("merge", "")
            self.shell.toast(t(f"coord.dup.refused.{code}"))
            return
        self.shell.toast(t("coord.dup.merged", name=name))
        self.shell.refresh()
