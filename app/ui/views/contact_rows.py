"""Repeating rows of the contact form: commitments and follow-ups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.ui.components.chips import ChipGroup
from app.ui.components.marks import message_for
from app.ui.components.widgets import field, icon_action, long_field, secondary
from app.ui.messages import field_error, t
from models.enums import Compliance, FollowUpStatus
from models.text import NAME_MAX

__all__ = ["RowList"]

Wrap = Callable[[Callable[[Any], Any]], Callable[[Any], Any]]


class _Row:
    """One commitment or follow-up: a text, a due date and a status."""

    def __init__(self, kind: str, n: int, values: dict[str, str]) -> None:
        self.kind = kind
        self.row_id = values.get("id", "")
        if kind == "commitment":
            self.text = long_field(
                t("contact.commitment_text", n=n), value=values.get("text", "")
            )
            self.due = field(t("contact.commitment_due", n=n), values.get("due", ""))
            self.status = ChipGroup(
                [c.value for c in Compliance],
                group="compliance",
                selected=[values.get("compliance") or "pending"],
            )
        else:
            self.text = field(
                t("contact.follow_up_title", n=n),
                values.get("title", ""),
                limit=NAME_MAX,
            )
            self.due = field(t("contact.follow_up_due", n=n), values.get("due", ""))
            self.status = ChipGroup(
                [s.value for s in FollowUpStatus],
                group="follow_up_status",
                selected=[values.get("status") or "open"],
            )

    def values(self) -> dict[str, str]:
        """The row as the service expects it."""
        if self.kind == "commitment":
            return {
                "text": self.text.value or "",
                "due": self.due.value or "",
                "compliance": self.status.value or "pending",
            }
        return {
            "id": self.row_id,
            "title": self.text.value or "",
            "due": self.due.value or "",
            "status": self.status.value or "open",
        }

    def show_errors(self, errors: dict[str, str], index: int) -> bool:
        """Put this row's messages next to its fields; True when it has any."""
        prefix = "commitment" if self.kind == "commitment" else "follow_up"
        text_key = (
            f"{prefix}_text:{index}"
            if prefix == "commitment"
            else f"{prefix}_title:{index}"
        )
        self.text.error = message_for(self.text, errors.get(text_key))
        self.due.error = field_error(errors.get(f"{prefix}_due:{index}"))
        return bool(self.text.error or self.due.error)


class RowList:
    """A list of rows with Add and Remove buttons."""

    def __init__(self, kind: str, rows: list[dict[str, str]], wrap: Wrap) -> None:
        self.kind = kind
        self._wrap = wrap
        self.rows = [_Row(kind, i + 1, r) for i, r in enumerate(rows)]
        self.control = ft.Column(spacing=10)
        self._render()

    def values(self) -> list[dict[str, str]]:
        """Every row's values."""
        return [row.values() for row in self.rows]

    def show_errors(self, errors: dict[str, str]) -> bool:
        """Mark rows with errors; True when any row has one."""
        found = [row.show_errors(errors, i) for i, row in enumerate(self.rows)]
        return any(found)

    def add(self, values: dict[str, str] | None = None) -> None:
        """Append an empty row."""
        self.rows.append(_Row(self.kind, len(self.rows) + 1, values or {}))
        self._render()

    def remove(self, index: int) -> None:
        """Drop one row."""
        del self.rows[index]
        kept = [row.values() for row in self.rows]
        self.rows = [_Row(self.kind, i + 1, r) for i, r in enumerate(kept)]
        self._render()

    def _remover(self, index: int) -> Callable[[Any], None]:
        def handle(_: Any) -> None:
            self.remove(index)

        return handle

    def _render(self) -> None:
        items: list[ft.Control] = []
        remove_key = (
            "contact.remove_commitment"
            if self.kind == "commitment"
            else "contact.remove_follow_up"
        )
        for i, row in enumerate(self.rows):
            remove = icon_action(
                ft.Icons.DELETE_OUTLINE,
                t(remove_key, n=i + 1),
                self._wrap(self._remover(i)),
            )
            items.append(
                ft.Container(
                    content=ft.Column(
                        [
                            ft.Row([ft.Container(row.text, expand=True), remove]),
                            row.due,
                            row.status.control,
                        ],
                        spacing=8,
                    ),
                    border=ft.Border.all(1, "#c4c4c4"),
                    border_radius=8,
                    padding=10,
                )
            )
        add_key = (
            "contact.add_commitment"
            if self.kind == "commitment"
            else "contact.add_follow_up"
        )
        items.append(
            secondary(t(add_key), self._wrap(lambda _: self.add()), icon=ft.Icons.ADD)
        )
        self.control.controls = items
