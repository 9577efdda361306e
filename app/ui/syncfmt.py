"""Sync status in words: relative times, sizes, the badge line, the progress lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.services import SyncState, SyncStatus
from app.ui.messages import describe_code, formats, t, tn

__all__ = ["Progress", "ago", "badge", "failure", "progress", "size"]


def ago(when: datetime, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``yesterday``, ``4 days ago``."""
    seconds = max(0.0, (now - when).total_seconds())
    if seconds < 60:
        return t("ago.now")
    if seconds < 3600:
        return tn("ago.minutes", int(seconds // 60))
    if seconds < 24 * 3600:
        return tn("ago.hours", int(seconds // 3600))
    days = int(seconds // (24 * 3600))
    return t("ago.yesterday") if days == 1 else tn("ago.days", days)


def size(n: int) -> str:
    """A byte count a person can read: ``820 B``, ``14.2 KB``, ``3.1 MB``."""
    fmt = formats()
    if n < 1024:
        return t("size.bytes", n=fmt.number(n))
    if n < 1024 * 1024:
        return t("size.kb", n=fmt.decimal(n / 1024))
    return t("size.mb", n=fmt.decimal(n / (1024 * 1024)))


@dataclass(frozen=True, slots=True)
class Progress:
    """What the progress bar shows: a fraction (``None`` = unknown) and two lines."""

    fraction: float | None
    records: str
    transfer: str


def progress(status: SyncStatus) -> Progress | None:
    """The progress of the run in progress (or the last one); ``None`` before any."""
    report = status.progress
    if report is None:
        if status.state is SyncState.RUNNING:
            return Progress(None, t("sync.running"), "")
        return None
    total = max(report.records_total, report.records_sent)
    fraction = report.records_sent / total if total else None
    records = tn("sync.progress_records", total, sent=report.records_sent, total=total)
    if report.done and status.state is not SyncState.RUNNING and status.pending:
        # The last run is over but changes wait (saved since, or held back): the
        # bar shows what is really left, never a full bar over "0 of 0".
        sent = report.records_sent
        fraction = sent / (sent + status.pending)
        records = tn("sync.progress_waiting", status.pending, sent=sent)
    elif report.done:
        fraction = 1.0
        if not total:
            records = t("sync.progress_nothing")
    return Progress(
        fraction,
        records,
        t(
            "sync.progress_bytes",
            sent=size(report.bytes_sent),
            received=size(report.bytes_received),
        ),
    )


def badge(status: SyncStatus, now: datetime) -> tuple[str, str]:
    """The one-line home badge and its tone (``pending``, ``planned``, ``conflict``)."""
    waiting = tn("badge.waiting", status.pending) if status.pending else ""
    if status.state is SyncState.REVOKED:
        return t("badge.revoked"), "conflict"
    if status.state is SyncState.RUNNING:
        report = status.progress
        sent, total = (report.records_sent, report.records_total) if report else (0, 0)
        return t("badge.syncing", sent=sent, total=max(sent, total)), "pending"
    if status.state is SyncState.FAILED:
        return _join(t("badge.failed"), waiting), "conflict"
    last = (
        t("badge.synced", when=ago(status.last_success, now))
        if status.last_success
        else t("badge.never")
    )
    return _join(last, waiting), "pending" if status.pending else "planned"


def failure(status: SyncStatus) -> str | None:
    """The last failure in plain words, or ``None``."""
    if status.state is SyncState.REVOKED:
        return describe_code("device_revoked")
    if status.state is not SyncState.FAILED or status.last_failure is None:
        return None
    return describe_code(status.last_failure)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)
