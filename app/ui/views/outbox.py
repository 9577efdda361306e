"""What waits to be sent, what the hub refused, and one record's send status."""

from __future__ import annotations

import flet as ft

from app.services import RecordSync, SendState
from app.ui.components.records import record_tile
from app.ui.components.widgets import list_or_empty, note, section_title
from app.ui.host import Handler
from app.ui.messages import enum_label, formats, has, t, tn
from app.ui.screen import Screen
from app.ui.theme import TEXT, tone

__all__ = ["OutboxScreen", "send_line"]


def refusal_why(code: str) -> str:
    """Why the hub refused, in words."""
    return t(f"refusal.{code}") if has(f"refusal.{code}") else t("outbox.refused_why")


def send_line(state: RecordSync) -> ft.Control:
    """One record's send status as a line: waiting, sent at, refused with why."""
    if state.state is SendState.WAITING:
        return ft.Text(t("outbox.waiting"), size=TEXT)
    if state.state is SendState.REFUSED:
        field = enum_label("field", state.field) if state.field else ""
        key = "outbox.refused_field" if field else "outbox.refused"
        return ft.Text(
            t(key, field=field, why=refusal_why(state.code)),
            size=TEXT,
            color=tone("conflict")[0],
        )
    if state.at is None:
        return ft.Text(t("outbox.sent"), size=TEXT)
    return ft.Text(t("outbox.sent_at", when=formats().moment(state.at)), size=TEXT)


class OutboxScreen(Screen):
    """The outbox: records waiting for the hub, and those it refused."""

    def title(self) -> str:
        """Outbox."""
        return t("outbox.title")

    def _open(self, record_id: str) -> Handler:
        return self.shell.on(lambda _: self.shell.go("/record", id=record_id))

    def body(self) -> list[ft.Control]:
        """Waiting first (newest first), then refused, then registry entries."""
        outbox = self.services.outbox
        waiting = outbox.waiting()
        controls: list[ft.Control] = [
            section_title(tn("outbox.waiting_title", len(waiting))),
            *list_or_empty(
                (record_tile(row, on_click=self._open(str(row.id))) for row in waiting),
                t("outbox.nothing_waiting"),
            ),
        ]
        registry = outbox.waiting_registry()
        if registry:
            controls.append(note(tn("outbox.registry_waiting", registry)))
        refused = outbox.refused()
        if refused:
            controls.append(section_title(t("outbox.refused_title")))
            for row, state in refused:
                controls.append(record_tile(row, on_click=self._open(str(row.id))))
                controls.append(send_line(state))
        return controls
