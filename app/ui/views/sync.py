"""The sync screen: what sync did, does and failed to do; Sync now and Retry.

It draws a :class:`~app.services.SyncStatus` and redraws itself when the session
delivers a newer one (the home screen's badge is
:mod:`app.ui.components.sync_badge`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import flet as ft

from app.services import Enrollment, SyncState, SyncStatus
from app.ui.components.widgets import note, primary, secondary, section_title
from app.ui.host import Host
from app.ui.messages import enum_label, has, t, tn
from app.ui.screen import Screen
from app.ui.syncfmt import ago, failure, progress
from app.ui.theme import TEXT, TEXT_SMALL, tone

__all__ = ["SyncScreen", "enrollment_lines"]


def _now() -> datetime:
    return datetime.now(UTC)


def enrollment_lines(found: Enrollment) -> list[ft.Control]:
    """Team, role and hub of an enrolled phone."""
    return [
        ft.Text(t("hub.line_team", team=found.team), size=TEXT),
        ft.Text(t("hub.line_role", role=enum_label("role", found.role)), size=TEXT),
        ft.Text(t("hub.line_hub", hub=found.hub), size=TEXT_SMALL, selectable=True),
    ]


class SyncScreen(Screen):
    """What sync did, does and failed to do; Sync now and Retry."""

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.enrollment = self.services.enroll.enrollment()
        self.headline = ft.Text("", size=20, weight=ft.FontWeight.BOLD)
        self.last = ft.Text("", size=TEXT)
        self.pending = ft.Text("", size=TEXT)
        self.bar = ft.ProgressBar(value=None, bar_height=10, border_radius=5)
        self.records = ft.Text("", size=TEXT_SMALL)
        self.transfer = ft.Text("", size=TEXT_SMALL)
        self.progress = ft.Column(
            [self.bar, self.records, self.transfer], spacing=4, visible=False
        )
        self.error = ft.Text("", size=TEXT, color=tone("conflict")[0])
        self.retry = primary(
            t("sync.retry"), shell.on(self.sync_now), icon=ft.Icons.REFRESH
        )
        self.failure = ft.Container(
            ft.Column([self.error, ft.Row([self.retry])], spacing=8),
            bgcolor=tone("conflict")[1],
            border_radius=8,
            padding=12,
            visible=False,
        )
        self.details = ft.Column(spacing=4)
        self.now_button = primary(
            t("sync.now"), shell.on(self.sync_now), icon=ft.Icons.SYNC
        )
        self.now_row = ft.Row([self.now_button])

    def title(self) -> str:
        """Sync."""
        return t("sync.title")

    def sync_now(self, _: Any) -> None:
        """Ask the sync thread for a run; the bridge brings back its progress."""
        self.services.sync.sync_now()
        self.failure.visible = False
        self.now_button.disabled = True
        self.headline.value = t("sync.running")

    def draw(self, status: SyncStatus) -> None:
        """Show ``status``."""
        running = status.state is SyncState.RUNNING
        self.headline.value = _headline(status)
        self.last.value = (
            t("sync.last", when=ago(status.last_success, _now()))
            if status.last_success
            else t("sync.never")
        )
        self.pending.value = (
            tn("sync.pending", status.pending)
            if status.pending
            else t("sync.up_to_date")
        )
        shown = progress(status)
        self.progress.visible = shown is not None
        if shown is not None:
            self.bar.value = shown.fraction
            self.records.value, self.transfer.value = shown.records, shown.transfer
        problem = failure(status)
        self.failure.visible = problem is not None
        self.error.value = problem or ""
        self.retry.visible = status.state is SyncState.FAILED
        # After a failure, Retry is the one way to sync now.
        self.now_row.visible = status.state not in (SyncState.REVOKED, SyncState.FAILED)
        self.now_button.disabled = running
        self.details.controls = _report_lines(status)

    def body(self) -> list[ft.Control]:
        """Status first, then the actions, then who this phone is to the hub."""
        status = self.services.sync.status()
        if self.enrollment is None or status.state is SyncState.NOT_ENROLLED:
            return [
                note(t("sync.not_enrolled")),
                ft.Row(
                    [
                        primary(
                            t("hub.open"),
                            self.shell.on(lambda _: self.shell.go("/hub")),
                            icon=ft.Icons.LINK,
                        )
                    ]
                ),
            ]
        self.draw(status)
        self.shell.watch_sync(self, self.draw)
        controls: list[ft.Control] = [
            self.headline,
            self.last,
            self.pending,
            self.progress,
            self.failure,
            self.details,
            self.now_row,
            ft.Row(
                [
                    secondary(
                        t("outbox.open"),
                        self.shell.on(lambda _: self.shell.go("/outbox")),
                        icon=ft.Icons.OUTBOX,
                    )
                ]
            ),
            note(t("sync.auto")),
            section_title(t("hub.this_phone")),
            *enrollment_lines(self.enrollment),
        ]
        if self.enrollment.role == "coordinator":
            controls.append(
                ft.Row(
                    [
                        secondary(
                            t("sync.teams"),
                            self.shell.on(lambda _: self.shell.go("/teams")),
                            icon=ft.Icons.GROUPS,
                        )
                    ]
                )
            )
        return controls


def _headline(status: SyncStatus) -> str:
    if status.state is SyncState.RUNNING:
        return t("sync.running")
    if status.state is SyncState.FAILED:
        return t("sync.failed")
    if status.state is SyncState.REVOKED:
        return t("sync.revoked")
    if status.pending or status.last_success is None:
        return t("sync.headline_waiting")
    return t("sync.headline_ok")


def _report_lines(status: SyncStatus) -> list[ft.Control]:
    return [note(line) for line in _run_lines(status) + _refusal_lines(status)]


def _run_lines(status: SyncStatus) -> list[str]:
    report = status.progress
    if report is None or not report.done:
        return []
    lines: list[str] = []
    refused = sum(report.rejected.values())
    if refused:
        lines.append(tn("sync.rejected", refused))
    if report.unreadable:
        lines.append(tn("sync.unreadable", report.unreadable))
    if report.pack_installed:
        lines.append(t("sync.pack_installed", version=report.pack_installed))
    if report.pack_error:
        lines.append(t("sync.pack_refused"))
    return lines


def _refusal_lines(status: SyncStatus) -> list[str]:
    """Which of this phone's records the hub refused and why; what was dropped."""
    lines: list[str] = []
    for record in status.refused:
        what = enum_label("record_kind", record.kind)
        why = t(f"refusal.{record.code}") if has(f"refusal.{record.code}") else ""
        key = "sync.refused_record" if record.name else "sync.refused_unnamed"
        lines.append(t(key, what=what, name=record.name, why=why))
    if status.refused_incoming:
        lines.append(tn("sync.refused_incoming", status.refused_incoming))
    return lines
